#include "stress/program_judge.hpp"

#include <algorithm>

#include "oracles/nonblock/nonblock.hpp"
#include "pipeline/suppressions.hpp"
#include "stress/issue_equivalent.hpp"
#include "stress/tracing.hpp"

namespace nfz::stress {
namespace {

FindingRecord* find_title(StressSummary& summary, const std::string& title) {
  for (FindingRecord& f : summary.findings)
    if (f.title == title) return &f;
  return nullptr;
}

}  // namespace

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


void judge_run(std::vector<ActiveOracle>& oracles, const RunRecord& record, const FindingOrigin& origin,
               const StressOptions& options, StressSummary& summary, std::vector<Verdict>* verdicts) {
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
      // A known title (--suppressions) is counted, not written, and does not stop the run.
      if (const std::string* pattern = pipeline::suppressed_by(options.suppressions, v.title)) {
        count_suppressed(summary, v.title, *pattern);
        continue;
      }
      std::string why;
      std::string folder;
      if (claim_finding(options.findings_dir, options.run_id, v.title, origin, why))
        folder = write_finding(options.findings_dir, v, record.program, record.history, record.syscall_twin, origin, why,
                               record.fuse);
      summary.findings.push_back({v.title, folder.empty() ? "(not written: " + why + ")" : folder, 1,
                                  std::string(a.oracle->name), std::string(record.target)});
    }
    if (verdicts) verdicts->push_back({a.oracle->name, std::move(r)});
  }
}


std::string ProgramJudge::open(const StressOptions& options, StressSummary& summary) {
  options_ = options;
  std::string why;
  oracles_ = choose_oracles(options, summary, why);
  if (!why.empty()) return why;
  if (needs(Needs::kSleeps)) summary.tracing = start_tracing(tracer_);  // before any thread exists
  if (std::string e = channel_.open(); !e.empty()) return e;
  kernel_log_.open();  // kernel.health says it is skipped when /dev/kmsg is unreadable
  return {};
}

bool ProgramJudge::needs(Needs what) const { return stress::needs(oracles_, what); }

ExtrasWanted ProgramJudge::extras_for(const TargetSpec& target) const { return stress::extras_for(oracles_, target); }

std::unique_ptr<ProgramServer> make_program_server(Sandbox& sandbox, ExtrasChannel& channel,
                                                   const std::vector<ActiveOracle>& oracles, const StressOptions& options) {
  ExtrasWanted wanted = extras_for(oracles, sandbox.target());
  ProgramServer::AfterRun after;
  if (wanted.fuse_trace || wanted.cached_probes)
    after = [&channel, wanted, name = sandbox.target().name](const SandboxEnv& env, const Program& p,
                                                             const HistoryBuffer& b, int code) {
      channel.send(gather_extras(env, code, b.collect(p, name), wanted));
    };
  const size_t max_ops = static_cast<size_t>(options.max_ops_per_thread) * (options.threads + 1);
  return std::make_unique<ProgramServer>(sandbox, std::move(after), max_ops);
}

ProgramServer* ProgramJudge::server_for(Sandbox& sandbox) {
  if (!sandbox.served()) return nullptr;
  if (served_sandbox_ == &sandbox && server_) return server_.get();
  server_.reset();
  served_sandbox_ = &sandbox;
  server_ = make_program_server(sandbox, channel_, oracles_, options_);
  return server_.get();
}

JudgedRun ProgramJudge::run(Sandbox& sandbox, const Program& program, const FindingOrigin& origin,
                            StressSummary& summary) {
  JudgedRun out;
  out.shared_ring = origin.shared_ring;
  ConcurrentOptions run_options;
  run_options.op_deadline_ns = options_.op_deadline_ns;
  run_options.ring = origin.shared_ring ? RingMode::kShared : RingMode::kPerThread;
  ExtrasWanted wanted = extras_for(sandbox.target());
  ProgramServer* server = server_for(sandbox);
  if (!server && (wanted.fuse_trace || wanted.cached_probes))
    run_options.after_run = [&](const SandboxEnv& env, int code) {
      channel_.send(gather_extras(env, code, buffer_.collect(program, sandbox.target().name), wanted));
    };
  channel_.clear();
  // The syscall twin runs in the same child on a resident sandbox, else in one of its own.
  const bool want_twin = wants_syscall_twin(program);
  Program twin_program;
  if (want_twin && sandbox.second_root_in_run()) {
    twin_program = syscall_twin(program);
    run_options.then_program = &twin_program;
    run_options.then_buffer = &twin_buffer_;
  }
  // Served: one long-lived child runs program after program (the stress loop's way).
  out.run = server ? server->run(program, want_twin && run_options.then_program ? &twin_program : nullptr, run_options)
                   : run_program(sandbox, program, run_options, buffer_);
  ConcurrentRun& run = out.run;
  out.extras = channel_.receive();
  run_options.after_run = nullptr;  // not for the twin
  if (run.code == kExitEnvironment && !run.status.stalled)
    return out.failure = sandbox.target().name + ": a run failed to start (see above)", out;
  if (run.code == kRunNoUring) return out.failure = "io_uring unavailable", out;
  (origin.shared_ring ? summary.shared_ring_programs : summary.per_thread_ring_programs)++;
  std::unique_ptr<ConcurrentRun> twin;
  if (run.then_history) {
    twin = std::make_unique<ConcurrentRun>();
    twin->history = std::move(*run.then_history);
    ++summary.twins;
  } else if (want_twin && !sandbox.second_root_in_run() && run.code == kRunOk) {
    twin = std::make_unique<ConcurrentRun>(run_program(sandbox, syscall_twin(program), run_options, twin_buffer_));
    ++summary.twins;
  }
  kernel::SleepTracer::Samples samples;  // the twin's, from other threads, are never matched
  if (tracer_.active()) {
    samples = tracer_.collect();
    oracles::reclassify_completions(run.history, samples.punts);
  }
  if (run.status.abandoned) {
    ++summary.abandoned_runs;
    if (std::string e = sandbox.rebuild(); !e.empty())
      return out.failure = sandbox.target().name + ": rebuild after a hang: " + e, out;
  }
  ++summary.programs;
  summary.ops += run.history.events.size();
  count_by_kind(run.history, summary);

  RunRecord record{program, run.history, sandbox.target().name, twin ? &twin->history : nullptr,
                   kernel_log_.is_open() ? &kernel_log_ : nullptr};
  record.fuse = out.extras.fuse ? &*out.extras.fuse : nullptr;
  record.fuse_quiescent = out.extras.fuse_quiescent;
  record.sleeps = tracer_.active() ? &samples.sleeps : nullptr;
  record.cached_complete = out.extras.cached_complete ? &*out.extras.cached_complete : nullptr;
  record.op_deadline_ns = options_.op_deadline_ns;
  record.shared_ring = origin.shared_ring;
  judge(record, origin, summary, out);
  return out;
}

void ProgramJudge::judge(const RunRecord& record, const FindingOrigin& origin, StressSummary& summary,
                         JudgedRun& out) {
  judge_run(oracles_, record, origin, options_, summary, &out.verdicts);
}

}  // namespace nfz::stress
