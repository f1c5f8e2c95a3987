// nameifuzz stress (docs/EXECUTOR.md): generate concurrent programs, run them on the targets in
// rotation, check every run with every enabled oracle, stop at the first violation.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <utility>
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
  // Programs per resident target instance (1: a fresh mount for every run, as replay has).
  uint32_t fresh_every = 256;
  // Cache pressure beside the programs (stress/cache_pressure.hpp): drop_caches at this
  // level every drop_caches_ms (0: off).
  uint32_t drop_caches_ms = 2000;
  int drop_caches_level = 3;
  // Worker processes (stress/jobs.hpp); program n runs in job n mod jobs.
  uint32_t jobs = 1;
  // Names this run's claims on finding folders, so jobs write each title once (0: the pid).
  uint64_t run_id = 0;
  // Known titles (--suppressions: globs or prefixes): counted, not written, not stopping.
  std::vector<std::string> suppressions;
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

// Violations of a suppressed (known) title: how many, and the line that matched.
struct SuppressedRecord {
  std::string title;
  std::string pattern;
  uint64_t count = 0;
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
  std::vector<SuppressedRecord> suppressed;
  std::string cache_pressure = "off";  // "drop_caches 3 every 2000 ms", "off", "skipped: why"
  uint64_t cache_drops = 0;
  std::string memory_pressure;  // "cgroup v1 .../nameifuzz-<pid>, 64 MiB" or "off" or "skipped: why"
  std::string stopped_by;       // "duration", "programs", "signal", "finding"
  int exit_code = 0;
  uint32_t jobs = 1;
  // With --programs: an order-free digest of (number, text) of every program run, equal
  // for equal sets of programs whatever the job count.
  uint64_t program_digest = 0;
};

// Which programs a job runs: n with n mod count == index.
struct JobSlice {
  uint32_t index = 0, count = 1;
  // From `first`, how far to the job's first program.
  uint64_t first_offset(uint64_t first) const { return (index + count - first % count) % count; }
  // Whether any of the job's programs runs on target `t` of `targets` (program n on n mod targets).
  bool meets(size_t t, size_t targets) const {
    size_t a = count, b = targets;
    while (b) a %= b, std::swap(a, b);  // gcd
    return t % a == index % a;
  }
};

// What a job reports as it goes: its summary so far, its seconds, whether it is the last.
using ProgressSink = std::function<void(const StressSummary&, double, bool)>;

// Runs the loop (in options.jobs worker processes when more than one). Progress lines go
// to `progress` (stderr); an environment problem returns exit code 2 with
// `summary.stopped_by` holding the one-line reason.
int run_stress(const StressOptions& options, std::ostream& progress, StressSummary& summary);
// One job's share of the loop, in the calling process.
int run_job(const StressOptions& options, JobSlice slice, const ProgressSink& report, StressSummary& summary);

// The progress report of a run so far (report/progress.hpp prints it).
std::string progress_line(const StressSummary& summary, double seconds);
void print_summary(std::ostream& out, const StressSummary& summary);
// Counts one violation of a suppressed title.
void count_suppressed(StressSummary& summary, const std::string& title, const std::string& pattern, uint64_t n = 1);
// The summary as JSON (format nameifuzz-stress-summary), the source of truth the KTAP and
// JUnit reports are written from (report/).
nlohmann::json summary_json(const StressSummary& summary);
void write_summary_json(std::ostream& out, const StressSummary& summary);
// The same on one line (what a job sends its parent).
std::string summary_json_line(const StressSummary& summary);
// The counts, oracle stats and findings of a summary written by write_summary_json
// (options are the caller's); throws nlohmann::json::exception on a malformed one.
StressSummary read_summary_json(const std::string& text, const StressOptions& options);

}  // namespace nfz::stress
