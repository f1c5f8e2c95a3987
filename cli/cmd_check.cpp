// nameifuzz check: the `linearizable` oracle on a recorded History (docs/ORACLES.md):
// linearizable (exit 0; with --explain, one order of steps that explains it), not
// linearizable (exit 1, with the smallest failing prefix and the longest partial
// linearization), unknown (exit 0 and a warning on stderr: the search
// ran out of budget, which is not a pass). A malformed history is one `FILE:LINE: ...`
// line on stderr and exit 2.
#include <cstdint>
#include <fstream>
#include <iostream>
#include <variant>

#include "cli/command.hpp"
#include "cli/report_output.hpp"
#include "core/history.hpp"
#include "oracles/linearizability/lookup_check.hpp"
#include "oracles/linearizability/report.hpp"

namespace nfz::cli {
namespace {

using namespace nfz::oracles::lin;

// Input errors name the file and line only: the history's lines are whole JSON objects.
int input_error(const std::string& file, size_t line, const std::string& message) {
  std::cerr << file << ":" << line << ": " << message << "\n";
  return kExitUsage;
}

Budget budget_of(const po::variables_map& vm) {
  Budget b;
  b.max_steps = vm["budget-steps"].as<uint64_t>();
  b.max_configs = vm["budget-configs"].as<size_t>();
  b.max_seconds = static_cast<double>(vm["budget-ms"].as<uint64_t>()) / 1000.0;
  return b;
}

int write_html(const std::string& out_path, const std::string& file, const History& h, const LookupCheck& k,
               const std::string& text) {
  std::ofstream out(out_path);
  out << html_report(h, k.input, k.result, "nameifuzz check " + file, text);
  out.close();
  if (!out) return usage_error("check", "cannot write " + out_path);
  return kExitOk;
}

// The verdict as a summary: one oracle, linearizable, on the history's target; unknown
// is a skip with the budget that ran out, never a pass.
nlohmann::json check_summary(const std::string& file, const History& history, const LookupCheck& check) {
  nlohmann::json oracle{{"name", "linearizable"}};
  nlohmann::json findings = nlohmann::json::array();
  if (check.result.verdict == Verdict::kUnknown) {
    oracle["skipped"] = "unknown: " + check.result.reason + " (not shown linearizable)";
  } else {
    oracle["checks"] = 1;
    oracle["violations"] = check.result.verdict == Verdict::kIllegal ? 1 : 0;
  }
  if (check.result.verdict == Verdict::kIllegal)
    findings.push_back({{"title", violation_title(check, history.target)}, {"oracle", "linearizable"},
                        {"target", history.target}, {"folder", file}});
  return {{"format", "nameifuzz-check-summary"}, {"version", 1}, {"history", file}, {"targets", {history.target}},
          {"profile", model::profile_name(check.profile)}, {"ops", check.input.ops.size()}, {"seconds", check.seconds},
          {"oracles", nlohmann::json::array({oracle})}, {"findings", findings},
          {"exit", check.result.verdict == Verdict::kIllegal ? kExitFinding : kExitOk}};
}

int run(const po::variables_map& vm) {
  auto report = ReportOutput::begin(vm, "check");
  if (!report) return kExitUsage;
  const std::string file = vm["history"].as<std::string>();
  const std::string profile = vm.count("profile") ? vm["profile"].as<std::string>() : "";
  if (!profile.empty() && !model::profile_by_name(profile))
    return usage_error("check", "unknown profile '" + profile + "' (see --help)");
  if (vm["budget-ms"].as<uint64_t>() == 0) return usage_error("check", "--budget-ms must be positive");
  auto parsed = read_history_file(file);
  if (auto* err = std::get_if<ParseError>(&parsed)) return input_error(file, err->line, err->message);
  const History& history = std::get<History>(parsed);

  std::string use = profile;
  if (use.empty()) {
    auto p = profile_for_target(history.target);
    if (!p) return usage_error("check", file + ": target '" + history.target + "' has no model profile: give --profile");
    use = model::profile_name(*p);
  }
  LookupCheck check;
  size_t bad_event = 0;
  // Events follow the header line, one a line.
  const bool explain = vm.count("explain") > 0;
  if (std::string why = check_with_lookup_model(history, use, budget_of(vm), check, &bad_event, explain);
      !why.empty())
    return input_error(file, bad_event + 2, why);
  const std::string text = lookup_report(check);
  std::cout << file << ": " << text;
  if (explain) std::cout << explain_steps(check);
  if (check.cancelled > 0)
    std::cout << "  " << check.cancelled << " io_uring chain ops expected cancelled (-ECANCELED)\n";
  if (check.stale_reads > 0)
    std::cout << "  " << check.stale_reads
              << " io_uring chain ops read a register as it was before their chain (outcome taken as observed)\n";
  std::cout << "  profile " << model::profile_name(check.profile) << "\n";
  if (vm.count("html")) {
    if (int rc = write_html(vm["html"].as<std::string>(), file, history, check, text); rc != kExitOk) return rc;
  }
  if (check.result.verdict == Verdict::kUnknown)
    std::cerr << "nameifuzz check: warning: " << file << ": unknown (" << check.result.reason
              << "); the history was not shown linearizable\n";
  const nlohmann::json summary = check_summary(file, history, check);
  return report->finish(summary, summary["exit"].get<int>());
}

std::string profile_help() {
  std::string s = "model profile (";
  for (const auto& p : lookup_profiles()) s += p + ", ";
  return s + "default: the history's target; fuse:* as fuse, dir:PATH as the filesystem at PATH)";
}

}  // namespace

Command check_command() {
  static const std::string help = profile_help();
  return {"check", "is a History (JSON lines) linearizable against the reference lookup model?",
          "HISTORY.jsonl [--explain] [--html OUT.html] [--profile P] [--budget-ms N]",
          [](po::options_description& desc, po::positional_options_description& pos) {
            const Budget defaults;
            desc.add_options()
                ("history", po::value<std::string>()->required(), "the History, as `replay --json` writes it")
                ("html", po::value<std::string>(), "also write a self-contained HTML timeline here")
                ("explain", "a linearizable history: print one order of steps that explains it (walks included)")
                ("profile", po::value<std::string>(), help.c_str())
                ("budget-ms", po::value<uint64_t>()->default_value(static_cast<uint64_t>(defaults.max_seconds * 1000)),
                 "wall-clock budget of the search; over it the answer is unknown")
                ("budget-steps", po::value<uint64_t>()->default_value(defaults.max_steps),
                 "model steps the search may take; over it the answer is unknown")
                ("budget-configs", po::value<size_t>()->default_value(defaults.max_configs),
                 "configurations alive at one return; over it the answer is unknown");
            add_report_options(desc);
            pos.add("history", 1);
          },
          run};
}

}  // namespace nfz::cli
