// The findings pipeline (docs/FINDINGS_PIPELINE.md): from a violation to a folder a
// person can mail. confirm (replays on fresh targets, the rate) -> minimize (delta
// debugging, flake-aware, predicate "the same title") -> confirm the reproducer -> write
// findings/<signature>/. The stress loop runs it on every new title after the loop; the
// minimize command runs it on a .nfz.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/history.hpp"
#include "exec/target.hpp"
#include "pipeline/confirm.hpp"
#include "pipeline/finding_folder.hpp"

namespace nfz::pipeline {

struct FindingCase {
  std::string title;
  Program program;
  std::optional<History> history;  // the run that found it (stress), kept when it does not reproduce
  TargetSpec target;
  bool shared_ring = false;
  uint64_t seed = 0, program_number = 0;
  bool from_stress = false;
  std::string found_by;
  std::string detail;  // the oracle's words on the run that found it
};

struct PipelineOptions {
  uint32_t confirm = 20;
  double budget_s = 60;
  std::string findings_dir = "findings";
  int64_t op_deadline_ns = 250'000'000;
  // minimize: a title no replay reports is bad input (exit 2), not "did not reproduce".
  bool title_must_reproduce = false;
  bool quiet = false;  // no progress lines on stderr
};

struct PipelineResult {
  int exit_code = 0;  // 0 written, 2 bad input or environment (then `why`)
  std::string why;
  std::string folder;
  Confirmation found, repro;
  std::optional<MinimizeStats> minimize;
  Program minimized;
};

PipelineResult run_pipeline(FindingCase finding, const PipelineOptions& options);

}  // namespace nfz::pipeline

namespace nfz::pipeline {

// A stress finding's folder (program.nfz, history.jsonl, origin.json, message.txt) as a
// case for run_pipeline; "" or why it cannot be read.
std::string case_from_stress_folder(const std::string& folder, const std::string& title, FindingCase& out);

// The target a .nfz's comment header names ("target T" or "--target T"), or "".
std::string target_named_in(const std::string& nfz_text);

}  // namespace nfz::pipeline
