#include "pipeline/stress_findings.hpp"

namespace nfz::pipeline {

std::string run_on_new_findings(const stress::StressSummary& summary, uint64_t seed, const PipelineOptions& options,
                                nlohmann::json& json) {
  std::string first_problem;
  for (size_t i = 0; i < summary.findings.size(); ++i) {
    const stress::FindingRecord& f = summary.findings[i];
    if (f.folder.empty() || f.folder[0] == '(') continue;  // "(not written: ...)": known, or another job's
    FindingCase c;
    if (std::string why = case_from_stress_folder(f.folder, f.title, c); !why.empty()) {
      if (first_problem.empty()) first_problem = why;
      continue;
    }
    c.found_by = "nameifuzz stress --target " + c.target.name + " --oracles " + f.oracle + " --seed " + std::to_string(seed) +
                 " (program " + std::to_string(c.program_number) + ")";
    PipelineResult r = run_pipeline(std::move(c), options);
    if (r.exit_code != 0) {
      if (first_problem.empty()) first_problem = f.title + ": " + r.why;
      continue;
    }
    if (!json.contains("findings") || i >= json["findings"].size()) continue;
    nlohmann::json& e = json["findings"][i];
    e["rate"] = r.repro.rate();
    e["rate_text"] = r.repro.text();
    e["reproducer_ops"] = r.minimized.op_count();
    if (r.minimize) e["minimize_seconds"] = r.minimize->seconds, e["original_ops"] = r.minimize->ops_before;
  }
  return first_problem;
}

}  // namespace nfz::pipeline
