// nameifuzz replay FILE: run a reproducer's ops on a fresh target and print each result.
#include <fstream>
#include <iostream>
#include <variant>

#include "cli/command.hpp"
#include "cli/report_output.hpp"
#include "core/flags.hpp"
#include "core/text.hpp"
#include "exec/concurrent.hpp"
#include "exec/history_buffer.hpp"
#include "exec/sandbox.hpp"
#include "exec/sequential.hpp"

namespace nfz::cli {
namespace {

std::string describe(const Op& op, const Event& ev) {
  std::string where = ev.thread == kSetupThread ? "setup" : "T" + std::to_string(ev.thread);
  std::string line = where + " #" + std::to_string(ev.index) + "  " + print_op(op) + "  = ";
  if (!ev.returned()) line += "(no return)";
  else if (ev.result < 0) line += "-1 " + errno_name(-ev.result);
  else line += std::to_string(ev.result);
  line += "  <" + std::string(completion_name(ev.how)) + ">";
  if (ev.ino) line += " ino=" + std::to_string(ev.ino);
  if (ev.nvcsw) line += " slept=" + std::to_string(ev.nvcsw);
  return line;
}

// The replay as a summary: one oracle, `deadline` (every op returned within its
// deadline), and a finding for each op that did not.
nlohmann::json replay_summary(const History& history, const std::string& target, bool concurrent) {
  nlohmann::json findings = nlohmann::json::array();
  uint64_t returned = 0;
  for (const Event& ev : history.events) {
    if (ev.returned() && ev.how != Completion::kHung) {
      ++returned;
      continue;
    }
    std::string where = ev.thread == kSetupThread ? "setup" : "T" + std::to_string(ev.thread);
    findings.push_back({{"title", "deadline: " + std::string(op_name(history.op_of(ev))) + " hung on " + target},
                        {"oracle", "deadline"}, {"target", target}, {"detail", where + " #" + std::to_string(ev.index)}});
  }
  nlohmann::json oracles = nlohmann::json::array();
  oracles.push_back({{"name", "deadline"}, {"checks", history.events.size()}, {"violations", findings.size()}});
  return {{"format", "nameifuzz-replay-summary"}, {"version", 1}, {"targets", {target}}, {"concurrent", concurrent},
          {"ops", history.events.size()}, {"returned", returned}, {"oracles", oracles}, {"findings", findings},
          {"exit", kExitOk}};
}

// The program's threads at once, each on its own worker (and ring): the History is
// collected by the parent from the shared buffer, so it is there even when a run hangs.
int replay_concurrent(const po::variables_map& vm, const Program& program, const std::string& target,
                      int64_t deadline_ns, std::ofstream& json, const ReportOutput& report) {
  std::string why;
  SandboxOptions sandbox_options;
  sandbox_options.procfs = vm.count("procfs") > 0;
  auto sandbox = Sandbox::open(*parse_target(target), sandbox_options, why);
  if (!sandbox) return usage_error("replay", target + ": " + why);
  ConcurrentOptions options;
  options.op_deadline_ns = deadline_ns;
  options.ring = vm.count("shared-ring") ? RingMode::kShared : RingMode::kPerThread;
  HistoryBuffer buffer;
  ConcurrentRun run = run_program(*sandbox, program, options, buffer);
  if (run.code == kRunNoUring) return usage_error("replay", "io_uring unavailable");
  if (run.code == kExitEnvironment) return kExitUsage;
  for (const Event& ev : run.history.events) std::cout << describe(run.history.op_of(ev), ev) << "\n";
  if (json.is_open()) {
    write_history(json, run.history);
    json.flush();
  }
  std::cout << run.history.events.size() << " ops replayed concurrently on " << target
            << (run.code == kRunHung ? " (a worker hung and was abandoned)" : "") << "\n";
  return report.finish(replay_summary(run.history, target, true), kExitOk);
}

int replay(const po::variables_map& vm) {
  const auto file = vm["file"].as<std::string>();
  const auto target = vm["target"].as<std::string>();
  auto parsed = read_program_file(file);
  if (auto* err = std::get_if<ParseError>(&parsed)) {
    std::cerr << err->to_string() << "\n";
    return kExitUsage;
  }
  if (!known_target(target)) return usage_error("replay", "unknown target '" + target + "' (known: " + std::string(kKnownTargets) + ")");
  std::ofstream json;
  if (vm.count("json")) {
    json.open(vm["json"].as<std::string>());  // opened here: the sandbox cannot see the host
    if (!json) return usage_error("replay", "cannot write " + vm["json"].as<std::string>());
  }
  if (!enable_inject_option(vm, "replay")) return kExitUsage;
  auto report = ReportOutput::begin(vm, "replay");
  if (!report) return kExitUsage;
  const Program& program = std::get<Program>(parsed);
  const int64_t deadline_ns = vm["deadline-ms"].as<int64_t>() * 1'000'000;
  if (vm.count("threads-concurrent")) return replay_concurrent(vm, program, target, deadline_ns, json, *report);
  SequentialOptions options;
  options.op_deadline_ns = deadline_ns;
  return run_in_sandbox(target, [&](const SandboxEnv& env) {
    History history;
    std::string why = run_sequential(program, env, options, history, [&history](const Event& ev) {
      std::cout << describe(history.op_of(ev), ev) << "\n";
    });
    if (!why.empty()) {
      std::cerr << "nameifuzz replay: io_uring unavailable: " << why << "\n";
      return kExitUsage;
    }
    if (json.is_open()) {
      write_history(json, history);
      json.flush();
    }
    std::cout << history.events.size() << " ops replayed on " << target << "\n";
    return report->finish(replay_summary(history, target, false), kExitOk);
  });
}

}  // namespace

std::string target_help() {
  std::string help = "filesystem to run on:";
  for (const std::string& name : target_names()) help += " " + name;
  return help;
}

Command replay_command() {
  return {"replay", "run a reproducer's ops one by one on a fresh target, printing each result", "FILE",
          [](po::options_description& desc, po::positional_options_description& pos) {
            desc.add_options()
                ("file", po::value<std::string>()->required(), "the .nfz reproducer")
                ("target", po::value<std::string>()->default_value("tmpfs"), target_help().c_str())
                ("json", po::value<std::string>(), "also write the History as JSON lines to this file")
                ("deadline-ms", po::value<int64_t>()->default_value(2000), "an op still running after this is reported hung")
                ("threads-concurrent", "run the threads at once (one worker and ring each) instead of one after another")
                ("shared-ring", "with --threads-concurrent: one io_uring shared by all workers")
                ("procfs", "with --threads-concurrent: a fresh procfs at /proc in a new PID namespace (magic links)");
            add_inject_option(desc);
            add_report_options(desc);
            pos.add("file", 1);
          },
          replay};
}

}  // namespace nfz::cli
