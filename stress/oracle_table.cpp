#include <algorithm>
#include <unistd.h>

#include "oracles/fuse/fuse_oracles.hpp"
#include "oracles/linearizability/lookup_check.hpp"
#include "oracles/nonblock/nonblock.hpp"
#include "stress/issue_equivalent.hpp"
#include "stress/kernel_health.hpp"
#include "stress/oracle.hpp"

namespace nfz::stress {
namespace {

using Targets = std::vector<TargetSpec>;

std::string runs_anywhere(const Targets&) { return {}; }

bool any_target(const Targets& targets, bool (*pred)(TargetKind)) {
  return std::any_of(targets.begin(), targets.end(), [&](const TargetSpec& t) { return pred(t.kind); });
}

std::string needs_fuse_target(const Targets& targets) {
  return any_target(targets, [](TargetKind k) { return k == TargetKind::kFuse; })
             ? std::string()
             : "no fuse:* target (reads the FUSE observer's request trace)";
}

// cached.complete is a promise of these filesystems (docs/ORACLES.md).
bool cached_complete_applies(TargetKind k) {
  return k == TargetKind::kTmpfs || on_loop_image(k);
}

std::string needs_cached_target(const Targets& targets) {
  return any_target(targets, cached_complete_applies) ? std::string()
                                                      : "no tmpfs, ext4, xfs or btrfs target (its promise holds there)";
}

// A FUSE oracle judges a run only on a fuse:* target; elsewhere it checks nothing.
template <typename Check>
auto on_fuse_trace(Check check) {
  return [check](const RunRecord& run) { return run.fuse ? check(run) : oracles::OracleResult{}; };
}

oracles::OracleResult nonblock_result(oracles::NonblockResult&& r) { return std::move(r); }

// Runs it cannot judge come back with no check: FUSE error injection (the checker's own
// reason). The model keeps a fixed-file table per ring (History::shared_ring).
oracles::OracleResult check_linearizable(const RunRecord& run) {
  oracles::OracleResult r = oracles::check_linearizable_run(run.program, run.history, run.target);
  if (r.checks == 0) r.not_judged = 1;
  return r;
}

}  // namespace

const std::vector<Oracle>& oracle_table() {
  static const std::vector<Oracle> table = {
      {"kernel.health", "kmsg BUG/WARNING/hung task/RCU stall/GPF/list corruption, taint, ops past deadline", true,
       check_kernel_health,
       [](const Targets&) {
         return access("/dev/kmsg", R_OK) == 0 ? std::string() : std::string("/dev/kmsg unreadable (needs root)");
       }},
      {"issue.equivalent", "setup ops: io_uring outcome == plain syscall outcome on the same state", true,
       check_issue_equivalent, runs_anywhere},
      {"linearizable", "history explained by the reference lookup model: ops in the kernel's steps, objects held", true,
       check_linearizable, runs_anywhere},
      {"lookup.single", "strict FUSE: no two requests on one (parent, name) in flight at once", true,
       on_fuse_trace([](const RunRecord& run) { return oracles::check_lookup_single(*run.fuse); }),
       needs_fuse_target, {Needs::kFuseTrace}},
      {"lookup.balance", "FUSE: FORGETs never exceed entry replies; equal after drop_caches", true,
       on_fuse_trace(
           [](const RunRecord& run) { return oracles::check_lookup_balance(*run.fuse, run.fuse_quiescent); }),
       needs_fuse_target, {Needs::kFuseTrace, Needs::kFuseQuiescent}},
      {"negative.fresh", "FUSE: no CREATE/MKNOD/MKDIR for a name the observer holds", true,
       on_fuse_trace([](const RunRecord& run) { return oracles::check_negative_fresh(*run.fuse); }),
       needs_fuse_target, {Needs::kFuseTrace}},
      {"nonblock.walk", "openat2(RESOLVE_CACHED): only RCU-walk answers, no sleep, no FUSE request", false,
       [](const RunRecord& run) {
         return nonblock_result(oracles::check_nonblock_walk({run.history, run.fuse, run.sleeps, run.op_deadline_ns}));
       },
       runs_anywhere, {Needs::kFuseTrace, Needs::kSleeps}},
      {"nonblock.issue", "inline io_uring ops never make the submitter sleep", false,
       [](const RunRecord& run) {
         return nonblock_result(oracles::check_nonblock_issue({run.history, run.fuse, run.sleeps, run.op_deadline_ns}));
       },
       runs_anywhere, {Needs::kFuseTrace, Needs::kSleeps}},
      {"cached.complete", "after a successful open, its RESOLVE_CACHED twin succeeds (quiescent target)", false,
       [](const RunRecord& run) { return run.cached_complete ? *run.cached_complete : oracles::OracleResult{}; },
       needs_cached_target, {Needs::kCachedProbes}},
  };
  return table;
}

const Oracle* find_oracle(std::string_view name) {
  for (const auto& o : oracle_table())
    if (o.name == name) return &o;
  return nullptr;
}

std::vector<std::string_view> expand_oracle_group(std::string_view name) {
  if (name == "fuse") return {"lookup.single", "lookup.balance", "negative.fresh"};
  if (name == "nonblock") return {"nonblock.walk", "nonblock.issue", "cached.complete"};
  return {name};
}

bool target_gets_cached_probes(TargetKind kind) { return cached_complete_applies(kind); }

}  // namespace nfz::stress
