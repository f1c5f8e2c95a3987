#include "stress/stress_loop.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <ostream>
#include <unistd.h>

#include "exec/clock.hpp"
#include "exec/history_buffer.hpp"
#include "exec/memory_cgroup.hpp"
#include "exec/sandbox.hpp"
#include "oracles/nonblock/nonblock.hpp"
#include "report/progress.hpp"
#include "stress/findings.hpp"
#include "stress/issue_equivalent.hpp"
#include "stress/kernel_log.hpp"
#include "stress/oracle.hpp"
#include "stress/run_extras.hpp"
#include "stress/stop_signal.hpp"
#include "stress/tracing.hpp"

namespace nfz::stress {
namespace {

struct ActiveOracle {
  const Oracle* oracle;
  OracleStats* stats;
};

// The oracles asked for (or the default ones), each with its stats slot; an asked-for
// oracle that cannot run here is listed as skipped with its reason.
std::vector<ActiveOracle> choose_oracles(const StressOptions& options, StressSummary& summary, std::string& why) {
  summary.oracles.clear();
  summary.oracles.reserve(oracle_table().size());
  std::vector<std::string_view> asked_names;
  for (const std::string& name : options.oracles)
    for (std::string_view one : expand_oracle_group(name)) {
      if (!find_oracle(one)) {
        why = "unknown oracle '" + name + "' (known: fuse, nonblock, or one name the summary lists)";
        return {};
      }
      asked_names.push_back(one);
    }
  std::vector<ActiveOracle> active;
  for (const Oracle& o : oracle_table()) {
    OracleStats& s = summary.oracles.emplace_back();
    s.name = std::string(o.name);
    bool asked = options.oracles.empty()
                     ? o.default_on
                     : std::find(asked_names.begin(), asked_names.end(), o.name) != asked_names.end();
    if (!asked) continue;
    s.enabled = true;
    s.skipped = o.skipped ? o.skipped(options.targets) : std::string();
    if (s.skipped.empty() && !o.check) s.skipped = "no check function";
  }
  for (size_t i = 0; i < oracle_table().size(); ++i)
    if (summary.oracles[i].enabled && summary.oracles[i].skipped.empty())
      active.push_back({&oracle_table()[i], &summary.oracles[i]});
  return active;
}

bool needs(const std::vector<ActiveOracle>& oracles, Needs what) {
  for (const ActiveOracle& a : oracles)
    if (std::find(a.oracle->needs.begin(), a.oracle->needs.end(), what) != a.oracle->needs.end()) return true;
  return false;
}

// What the active oracles want gathered in the child of a run on `target`.
ExtrasWanted extras_for(const std::vector<ActiveOracle>& oracles, const TargetSpec& target) {
  ExtrasWanted w;
  bool fuse = target.kind == TargetKind::kFuse;
  w.fuse_trace = fuse && needs(oracles, Needs::kFuseTrace);
  w.fuse_quiescent = fuse && needs(oracles, Needs::kFuseQuiescent);
  w.cached_probes = target_gets_cached_probes(target.kind) && needs(oracles, Needs::kCachedProbes);
  return w;
}

void count_by_kind(const History& history, StressSummary& summary) {
  oracles::CompletionCounts counts = oracles::count_completions(history);
  for (size_t k = 0; k < counts.by_kind.size(); ++k)
    for (size_t c = 0; c < counts.by_kind[k].size(); ++c) summary.completions_by_kind[k][c] += counts.by_kind[k][c];
}

FindingRecord* find_title(StressSummary& summary, const std::string& title) {
  for (FindingRecord& f : summary.findings)
    if (f.title == title) return &f;
  return nullptr;
}

// Runs every active oracle on one run and writes its findings (with --keep-going, a
// title seen before is only counted).
void judge(std::vector<ActiveOracle>& oracles, const RunRecord& record, const FindingOrigin& origin,
           const std::string& findings_dir, StressSummary& summary) {
  for (ActiveOracle& a : oracles) {
    oracles::OracleResult r = a.oracle->check(record);
    a.stats->checks += r.checks;
    a.stats->violations += r.violations.size();
    a.stats->unknown += r.unknown;
    a.stats->not_judged += r.not_judged;
    a.stats->checks_by_target[std::string(record.target)] += r.checks;
    for (const auto& v : r.violations) {
      if (FindingRecord* seen = find_title(summary, v.title)) {
        ++seen->count;
        continue;
      }
      std::string why;
      std::string folder = write_finding(findings_dir, v, record.program, record.history, record.syscall_twin, origin,
                                         why, record.fuse);
      summary.findings.push_back({v.title, folder.empty() ? "(not written: " + why + ")" : folder, 1,
                                  std::string(a.oracle->name), std::string(record.target)});
    }
  }
}

std::string progress_line(const StressSummary& s, double seconds) {
  const double secs = std::max(seconds, 1e-9);
  std::string text = "stress: " + report::duration_text(seconds) + ", programs " + report::rounded(s.programs) + " (" +
                     report::rounded(s.programs / secs) + "/s), ops " + report::rounded(s.ops) + " (" +
                     report::rounded(s.ops / secs) + "/s), findings " + std::to_string(s.findings.size()) + ", checks";
  for (const auto& o : s.oracles)
    if (o.enabled && o.skipped.empty()) text += " " + o.name + "=" + report::rounded(o.checks);
  return text;
}

}  // namespace

int run_stress(const StressOptions& options, std::ostream& progress, StressSummary& summary) {
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
  ExtrasChannel channel;
  if (std::string e = channel.open(); !e.empty()) return fail(e);
  install_stop_handlers();

  KernelLog kernel_log;
  kernel_log.open();  // kernel.health says it is skipped when /dev/kmsg is unreadable

  MemoryCgroup cgroup;
  SandboxOptions sandbox_options;
  summary.memory_pressure = "off";
  if (options.memory_limit_mb > 0) {
    if (std::string e = cgroup.create(uint64_t{options.memory_limit_mb} << 20); e.empty()) {
      sandbox_options.cgroup_procs = cgroup.procs_file();
      summary.memory_pressure = cgroup.path() + ", limit " + std::to_string(options.memory_limit_mb) + " MiB";
    } else {
      summary.memory_pressure = "skipped: " + e;
    }
  }
  std::vector<std::unique_ptr<Sandbox>> sandboxes;
  for (const TargetSpec& t : options.targets) {
    auto sb = Sandbox::open(t, sandbox_options, why);
    if (!sb) return fail(t.name + ": " + why);
    sandboxes.push_back(std::move(sb));
  }
  if (sandboxes.empty()) return fail("no target");

  ProgramSource source(options.seed, options.threads, options.max_ops_per_thread, options.mix);
  if (needs(oracles, Needs::kSleeps)) source.set_nonblock_every(2);  // half the programs aim at NOBLOCK paths
  HistoryBuffer buffer, twin_buffer;
  const int64_t start = monotonic_ns();
  const int64_t end = start + static_cast<int64_t>(options.duration_s * 1e9);
  report::Progress progress_out(progress, report::Progress::stderr_is_terminal());
  for (uint64_t n = options.first_program;; ++n) {
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
    Program program = source.make(n);
    ConcurrentOptions run_options;
    run_options.op_deadline_ns = options.op_deadline_ns;
    bool shared = options.shared_ring_every > 0 && n % static_cast<uint64_t>(options.shared_ring_every) ==
                                                       static_cast<uint64_t>(options.shared_ring_every - 1);
    run_options.ring = shared ? RingMode::kShared : RingMode::kPerThread;
    ExtrasWanted wanted = extras_for(oracles, sandbox.target());
    if (wanted.fuse_trace || wanted.cached_probes)
      run_options.after_run = [&](const SandboxEnv& env, int code) {
        channel.send(gather_extras(env, code, buffer.collect(program, sandbox.target().name), wanted));
      };
    channel.clear();
    ConcurrentRun run = run_program(sandbox, program, run_options, buffer);
    RunExtras extras = channel.receive();
    run_options.after_run = nullptr;  // not for the twin
    if (run.code == kExitEnvironment && !run.status.stalled) return fail(sandbox.target().name + ": a run failed to start (see above)");
    if (run.code == kRunNoUring) return fail("io_uring unavailable");
    (shared ? summary.shared_ring_programs : summary.per_thread_ring_programs)++;
    std::unique_ptr<ConcurrentRun> twin;
    if (wants_syscall_twin(program) && run.code == kRunOk) {
      twin = std::make_unique<ConcurrentRun>(run_program(sandbox, syscall_twin(program), run_options, twin_buffer));
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

    RunRecord record{program, run.history, sandbox.target().name, twin ? &twin->history : nullptr,
                     kernel_log.is_open() ? &kernel_log : nullptr};
    record.fuse = extras.fuse ? &*extras.fuse : nullptr;
    record.fuse_quiescent = extras.fuse_quiescent;
    record.sleeps = tracer.active() ? &samples.sleeps : nullptr;
    record.cached_complete = extras.cached_complete ? &*extras.cached_complete : nullptr;
    record.op_deadline_ns = options.op_deadline_ns;
    record.shared_ring = shared;
    judge(oracles, record, {options.seed, n, sandbox.target().name, shared}, options.findings_dir, summary);
    int64_t now = monotonic_ns();
    if (!summary.findings.empty() && !options.keep_going) {
      summary.stopped_by = "finding";
      break;
    }
    if (options.progress && progress_out.due()) progress_out.report(progress_line(summary, (now - start) / 1e9));
  }
  summary.seconds = (monotonic_ns() - start) / 1e9;
  if (options.progress) progress_out.finish(progress_line(summary, summary.seconds));
  summary.exit_code = summary.findings.empty() ? 0 : 1;
  return summary.exit_code;
}

}  // namespace nfz::stress
