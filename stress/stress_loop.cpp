#include "stress/stress_loop.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <cmath>
#include <cstdio>
#include <memory>
#include <ostream>
#include <unistd.h>

#include "exec/clock.hpp"
#include "exec/history_buffer.hpp"
#include "exec/memory_cgroup.hpp"
#include "exec/program_server.hpp"
#include "exec/sandbox.hpp"
#include "oracles/nonblock/nonblock.hpp"
#include "core/text.hpp"
#include "report/progress.hpp"
#include "stress/cache_pressure.hpp"
#include "pipeline/suppressions.hpp"
#include "stress/findings.hpp"
#include "stress/jobs.hpp"
#include "stress/issue_equivalent.hpp"
#include "stress/kernel_log.hpp"
#include "stress/oracle.hpp"
#include "stress/program_judge.hpp"
#include "stress/run_extras.hpp"
#include "stress/stop_signal.hpp"
#include "stress/tracing.hpp"

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

// Programs one job keeps in flight: while a served child runs one, the job draws and
// judges another (docs/EXECUTOR.md). One where the sleep tracer or the cached probes are
// on: their samples and probes are the job's, matched to one run at a time.
constexpr size_t kProgramsInFlight = 2;
size_t programs_in_flight(const std::vector<ActiveOracle>& oracles) {
  return needs(oracles, Needs::kSleeps) || needs(oracles, Needs::kCachedProbes) ? 1 : kProgramsInFlight;
}

// What one program in flight runs on: a sandbox per target (lanes after the first only
// where served), a server where served, the channel its runs' extras come back on.
struct Lane {
  std::vector<std::unique_ptr<Sandbox>> sandboxes;
  std::vector<std::unique_ptr<ProgramServer>> servers;
  ExtrasChannel channel;
};

// A program between its launch and its judgement.
struct Flight {
  uint64_t n = 0;
  Program program, twin_program;
  bool want_twin = false, shared = false;
  ConcurrentOptions options;
  Sandbox* sandbox = nullptr;
  ProgramServer* server = nullptr;  // null: a forked run, when it is judged
  ExtrasChannel* channel = nullptr;
};

