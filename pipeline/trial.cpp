#include "pipeline/trial.hpp"

#include <algorithm>

#include "exec/concurrent.hpp"
#include "exec/history_buffer.hpp"
#include "oracles/nonblock/nonblock.hpp"
#include "stress/issue_equivalent.hpp"
#include "stress/tracing.hpp"

namespace nfz::pipeline {
namespace {

bool oracle_needs(const stress::Oracle& o, stress::Needs what) {
  return std::find(o.needs.begin(), o.needs.end(), what) != o.needs.end();
}

}  // namespace

bool TrialResult::has(const std::string& title) const {
  return std::any_of(violations.begin(), violations.end(), [&](const oracles::Violation& v) { return v.title == title; });
}

std::string oracle_of_title(const std::string& title) { return title.substr(0, title.find(": ")); }

std::unique_ptr<Trial> Trial::open(const TrialOptions& options, std::string& why) {
  std::unique_ptr<Trial> t(new Trial(options));
  t->oracle_ = stress::find_oracle(options.oracle);
  if (!t->oracle_ || !t->oracle_->check) {
    why = "no oracle '" + options.oracle + "' (the title's text before ': ' names it)";
    return nullptr;
  }
  if (std::string skipped = t->oracle_->skipped ? t->oracle_->skipped({options.target}) : ""; !skipped.empty()) {
    why = options.oracle + " cannot run on " + options.target.name + ": " + skipped;
    return nullptr;
  }
  if (oracle_needs(*t->oracle_, stress::Needs::kSleeps)) t->tracing_ = stress::start_tracing(t->tracer_);
  if (std::string e = t->channel_.open(); !e.empty()) {
    why = e;
    return nullptr;
  }
  if (options.oracle == "kernel.health") t->kernel_log_.open();
  SandboxOptions sandbox_options;  // not resident: every replay gets a fresh instance
  t->sandbox_ = Sandbox::open(options.target, sandbox_options, why);
  if (!t->sandbox_) {
    why = options.target.name + ": " + why;
    return nullptr;
  }
  return t;
}

TrialResult Trial::run(const Program& program) {
  ++runs_;
  TrialResult out;
  const TargetSpec& target = sandbox_->target();
  stress::ExtrasWanted wanted;
  const bool fuse = target.kind == TargetKind::kFuse;
  wanted.fuse_trace = fuse && oracle_needs(*oracle_, stress::Needs::kFuseTrace);
  wanted.fuse_quiescent = fuse && oracle_needs(*oracle_, stress::Needs::kFuseQuiescent);
  wanted.cached_probes = stress::target_gets_cached_probes(target.kind) && oracle_needs(*oracle_, stress::Needs::kCachedProbes);
  ConcurrentOptions run_options;
  run_options.op_deadline_ns = options_.op_deadline_ns;
  run_options.ring = options_.shared_ring ? RingMode::kShared : RingMode::kPerThread;
  HistoryBuffer buffer;
  if (wanted.fuse_trace || wanted.cached_probes)
    run_options.after_run = [&](const SandboxEnv& env, int code) {
      channel_.send(stress::gather_extras(env, code, buffer.collect(program, target.name), wanted));
    };
  channel_.clear();
  if (tracer_.active()) tracer_.collect();  // nothing of an earlier run is matched to this one
  ConcurrentRun run = run_program(*sandbox_, program, run_options, buffer);
  stress::RunExtras extras = channel_.receive();
  if ((run.code == kExitEnvironment && !run.status.stalled) || run.code == kRunNoUring) {
    out.environment_error = true;
    return out;
  }
  std::unique_ptr<ConcurrentRun> twin;
  if (options_.oracle == "issue.equivalent" && stress::wants_syscall_twin(program) && run.code == kRunOk) {
    HistoryBuffer twin_buffer;
    ConcurrentOptions twin_options = run_options;
    twin_options.after_run = nullptr;
    twin = std::make_unique<ConcurrentRun>(run_program(*sandbox_, stress::syscall_twin(program), twin_options, twin_buffer));
  }
  kernel::SleepTracer::Samples samples;
  if (tracer_.active()) {
    samples = tracer_.collect();
    oracles::reclassify_completions(run.history, samples.punts);
  }
  if (run.status.abandoned) sandbox_->rebuild();
  stress::RunRecord record{program, run.history, target.name, twin ? &twin->history : nullptr,
                           kernel_log_.is_open() ? &kernel_log_ : nullptr};
  record.fuse = extras.fuse ? &*extras.fuse : nullptr;
  record.fuse_quiescent = extras.fuse_quiescent;
  record.sleeps = tracer_.active() ? &samples.sleeps : nullptr;
  record.cached_complete = extras.cached_complete ? &*extras.cached_complete : nullptr;
  record.op_deadline_ns = options_.op_deadline_ns;
  record.shared_ring = options_.shared_ring;
  out.violations = oracle_->check(record).violations;
  out.history = std::move(run.history);
  out.fuse = std::move(extras.fuse);
  return out;
}

}  // namespace nfz::pipeline
