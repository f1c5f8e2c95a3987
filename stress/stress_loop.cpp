#include "stress/stress_loop.hpp"

#include <algorithm>
#include <functional>
#include <future>
#include <cmath>
#include <cstdio>
#include <memory>
#include <ostream>
#include <unistd.h>

#include "exec/clock.hpp"
#include "exec/memory_cgroup.hpp"
#include "exec/sandbox.hpp"
#include "core/text.hpp"
#include "report/progress.hpp"
#include "stress/cache_pressure.hpp"
#include "stress/findings.hpp"
#include "stress/jobs.hpp"
#include "stress/program_judge.hpp"
#include "stress/stop_signal.hpp"

namespace nfz::stress {
namespace {

// An order-free digest of the programs a bounded run made (program number and text), so
// that runs split over different job counts can be compared.
uint64_t program_digest(uint64_t n, const Program& program) {
  uint64_t h = std::hash<std::string>{}(print_program(program)) ^ (n * 0x9e3779b97f4a7c15ull);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  return h ^ (h >> 33);
}

}  // namespace

std::string progress_line(const StressSummary& s, double seconds) {
  const double secs = std::max(seconds, 1e-9);
  std::string text = "stress: " + report::duration_text(seconds) + ", programs " + report::rounded(s.programs) + " (" +
                     report::rounded(s.programs / secs) + "/s), ops " + report::rounded(s.ops) + " (" +
                     report::rounded(s.ops / secs) + "/s), findings " + std::to_string(s.findings.size()) + ", checks";
  for (const auto& o : s.oracles)
    if (o.enabled && o.skipped.empty()) text += " " + o.name + "=" + report::rounded(o.checks);
  return text;
}

int run_stress(const StressOptions& options, std::ostream& progress, StressSummary& summary) {
  StressOptions o = options;
  if (!o.run_id) o.run_id = static_cast<uint64_t>(getpid());
  if (o.jobs > 1) return run_jobs(o, progress, summary);
  report::Progress out(progress, report::Progress::stderr_is_terminal());
  int code = run_job(o, {0, 1}, [&](const StressSummary& s, double seconds, bool final_line) {
    if (final_line) out.finish(progress_line(s, seconds));
    else out.report(progress_line(s, seconds));
  }, summary);
  release_claims(o.findings_dir, o.run_id);
  return code;
}

int run_job(const StressOptions& options, JobSlice slice, const ProgressSink& report, StressSummary& summary) {
  summary = StressSummary{};
  summary.options = options;
  auto fail = [&](const std::string& why) {
    summary.stopped_by = why;
    summary.exit_code = kExitEnvironment;
    return kExitEnvironment;
  };
  ProgramJudge judge;
  if (std::string e = judge.open(options, summary); !e.empty()) return fail(e);
  CachePressure pressure;  // with several jobs, their parent applies it (stress/jobs.cpp)
  if (slice.count == 1) summary.cache_pressure = pressure.start(options.drop_caches_ms, options.drop_caches_level);
  install_stop_handlers();

  std::string why;
  MemoryCgroup cgroup;
  SandboxOptions sandbox_options;
  sandbox_options.resident = options.fresh_every != 1;
  sandbox_options.fresh_every = options.fresh_every;
  summary.memory_pressure = "off";
  if (options.memory_limit_mb > 0) {
    if (std::string e = cgroup.create(uint64_t{options.memory_limit_mb} << 20); e.empty()) {
      sandbox_options.cgroup_procs = cgroup.procs_file();
      summary.memory_pressure = cgroup.path() + ", limit " + std::to_string(options.memory_limit_mb) + " MiB";
    } else {
      summary.memory_pressure = "skipped: " + e;
    }
  }
  // Program n runs on target n mod targets: a job opens only the targets its programs use.
  if (options.targets.empty()) return fail("no target");
  std::vector<std::unique_ptr<Sandbox>> sandboxes(options.targets.size());
  for (size_t t = 0; t < options.targets.size(); ++t) {
    if (!slice.meets(t, options.targets.size())) continue;
    sandboxes[t] = Sandbox::open(options.targets[t], sandbox_options, why);
    if (!sandboxes[t]) return fail(options.targets[t].name + ": " + why);
  }

  ProgramSource source(options.seed, options.threads, options.max_ops_per_thread, options.mix);
  if (judge.needs(Needs::kSleeps)) source.set_nonblock_every(2);  // half the programs aim at NOBLOCK paths
  const int64_t start = monotonic_ns();
  const int64_t end = start + static_cast<int64_t>(options.duration_s * 1e9);
  int64_t next_progress = start + 1'000'000'000;
  std::future<Program> prefetched;
  uint64_t prefetched_n = ~uint64_t{0};
  for (uint64_t n = options.first_program + slice.first_offset(options.first_program);; n += slice.count) {
    if (stop_requested()) {
      summary.stopped_by = "signal";
      break;
    }
    if (options.max_programs && n - options.first_program >= options.max_programs) {
      summary.stopped_by = "programs";
      break;
    }
    if (!options.max_programs && monotonic_ns() >= end) {
      summary.stopped_by = "duration";
      break;
    }
    Sandbox& sandbox = *sandboxes[n % sandboxes.size()];
    // The next program is drawn on a thread while this one runs: generation (rapidcheck,
    // ~15% of the loop's CPU) then overlaps the sandbox child instead of preceding it.
    Program program = prefetched_n == n && prefetched.valid() ? prefetched.get() : source.make(n);
    prefetched_n = n + slice.count;
    prefetched = std::async(std::launch::async, [&source, next = prefetched_n] { return source.make(next); });
    if (options.max_programs) summary.program_digest += program_digest(n, program);
    // Counted per target (program n is the (n / targets)th of its target): counted over n,
    // every 4th program with 2 targets fell on the second target only.
    const uint64_t nth_of_target = n / options.targets.size();
    bool shared = options.shared_ring_every > 0 &&
                  nth_of_target % static_cast<uint64_t>(options.shared_ring_every) ==
                      static_cast<uint64_t>(options.shared_ring_every - 1);
    JudgedRun judged = judge.run(sandbox, program, {options.seed, n, sandbox.target().name, shared}, summary);
    if (!judged.failure.empty()) return fail(judged.failure);
    int64_t now = monotonic_ns();
    if (!summary.findings.empty() && !options.keep_going) {
      summary.stopped_by = "finding";
      break;
    }
    if (options.progress && now >= next_progress) {
      report(summary, (now - start) / 1e9, false);
      next_progress = now + 1'000'000'000;
    }
  }
  summary.seconds = (monotonic_ns() - start) / 1e9;
  pressure.stop();
  summary.cache_drops = pressure.drops();
  if (options.progress) report(summary, summary.seconds, true);
  summary.exit_code = summary.findings.empty() ? 0 : 1;
  return summary.exit_code;
}

}  // namespace nfz::stress
