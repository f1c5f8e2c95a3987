// nameifuzz: finds bugs in the Linux kernel's open paths. See README.md and docs/.
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>

#include "cli/command.hpp"
#include "report/stamp.hpp"

namespace nfz::cli {
namespace {

void print_overview() {
  std::cout << "usage: nameifuzz COMMAND [OPTIONS]\n\ncommands:\n";
  for (const auto& c : commands()) {
    std::string name(c.name);
    name.resize(12, ' ');
    std::cout << "  " << name << c.summary << "\n";
  }
  std::cout << "\n'nameifuzz COMMAND --help' lists a command's options; 'nameifuzz --version' prints the version;\n"
               "'nameifuzz help --man' prints the man page.\n"
               "Exit codes: 0 ok, 1 a finding, 2 usage, input or environment error.\n";
}

int run_command(const Command& c, int argc, char** argv) {
  po::positional_options_description positional;
  po::options_description desc = command_options(c, positional);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).positional(positional).run(), vm);
    if (vm.count("help")) {
      std::cout << desc << "\n";
      return kExitOk;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error(c.name, std::string(e.what()) + " (see --help)");
  }
  return c.run(vm);
}

}  // namespace

po::options_description command_options(const Command& c, po::positional_options_description& positional) {
  po::options_description desc(std::string("usage: nameifuzz ") + std::string(c.name) + " " +
                               std::string(c.usage) + "\n" + std::string(c.summary) + "\n\noptions");
  desc.add_options()("help,h", "print this help");
  c.declare(desc, positional);
  return desc;
}

int usage_error(std::string_view command, std::string_view message) {
  std::cerr << "nameifuzz " << command << ": " << message << "\n";
  return kExitUsage;
}

}  // namespace nfz::cli

int main(int argc, char** argv) {
  using namespace nfz::cli;
  if (argc < 2) {
    print_overview();
    return kExitUsage;
  }
  std::string name = argv[1];
  if (name == "help" && argc == 3 && std::string(argv[2]) == "--man") {
    std::cout << man_page();
    return kExitOk;
  }
  if (name == "--help" || name == "-h" || name == "help") {
    print_overview();
    return kExitOk;
  }
  if (name == "--version" || name == "-V") {
    std::cout << "nameifuzz " << nfz::report::tool_version() << "\n";
    return kExitOk;
  }
  for (const auto& c : commands())
    if (c.name == name) return run_command(c, argc - 1, argv + 1);
  std::cerr << "nameifuzz: unknown command '" << name << "' (see nameifuzz --help)\n";
  return kExitUsage;
}
