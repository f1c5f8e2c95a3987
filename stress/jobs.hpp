// --jobs N: the stress loop in N worker processes, one per core by default. Program n runs
// in job n mod N (and on target n mod targets), so a seed's programs are the same whatever
// the job count. Each job owns its resident sandboxes, its tracer and its kernel log, and
// sends its summary so far to the parent as one JSON line a second and once at the end;
// the parent prints one merged progress line and one merged summary. A finding (without
// --keep-going) or SIGINT/SIGTERM stops every job; findings are written once per title
// (stress/findings.hpp, claim_finding) and merged by title.
#pragma once

#include <iosfwd>

#include "stress/stress_loop.hpp"

namespace nfz::stress {

int run_jobs(const StressOptions& options, std::ostream& progress, StressSummary& summary);

// Sums the jobs' summaries: counts add up, oracle stats add up by name, findings merge by
// title, and the first job's error (exit 2) or finding decides how the run stopped.
StressSummary merge_summaries(const std::vector<StressSummary>& jobs, const StressOptions& options);

}  // namespace nfz::stress
