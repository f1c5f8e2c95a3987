// nameifuzz fmt FILE: parse a reproducer and print it in canonical form.
#include <iostream>
#include <variant>

#include "cli/command.hpp"
#include "core/text.hpp"

namespace nfz::cli {

Command fmt_command() {
  return {
      "fmt", "parse a .nfz reproducer and print it in canonical form", "FILE",
      [](po::options_description& desc, po::positional_options_description& pos) {
        desc.add_options()("file", po::value<std::string>()->required(), "the .nfz file");
        pos.add("file", 1);
      },
      [](const po::variables_map& vm) {
        auto parsed = read_program_file(vm["file"].as<std::string>());
        if (auto* err = std::get_if<ParseError>(&parsed)) {
          std::cerr << err->to_string() << "\n";
          return kExitUsage;
        }
        std::cout << print_program(std::get<Program>(parsed));
        return kExitOk;
      }};
}

}  // namespace nfz::cli