// Draws program n and, on a served target, hands it to the lane's child.
void launch(Flight& f, uint64_t n, Lane& lane, Lane& first_lane, const ProgramSource& source,
            const StressOptions& options, StressSummary& summary) {
  const size_t targets = options.targets.size();
  const size_t t = n % targets;
  f.n = n;
  f.program = source.make(n);
  if (options.max_programs) summary.program_digest += program_digest(n, f.program);
  // Counted per target (program n is the (n / targets)th of its target): counted over n,
  // every 4th program with 2 targets fell on the second target only.
  const uint64_t nth_of_target = n / targets;
  const auto every = static_cast<uint64_t>(options.shared_ring_every);
  f.shared = options.shared_ring_every > 0 && nth_of_target % every == every - 1;
  f.options.op_deadline_ns = options.op_deadline_ns;
  f.options.ring = f.shared ? RingMode::kShared : RingMode::kPerThread;
  f.want_twin = wants_syscall_twin(f.program);
  f.server = lane.servers[t].get();
  f.sandbox = f.server ? lane.sandboxes[t].get() : first_lane.sandboxes[t].get();
  f.channel = f.server ? &lane.channel : &first_lane.channel;
  // The syscall twin runs in the same child where it can, else in one of its own.
  if (f.want_twin && f.sandbox->second_root_in_run()) f.twin_program = syscall_twin(f.program);
  if (!f.server) return;
  f.channel->clear();
  f.server->start(f.program, f.want_twin ? &f.twin_program : nullptr, f.options);
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
  std::string why;
  std::vector<ActiveOracle> oracles = choose_oracles(options, summary, why);
  if (!why.empty()) return fail(why);
  kernel::SleepTracer tracer;
  if (needs(oracles, Needs::kSleeps)) summary.tracing = start_tracing(tracer);  // before any thread exists
  CachePressure pressure;  // with several jobs, their parent applies it (stress/jobs.cpp)
  if (slice.count == 1) summary.cache_pressure = pressure.start(options.drop_caches_ms, options.drop_caches_level);
  install_stop_handlers();

  KernelLog kernel_log;
  kernel_log.open();  // kernel.health says it is skipped when /dev/kmsg is unreadable

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
  const size_t targets = options.targets.size();
  const size_t depth = programs_in_flight(oracles);
  std::vector<Lane> lanes(depth);
  for (size_t l = 0; l < depth; ++l) {
    Lane& lane = lanes[l];
    lane.sandboxes.resize(targets);
    lane.servers.resize(targets);
    if (std::string e = lane.channel.open(); !e.empty()) return fail(e);
    for (size_t t = 0; t < targets; ++t) {
      if (!slice.meets(t, targets)) continue;
      if (l > 0 && !lanes[0].servers[t]) continue;  // not served: runs in lane 0, one at a time
      lane.sandboxes[t] = Sandbox::open(options.targets[t], sandbox_options, why);
      if (!lane.sandboxes[t]) return fail(options.targets[t].name + ": " + why);
      if (lane.sandboxes[t]->served()) lane.servers[t] = make_program_server(*lane.sandboxes[t], lane.channel, oracles, options);
    }
  }

  ProgramSource source(options.seed, options.threads, options.max_ops_per_thread, options.mix);
  if (needs(oracles, Needs::kSleeps)) source.set_nonblock_every(2);  // half the programs aim at NOBLOCK paths
  HistoryBuffer buffer, twin_buffer;  // forked runs'
  const int64_t start = monotonic_ns();
  const int64_t end = start + static_cast<int64_t>(options.duration_s * 1e9);
  int64_t next_progress = start + 1'000'000'000;
  std::deque<Flight> flights;
  uint64_t n = options.first_program + slice.first_offset(options.first_program);
  uint64_t launched = 0;
  auto stop = [&](const char* why_stopped) {
    if (summary.stopped_by.empty()) summary.stopped_by = why_stopped;
  };
  for (;;) {
    while (summary.stopped_by.empty() && flights.size() < depth) {
      if (stop_requested()) stop("signal");
      else if (options.max_programs && n - options.first_program >= options.max_programs) stop("programs");
      else if (!options.max_programs && monotonic_ns() >= end) stop("duration");
      if (!summary.stopped_by.empty()) break;
      Flight& f = flights.emplace_back();
      launch(f, n, lanes[launched++ % depth], lanes[0], source, options, summary);
      n += slice.count;
    }
    if (flights.empty()) break;
    Flight& f = flights.front();  // its server points into it until finish()
    Sandbox& sandbox = *f.sandbox;
    ConcurrentRun run;
    if (f.server) {
      run = f.server->finish();
    } else {
      ExtrasWanted wanted = extras_for(oracles, sandbox.target());
      if (wanted.fuse_trace || wanted.cached_probes)
        f.options.after_run = [&](const SandboxEnv& env, int code) {
          f.channel->send(gather_extras(env, code, buffer.collect(f.program, sandbox.target().name), wanted));
        };
      if (f.want_twin && sandbox.second_root_in_run()) {
        f.options.then_program = &f.twin_program;
        f.options.then_buffer = &twin_buffer;
      }
      f.channel->clear();
      run = run_program(sandbox, f.program, f.options, buffer);
      f.options.after_run = nullptr;  // not for the twin
    }
    RunExtras extras = f.channel->receive();
    if (run.code == kExitEnvironment && !run.status.stalled) return fail(sandbox.target().name + ": a run failed to start (see above)");
    if (run.code == kRunNoUring) return fail("io_uring unavailable");
    (f.shared ? summary.shared_ring_programs : summary.per_thread_ring_programs)++;
    std::unique_ptr<ConcurrentRun> twin;
    if (run.then_history) {
      twin = std::make_unique<ConcurrentRun>();
      twin->history = std::move(*run.then_history);
      ++summary.twins;
    } else if (f.want_twin && !sandbox.second_root_in_run() && run.code == kRunOk) {
      f.options.then_program = nullptr;
      twin = std::make_unique<ConcurrentRun>(run_program(sandbox, syscall_twin(f.program), f.options, twin_buffer));
      ++summary.twins;
    }
    kernel::SleepTracer::Samples samples;  // the twin's, from other threads, are never matched
    if (tracer.active()) {
      samples = tracer.collect();
      oracles::reclassify_completions(run.history, samples.punts);
    }
    if (run.status.abandoned) {
      ++summary.abandoned_runs;
      if (std::string e = sandbox.rebuild(); !e.empty()) return fail(sandbox.target().name + ": rebuild after a hang: " + e);
    }
    ++summary.programs;
    summary.ops += run.history.events.size();
    count_by_kind(run.history, summary);

    RunRecord record{f.program, run.history, sandbox.target().name, twin ? &twin->history : nullptr,
                     kernel_log.is_open() ? &kernel_log : nullptr};
    record.fuse = extras.fuse ? &*extras.fuse : nullptr;
    record.fuse_quiescent = extras.fuse_quiescent;
    record.sleeps = tracer.active() ? &samples.sleeps : nullptr;
    record.cached_complete = extras.cached_complete ? &*extras.cached_complete : nullptr;
    record.op_deadline_ns = options.op_deadline_ns;
    record.shared_ring = f.shared;
    judge_run(oracles, record, {options.seed, f.n, sandbox.target().name, f.shared}, options, summary, nullptr);
    int64_t now = monotonic_ns();
    if (!summary.findings.empty() && !options.keep_going) stop("finding");
    if (options.progress && now >= next_progress) {
      report(summary, (now - start) / 1e9, false);
      next_progress = now + 1'000'000'000;
    }
    flights.pop_front();
  }
  summary.seconds = (monotonic_ns() - start) / 1e9;
  pressure.stop();
  summary.cache_drops = pressure.drops();
  if (options.progress) report(summary, summary.seconds, true);
  summary.exit_code = summary.findings.empty() ? 0 : 1;
  return summary.exit_code;
}

}  // namespace nfz::stress
