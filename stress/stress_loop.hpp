// nameifuzz stress (docs/EXECUTOR.md): generate concurrent programs, run them on the targets in
// rotation, check every run with every enabled oracle, stop at the first violation.
#pragma once

#include <array>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "exec/concurrent.hpp"
#include "exec/target.hpp"
#include "stress/program_source.hpp"

namespace nfz::stress {

struct StressOptions {
  std::vector<TargetSpec> targets;
  int threads = 4;
  double duration_s = 60;
  uint64_t max_programs = 0;  // 0: until the duration ends
  uint64_t seed = 1;
  uint64_t first_program = 0;  // start at this program number of the seed (rerun a finding)
  OpMix mix = default_op_mix();
  int max_ops_per_thread = 24;
  std::vector<std::string> oracles;  // empty: every oracle on by default
  std::string findings_dir = "findings";
  int64_t op_deadline_ns = 250'000'000;
  int shared_ring_every = 4;   // every Nth program shares one ring among its workers
  uint32_t memory_limit_mb = 0;  // > 0: runs in a memory cgroup of that limit
  bool progress = true;
  // Go on after a finding until the duration ends; each title's first violation is the
  // one written, later ones are counted.
  bool keep_going = false;
};

struct OracleStats {
  std::string name;
  bool enabled = false;
  std::string skipped;  // why it could not run, when enabled but impossible here
  uint64_t checks = 0;
  uint64_t violations = 0;
  uint64_t unknown = 0;  // checks that ran out of budget
  uint64_t not_judged = 0;  // runs left alone (linearizable: see docs/ORACLES.md)
  std::map<std::string, uint64_t> checks_by_target;  // by target name (KTAP: a test point each)
};

struct FindingRecord {
  std::string title;
  std::string folder;
  uint64_t count = 1;  // violations with this title (more than one with keep_going)
  std::string oracle;  // who found it, and on which target (its first sighting)
  std::string target;
};

struct StressSummary {
  StressOptions options;
  double seconds = 0;
  uint64_t programs = 0, ops = 0, twins = 0;
  uint64_t per_thread_ring_programs = 0, shared_ring_programs = 0;
  // Per op kind, by Completion: how io_uring ops were issued (inline vs punted, as the
  // kernel's io_uring_queue_async_work said when tracing is on).
  std::array<std::array<uint64_t, 5>, kOpKindCount> completions_by_kind{};
  uint64_t completions(Completion how) const {
    uint64_t n = 0;
    for (const auto& kind : completions_by_kind) n += kind[static_cast<size_t>(how)];
    return n;
  }
  std::string tracing = "off";  // the sleep tracer: "off", "on", or "skipped: why"
  uint64_t hung_unexplained = 0;
  uint64_t abandoned_runs = 0;
  std::vector<OracleStats> oracles;
  std::vector<FindingRecord> findings;
  std::string memory_pressure;  // "cgroup v1 .../nameifuzz-<pid>, 64 MiB" or "off" or "skipped: why"
  std::string stopped_by;       // "duration", "programs", "signal", "finding"
  int exit_code = 0;
};

// Runs the loop. Progress lines go to `progress` (stderr); an environment problem
// returns exit code 2 with `summary.stopped_by` holding the one-line reason.
int run_stress(const StressOptions& options, std::ostream& progress, StressSummary& summary);

void print_summary(std::ostream& out, const StressSummary& summary);
// The summary as JSON (format nameifuzz-stress-summary), the source of truth the KTAP and
// JUnit reports are written from (report/).
nlohmann::json summary_json(const StressSummary& summary);
void write_summary_json(std::ostream& out, const StressSummary& summary);

}  // namespace nfz::stress
