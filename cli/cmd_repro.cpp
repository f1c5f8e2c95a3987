// nameifuzz repro FILE --oracle O: write the C reproducer of a finding (docs/REPRODUCERS.md).
#include <fstream>
#include <iostream>
#include <variant>

#include "cli/command.hpp"
#include "core/text.hpp"
#include "repro/repro.hpp"

namespace nfz::cli {
namespace {

std::string oracle_help() {
  std::string help = "the oracle whose condition repro.c checks:";
  for (const std::string& line : repro::repro_oracles()) help += " " + line.substr(0, line.find(':')) + ",";
  help.pop_back();
  return help;
}

int repro(const po::variables_map& vm) {
  const std::string file = vm["file"].as<std::string>();
  auto parsed = read_program_file(file);
  if (auto* err = std::get_if<ParseError>(&parsed)) {
    std::cerr << err->to_string() << "\n";
    return kExitUsage;
  }
  std::optional<History> history;
  if (vm.count("history")) {
    auto h = read_history_file(vm["history"].as<std::string>());
    if (auto* err = std::get_if<ParseError>(&h)) {
      std::cerr << err->to_string() << "\n";
      return kExitUsage;
    }
    history = std::move(std::get<History>(h));
  }
  repro::ReproSpec spec;
  spec.oracle = vm["oracle"].as<std::string>();
  spec.title = vm.count("title") ? vm["title"].as<std::string>() : spec.oracle;
  spec.target = vm["target"].as<std::string>();
  spec.source = file;
  int64_t deadline = vm["deadline-ms"].as<int64_t>(), tries = vm["tries"].as<int64_t>();
  if (deadline < 1 || deadline > 60'000) return usage_error("repro", "--deadline-ms: 1 to 60000");
  if (tries < 0 || tries > 10'000) return usage_error("repro", "--tries: 0 to 10000");
  spec.deadline_ms = static_cast<uint32_t>(deadline);
  spec.tries = static_cast<int>(tries);
  std::string why;
  std::string c = repro::c_reproducer(std::get<Program>(parsed), history ? &*history : nullptr, spec, why);
  if (c.empty()) return usage_error("repro", file + ": no C reproducer: " + why);
  if (!vm.count("output")) {
    std::cout << c;
    return kExitOk;
  }
  const std::string out = vm["output"].as<std::string>();
  std::ofstream os(out);
  os << c;
  os.close();
  if (!os) return usage_error("repro", "cannot write " + out);
  return kExitOk;
}

}  // namespace

Command repro_command() {
  return {"repro", "write a finding's standalone C reproducer (liburing; libfuse3 on fuse:* targets)", "FILE",
          [](po::options_description& desc, po::positional_options_description& pos) {
            desc.add_options()
                ("file", po::value<std::string>()->required(), "the finding's .nfz program")
                ("oracle", po::value<std::string>()->required(), oracle_help().c_str())
                ("history", po::value<std::string>(), "the failing History (JSON lines); linearizable needs it")
                ("target", po::value<std::string>()->default_value("tmpfs"),
                 "the target repro.c makes: tmpfs, ext4, xfs, btrfs, fuse:{strict,churn,nocreate}[+latency]")
                ("title", po::value<std::string>(), "the finding's title (\"(fuse:GETATTR)\" in it names the request to watch)")
                ("deadline-ms", po::value<int64_t>()->default_value(200), "repro.c interrupts or cancels an op past this")
                ("tries", po::value<int64_t>()->default_value(0), "runs before \"did not reproduce\" (0: 1, or 20 with threads)")
                ("output,o", po::value<std::string>(), "write repro.c here (default: standard output)");
            pos.add("file", 1);
          },
          repro};
}

}  // namespace nfz::cli
