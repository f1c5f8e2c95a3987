#include "pipeline/pipeline.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <variant>

#include "core/read_file.hpp"
#include "core/text.hpp"

#include "exec/inject.hpp"
#include "report/stamp.hpp"
#include "stress/findings.hpp"
#include "stress/kernel_log.hpp"

namespace nfz::pipeline {
namespace {

void say(const PipelineOptions& o, const std::string& line) {
  if (!o.quiet) std::cerr << "pipeline: " << line << "\n";
}

std::string detail_of(const TrialResult& r, const std::string& title) {
  for (const auto& v : r.violations)
    if (v.title == title) return v.detail;
  return {};
}

bool has_fault(const Program& program, const FuseFault& fault) {
  return std::find(program.faults.begin(), program.faults.end(), fault) != program.faults.end();
}

// An injected FUSE fault becomes part of the program (its faults: section), so that the
// reproducer replays without --inject; the minimizer keeps it (a test aid: the finding is
// about the fault, even where the kernel shows the same title without it, as 6.18's
// inline OPENDIR does: docs/FINDINGS.md 1). Returns it. The executor's injection is turned
// off once carried, for the replays; a run that found several titles carries the same
// fault into each of their programs.
std::optional<FuseFault> carry_injected_fuse_fault(Program& program, std::string& injected) {
  static inject::Injection carried;  // the FUSE injection turned off by an earlier finding of the run
  inject::Injection in = inject::current();
  if (in.fault == inject::Fault::kNone) in = carried;
  if (in.fault == inject::Fault::kNone) return std::nullopt;
  injected = in.name;
  if (in.fault != inject::Fault::kFuse) return std::nullopt;
  if (!has_fault(program, in.fuse)) program.faults.push_back(in.fuse);
  carried = in;
  inject::disable();
  return in.fuse;
}

PipelineResult failed(std::string why) {
  PipelineResult r;
  r.exit_code = 2;
  r.why = std::move(why);
  return r;
}

}  // namespace

PipelineResult run_pipeline(FindingCase c, const PipelineOptions& o) {
  PipelineResult out;
  FindingFacts facts;
  facts.title = c.title;
  facts.oracle = oracle_of_title(c.title);
  facts.target = c.target.name;
  facts.shared_ring = c.shared_ring;
  facts.seed = c.seed, facts.program_number = c.program_number, facts.from_stress = c.from_stress;
  facts.found_by = c.found_by;
  facts.kernel_release = report::kernel_release();
  facts.original_ops = c.program.op_count();
  const std::optional<FuseFault> injected = carry_injected_fuse_fault(c.program, facts.injected);
  std::string why;
  auto trial = Trial::open({c.target, facts.oracle, c.shared_ring, o.op_deadline_ns}, why);
  if (!trial) return failed(why);
  stress::KernelLog kmsg;
  kmsg.open();

  out.found = confirm(*trial, c.program, c.title, o.confirm);
  if (out.found.environment_error) return failed(c.target.name + ": a replay could not start");
  facts.original_rate = out.found.text();
  if (out.found.hits == 0 && o.title_must_reproduce)
    return failed("--title '" + c.title + "' was not reported in " + std::to_string(o.confirm) + " replays on " + c.target.name);

  Program repro = c.program;
  std::optional<TrialResult> failing = out.found.failing;
  out.repro = out.found;
  if (out.found.hits > 0) {
    const uint32_t k = flake_tries(out.found.rate());
    say(o, "\"" + c.title + "\" on " + c.target.name + ": " + out.found.text() + "; minimizing with " + std::to_string(k) + " tries a candidate, budget " +
               std::to_string(static_cast<int>(o.budget_s)) + " s");
    MinimizeStats stats;
    auto fails = [&](const Program& p) {
      return (!injected || has_fault(p, *injected)) && reproduces_within(*trial, p, c.title, k);
    };
    Program small = minimize(c.program, fails, o.budget_s, stats);
    out.minimize = stats;
    Confirmation again = confirm(*trial, small, c.title, o.confirm);
    // A reproducer that no longer shows it (a flake the tries missed) is not kept.
    if (again.hits > 0) repro = std::move(small), out.repro = std::move(again), failing = out.repro.failing;
    facts.minimize = stats;
    say(o, std::to_string(stats.ops_before) + " -> " + std::to_string(repro.op_count()) + " ops in " +
               std::to_string(stats.seconds).substr(0, 5) + " s, reproducer rate " + out.repro.text());
  } else {
    say(o, "did not reproduce in " + std::to_string(o.confirm) + " replays: the original history is kept");
  }
  facts.reproduced = out.repro.hits > 0;
  facts.rate = out.repro.text();
  facts.rate_value = out.repro.rate();
  facts.detail = failing ? detail_of(*failing, c.title) : c.detail;
  if (kmsg.is_open()) facts.kmsg = kmsg.read_new().lines;
  History history = failing ? failing->history : c.history.value_or(History{});
  std::optional<FuseTrace> fuse = failing ? failing->fuse : std::nullopt;
  out.folder = (std::filesystem::path(o.findings_dir) / stress::signature_of(c.title)).string();
  if (std::string e = write_finding_folder(out.folder, repro, history, fuse, facts); !e.empty()) return failed(e);
  out.minimized = std::move(repro);
  return out;
}

}  // namespace nfz::pipeline

namespace nfz::pipeline {

std::string case_from_stress_folder(const std::string& folder, const std::string& title, FindingCase& out) {
  namespace fs = std::filesystem;
  const fs::path dir(folder);
  auto parsed = read_program_file((dir / "program.nfz").string());
  if (auto* e = std::get_if<ParseError>(&parsed)) return e->to_string();
  std::ifstream origin_in(dir / "origin.json");
  auto origin = nlohmann::json::parse(origin_in, nullptr, false);
  if (!origin.is_object()) return (dir / "origin.json").string() + ":0: not a finding's origin";
  auto target = parse_target(origin.value("target", ""));
  if (!target) return (dir / "origin.json").string() + ":0: unknown target '" + origin.value("target", "") + "'";
  out.title = title;
  out.program = std::get<Program>(std::move(parsed));
  out.target = *target;
  out.shared_ring = origin.value("shared_ring", false);
  out.seed = origin.value("seed", uint64_t{0});
  out.program_number = origin.value("program", uint64_t{0});
  out.from_stress = true;
  auto history = read_history_file((dir / "history.jsonl").string());
  if (auto* h = std::get_if<History>(&history)) out.history = std::move(*h);
  std::ifstream message(dir / "message.txt");
  std::stringstream text;
  text << message.rdbuf();
  out.detail = text.str();
  return {};
}

std::string target_named_in(const std::string& text) {
  static const std::regex kTarget(R"(^#.*(--target |target )([A-Za-z0-9:+/._-]+))");
  std::istringstream in(text);
  for (std::string line; std::getline(in, line) && (line.empty() || line[0] == '#' || line.rfind("nameifuzz", 0) == 0);) {
    std::smatch m;
    if (std::regex_search(line, m, kTarget) && parse_target(m[2].str())) return m[2].str();
  }
  return {};
}

}  // namespace nfz::pipeline
