// nameifuzz model: explore the dcache protocol model (docs/DCACHE_MODEL.md) under a
// seeded variant, or replay a schedule file. Exit 1 with the violated oracle and the
// minimized interleaving, 0 if none, 2 on bad usage or a malformed schedule file.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <variant>

#include "cli/command.hpp"
#include "cli/report_output.hpp"
#include "core/read_file.hpp"
#include "model/dcache/explore.hpp"
#include "model/dcache/oracle.hpp"
#include "model/dcache/report.hpp"
#include "model/dcache/schedule_text.hpp"
#include "model/dcache/variant.hpp"
#include "report/progress.hpp"

namespace nfz::cli {
namespace {

using namespace nfz::dcache;

constexpr size_t kMaxScheduleFileSize = 1 << 20;

// An exploration as a summary: the variant is the target, every model oracle a test
// point that judged `checks` schedules (or states), and the finding, if any.
nlohmann::json model_summary(std::string_view variant, uint64_t checks, const Finding* f, const std::string& saved) {
  nlohmann::json oracles = nlohmann::json::array();
  for (uint8_t o = kOracleNone + 1; o < kOracleCount; ++o) oracles.push_back({{"name", oracle_info(o).name}, {"checks", checks}});
  nlohmann::json findings = nlohmann::json::array();
  if (f)
    findings.push_back({{"title", finding_title(*f)}, {"oracle", oracle_info(f->violation.oracle).name},
                        {"target", variant}, {"folder", saved}});
  return {{"format", "nameifuzz-model-summary"}, {"version", 1}, {"targets", {variant}}, {"oracles", oracles},
          {"findings", findings}, {"exit", f ? kExitFinding : kExitOk}};
}

std::string_view variant_name(uint8_t variant) { return variants()[variant].name; }

int report_finding(const Finding& raw, const po::variables_map& vm, bool minimize_it, const ReportOutput& report,
                   uint64_t checks) {
  const Finding f = minimize_it ? minimize(raw) : raw;
  const std::string text = format_report(f);
  std::cout << text;
  std::string saved;
  if (vm.count("save")) {
    saved = vm["save"].as<std::string>();
    std::ofstream out(saved);
    out << text;
    if (!out) return usage_error("model", "cannot write " + saved);
  }
  return report.finish(model_summary(variant_name(f.scenario.variant), checks, &f, saved), kExitFinding);
}

int replay(const po::variables_map& vm, const ReportOutput& report) {
  const std::string path = vm["replay"].as<std::string>();
  std::string text;
  if (auto why = read_small_file(path, kMaxScheduleFileSize, text); !why.empty()) {
    std::cerr << path << ":0: " << why << "\n";
    return kExitUsage;
  }
  auto parsed = parse_schedule_file(text, path);
  if (auto* err = std::get_if<ScheduleError>(&parsed)) {
    std::cerr << err->to_string() << "\n";
    return kExitUsage;
  }
  const ScheduleFile& file = std::get<ScheduleFile>(parsed);
  const RunResult r = run_schedule(file.scenario, file.schedule);
  if (r.found()) return report_finding({file.scenario, file.schedule, r.violation}, vm, false, report, 1);
  std::cout << "nameifuzz model: " << path << ": no violation (" << r.steps << " steps"
            << (r.overflow ? ", cut off: out of dentries or steps" : "") << ")\n";
  return report.finish(model_summary(variant_name(file.scenario.variant), 1, nullptr, ""), kExitOk);
}

int exhaustive(uint8_t variant, const po::variables_map& vm, const ReportOutput& report) {
  const uint64_t max_states = vm["max-states"].as<uint64_t>();
  uint64_t total = 0;
  bool all_complete = true;
  const std::string only = vm.count("scenario") ? vm["scenario"].as<std::string>() : "";
  size_t explored = 0;
  for (const NamedScenario& ns : builtin_scenarios()) {
    if (!only.empty() && ns.name != only) continue;
    ++explored;
    ExhaustiveStats stats;
    const Scenario s = with_variant(ns.scenario, variant);
    auto found = explore_exhaustive(s, max_states, stats);
    total += stats.states;
    all_complete &= stats.complete;
    if (found) {
      std::printf("exhaustive %-26s violation after %llu states\n", std::string(ns.name).c_str(),
                  static_cast<unsigned long long>(stats.states));
      std::fflush(stdout);
      return report_finding(*found, vm, true, report, total);
    }
    std::printf("exhaustive %-26s %s states=%llu transitions=%llu end-states=%llu interleavings=%llu%s\n",
                std::string(ns.name).c_str(), ns.two_thread_2016 ? "[2016 two-thread]" : "                 ",
                static_cast<unsigned long long>(stats.states), static_cast<unsigned long long>(stats.transitions),
                static_cast<unsigned long long>(stats.terminal), static_cast<unsigned long long>(stats.interleavings),
                stats.complete ? "" : " (cut off by --max-states)");
  }
  if (explored == 0) return usage_error("model", "no built-in scenario named '" + only + "'");
  std::printf("nameifuzz model: variant %s: no violation in any interleaving of %zu scenarios (%llu states%s)\n",
              std::string(variants()[variant].name).c_str(), explored,
              static_cast<unsigned long long>(total), all_complete ? "" : ", some searches cut off");
  return report.finish(model_summary(variant_name(variant), total, nullptr, ""), kExitOk);
}

int list() {
  std::printf("variants:\n");
  for (const Variant& v : variants())
    std::printf("  %-32s %-16s %s\n    %s\n", std::string(v.name).c_str(),
                std::string(v.expected ? oracle_info(v.expected).name : "(clean)").c_str(),
                std::string(v.title).c_str(), std::string(v.kernel).c_str());
  std::printf("built-in scenarios:\n");
  for (const NamedScenario& ns : builtin_scenarios())
    std::printf("  %-26s %s\n", std::string(ns.name).c_str(), std::string(ns.why).c_str());
  return kExitOk;
}

int run(const po::variables_map& vm) {
  if (vm["list"].as<bool>()) return list();
  auto report = ReportOutput::begin(vm, "model");
  if (!report) return kExitUsage;
  if (vm.count("replay")) return replay(vm, *report);
  const std::string name = vm["variant"].as<std::string>();
  auto variant = find_variant(name);
  if (!variant) return usage_error("model", "unknown variant '" + name + "' (known: " + std::string(variant_names()) + ")");
  const double budget = vm["budget"].as<double>();
  if (!(budget > 0) || budget > 86400 * 7) return usage_error("model", "--budget must be between 0 and a week of seconds");
  if (vm["exhaustive"].as<bool>()) return exhaustive(*variant, vm, *report);
  RandomOptions options;
  options.seed = vm["seed"].as<uint64_t>();
  options.budget_seconds = budget;
  report::Progress progress_out(std::cerr, report::Progress::stderr_is_terminal());
  auto progress_line = [](const RandomStats& st) {
    return "model: " + report::rounded(st.schedules) + " schedules (" +
           report::rounded(st.seconds > 0 ? st.schedules / st.seconds : 0.0) + "/s) of " + report::rounded(st.scenarios) +
           " scenarios, " + report::duration_text(st.seconds);
  };
  if (!vm["quiet"].as<bool>())
    options.progress = [&](const RandomStats& st) {
      if (progress_out.due()) progress_out.report(progress_line(st));
    };
  RandomStats stats;
  auto found = explore_random(*variant, options, stats);
  progress_out.break_line();
  std::fprintf(stderr, "nameifuzz model: %llu schedules of %llu scenarios in %.2f s (%.0f schedules/s)\n",
               static_cast<unsigned long long>(stats.schedules), static_cast<unsigned long long>(stats.scenarios),
               stats.seconds, stats.seconds > 0 ? stats.schedules / stats.seconds : 0.0);
  if (found) return report_finding(*found, vm, true, *report, stats.schedules);
  std::printf("nameifuzz model: variant %s: no violation\n", name.c_str());
  return report->finish(model_summary(name, stats.schedules, nullptr, ""), kExitOk);
}

}  // namespace

Command model_command() {
  return {"model", "explore the dcache protocol model (seeded variants, random or exhaustive schedules)",
          "[--variant V --budget SECONDS [--exhaustive] [--seed S] | --replay FILE]",
          [](po::options_description& desc, po::positional_options_description&) {
            desc.add_options()
                ("variant", po::value<std::string>()->default_value("fixed"),
                 "rules to explore: fixed or a seeded bug (see --list)")
                ("list", po::bool_switch(), "list the variants and the built-in scenarios")
                ("budget", po::value<double>()->default_value(10), "seconds of random exploration")
                ("exhaustive", po::bool_switch(), "every interleaving of every built-in scenario, with state counts")
                ("seed", po::value<uint64_t>()->default_value(1), "random seed")
                ("quiet", po::bool_switch(), "no progress line")
                ("scenario", po::value<std::string>(), "--exhaustive: only this built-in scenario")
                ("max-states", po::value<uint64_t>()->default_value(20000000), "bound of the exhaustive search per scenario")
                ("replay", po::value<std::string>(), "replay a schedule file (a report is one)")
                ("save", po::value<std::string>(), "also write the report (a schedule file) here");
            add_report_options(desc);
          },
          run};
}

}  // namespace nfz::cli
