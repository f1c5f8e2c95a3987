// nameifuzz minimize FILE --title TITLE: the findings pipeline on a reproducer
// (docs/FINDINGS_PIPELINE.md): confirm the title on fresh instances of the target,
// minimize it (delta debugging, predicate "the same title"), write findings/<signature>/.
#include <iostream>
#include <variant>

#include "cli/command.hpp"
#include "core/read_file.hpp"
#include "core/text.hpp"
#include "pipeline/pipeline.hpp"

namespace nfz::cli {
namespace {

int minimize(const po::variables_map& vm) {
  const std::string file = vm["file"].as<std::string>();
  auto parsed = read_program_file(file);
  if (auto* err = std::get_if<ParseError>(&parsed)) {
    std::cerr << err->to_string() << "\n";
    return kExitUsage;
  }
  std::string text;
  read_small_file(file, kMaxFileSize, text);
  std::string target_name = vm.count("target") ? vm["target"].as<std::string>() : pipeline::target_named_in(text);
  if (target_name.empty()) target_name = "tmpfs";
  auto target = parse_target(target_name);
  if (!target) return usage_error("minimize", "--target: unknown target '" + target_name + "' (known: " + std::string(kKnownTargets) + ")");
  if (!enable_inject_option(vm, "minimize")) return kExitUsage;
  pipeline::FindingCase c;
  c.title = vm["title"].as<std::string>();
  c.program = std::get<Program>(std::move(parsed));
  c.target = *target;
  c.shared_ring = vm.count("shared-ring") > 0;
  c.found_by = "nameifuzz minimize " + file + " --title '" + c.title + "' --target " + target_name;
  pipeline::PipelineOptions o;
  o.confirm = vm["confirm"].as<uint32_t>();
  if (o.confirm < 1) return usage_error("minimize", "--confirm must be at least 1");
  o.budget_s = vm["budget"].as<double>();
  if (o.budget_s < 0) return usage_error("minimize", "--budget must be >= 0 seconds");
  o.findings_dir = vm["findings"].as<std::string>();
  o.op_deadline_ns = vm.count("deadline-ms") ? vm["deadline-ms"].as<int64_t>() * 1'000'000 : default_deadline_ns({*target});
  o.title_must_reproduce = true;
  o.quiet = vm.count("quiet") > 0;
  pipeline::PipelineResult r = pipeline::run_pipeline(std::move(c), o);
  if (r.exit_code != kExitOk) return usage_error("minimize", r.why);
  std::cout << print_program(r.minimized) << "# " << r.minimized.op_count() << " ops, reproduces " << r.repro.text()
            << (r.minimize ? ", minimized in " + std::to_string(r.minimize->seconds).substr(0, 5) + " s" : "")
            << "\n# -> " << r.folder << "\n";
  return kExitOk;
}

}  // namespace

Command minimize_command() {
  return {"minimize", "confirm a finding's title on fresh targets, minimize its reproducer, write its findings folder",
          "FILE --title TITLE",
          [](po::options_description& desc, po::positional_options_description& pos) {
            desc.add_options()
                ("file", po::value<std::string>()->required(), "the .nfz reproducer")
                ("title", po::value<std::string>()->required(), "the finding's title (the predicate: a replay reports it)")
                ("target", po::value<std::string>(), "target to replay on (default: the one the file's header names, else tmpfs)")
                ("budget", po::value<double>()->default_value(60), "seconds the minimizer may spend")
                ("confirm", po::value<uint32_t>()->default_value(20), "replays that measure the rate, before and after minimizing")
                ("findings", po::value<std::string>()->default_value("findings"), "folder the finding's folder goes in")
                ("shared-ring", "the threads share one io_uring (as the run that found it did)")
                ("deadline-ms", po::value<int64_t>(), "an op still running after this is hung (default as stress)")
                ("quiet", "no progress lines");
            add_inject_option(desc);
            pos.add("file", 1);
          },
          minimize};
}

}  // namespace nfz::cli
