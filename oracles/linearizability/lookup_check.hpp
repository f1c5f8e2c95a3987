// The `linearizable` oracle proper: a History checked against the reference lookup model
// (model/lookup/, Mode::kConcurrent) with a filesystem profile.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/history.hpp"
#include "core/program.hpp"
#include "model/lookup/identity.hpp"
#include "model/lookup/lookup_model.hpp"
#include "oracles/linearizability/check_input.hpp"
#include "oracles/linearizability/check_result.hpp"
#include "oracles/violation.hpp"

namespace nfz::oracles::lin {

struct LookupCheck {
  CheckInput input;
  CheckResult result;
  double seconds = 0;
  model::Profile profile = model::Profile::kTmpfs;
  // io_uring chain ops (uring_chains.hpp): expected cancelled (-ECANCELED, never run), and
  // reads through a register as it was before their chain (outcome taken as observed).
  size_t cancelled = 0, stale_reads = 0;
  // Copies of those ops: input.ops[i].op points here for them (lookup_check.cpp), with
  // what each one's step gives.
  std::vector<Op> chain_ops;
  std::vector<int32_t> chain_results;
  // Fixed-file tables, one per ring (model::fixed_slot()): copies of the fixed-file ops
  // with their model slot; for setup's ring and each thread's, its model slots and the op
  // that empties them when the ring lets its files go (a hung CheckOp: at some time after
  // the ring's last op, or never seen).
  std::vector<Op> ring_ops;
  struct RingTable {
    int thread = kSetupThread;
    std::vector<int> slots;
  };
  std::vector<RingTable> ring_tables;
  std::vector<Op> ring_exits;  // by ring_tables index
  // Object identity (model/lookup/identity.hpp): the kernel inodes of the history, what
  // each op reported (by input.ops index), and which link counts the target reports as
  // the model counts them.
  model::KernelIds kernel_ids;
  std::vector<model::Seen> seen;
  model::NlinkRule nlink_rule;
  // By input.ops index: a mkdir with a statx in flight beside it, which the model takes
  // in two steps (the parent's count, the name: model::mkdir_order()).
  std::vector<bool> counts_apart;
  // By input.ops index: an fd-relative open whose dirfd another thread lets go beside it,
  // which the model takes with its dirfd read as a step of its own (model open_start()).
  std::vector<bool> fd_apart;
  // kIllegal: why the failing op's object was refused, when it was (the longest partial
  // linearization replayed, then the failing op: the kernel reported another object).
  std::string identity;
};

// Profiles the lookup model knows ("tmpfs", ...).
std::vector<std::string> lookup_profiles();

// The profile a history's target is checked with (docs/ORACLES.md, "Profiles"):
// tmpfs, ext4, xfs, btrfs, overlay by name; fuse:<personality> as fuse; dir:PATH as the
// filesystem statfs() finds at PATH now, ext4 if none of the five. nullopt for any
// other target.
std::optional<model::Profile> profile_for_target(std::string_view target);

// Checks `history` against LookupModel(profile); an empty `profile` takes the history's
// target (profile_for_target). Returns "" or why it cannot be checked (unknown profile
// or target, an event naming no op); `bad_event` then says which event, if one. With
// `witness`, a linearizable history gets one order of steps that explains it.
std::string check_with_lookup_model(const History& history, std::string_view profile, const Budget& budget,
                                    LookupCheck& out, size_t* bad_event = nullptr, bool witness = false);

// A linearizable check's witness (check_with_lookup_model(..., witness)) as text: each
// step in order, a walk with what it reached.
std::string explain_steps(const LookupCheck& check);

// text_report() of the check, with why the failing op's object was refused, if it was.
std::string lookup_report(const LookupCheck& check);

// A not-linearizable verdict's title, "linearizable: <op> <outcome> unexplained on
// <target>": the op and ok/errno at whose return the search failed.
std::string violation_title(const LookupCheck& check, std::string_view target);

// The stress loop's budget for one run: small programs finish far inside it.
Budget run_budget();

}  // namespace nfz::oracles::lin

namespace nfz::oracles {

// What the `linearizable` oracle reports for one run. checks: 1 when the history was
// judged (linearizable, not linearizable, or unknown), 0 when it could not be (an unknown
// target, FUSE error injection). An unknown is a check, never a violation:
// counted in OracleResult::unknown.
struct LinearizableResult : OracleResult {
  std::string unknown_reason;  // the last unknown's: which budget ran out
  std::string skipped;         // why the run was not judged, when checks == 0
};

// The stress loop's entry: judges one run's history. A violation's title is
// "linearizable: <op> <outcome> unexplained on <target>" (op name and ok/errno of the op
// at whose return the search failed); its detail is the text report (the smallest failing
// prefix, the ops in flight, the longest partial linearization).
LinearizableResult check_linearizable_run(const Program& program, const History& history, std::string_view target,
                                          const lin::Budget& budget = lin::run_budget());

}  // namespace nfz::oracles
