// The stress loop's side of the pipeline: after the loop, every finding this run wrote
// (a title new to the findings folder's index) is confirmed, minimized and completed.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "pipeline/pipeline.hpp"
#include "stress/stress_loop.hpp"

namespace nfz::pipeline {

// Runs the pipeline on each finding of `summary` whose folder this run wrote, and adds
// what came of it to the matching entry of `json`'s "findings" (rate, ops, minimize
// seconds, reproducer). Returns "" or the first problem (the others still run).
std::string run_on_new_findings(const stress::StressSummary& summary, uint64_t seed, const PipelineOptions& options,
                                nlohmann::json& json);

}  // namespace nfz::pipeline
