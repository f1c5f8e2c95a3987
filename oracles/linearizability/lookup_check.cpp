#include "oracles/linearizability/lookup_check.hpp"

#include <linux/magic.h>
#include <sys/vfs.h>

#include <cerrno>
#include <chrono>

#include "core/flags.hpp"
#include "oracles/linearizability/canonical_state.hpp"
#include "oracles/linearizability/checker.hpp"
#include "oracles/linearizability/report.hpp"
#include "oracles/linearizability/uring_chains.hpp"

namespace nfz::oracles::lin {
namespace {

using model::LookupModel;
using model::Profile;

// LookupModel as the search sees it, plus io_uring's linked chains (uring_chains.hpp),
// which lookup_model.hpp leaves to the checker. The ops input.ops points at copies in
// `chain_ops` have one outcome, `chain_results`' entry, with the state unchanged but for a
// cancelled plain close, whose fd the executor takes out of its register when it prepares
// the chain (exec/uring_backend.cpp; model/lookup/sequential_check.cpp does the same).
// Telling the copies apart by address keeps the step free of lookups. Every state it gives
// is numbered canonically (canonical_state.hpp), so that the search's memo merges states
// that differ only in inode numbers.
class RunModel {
 public:
  RunModel(const LookupModel& model, const LookupCheck& check)
      : model_(model), chain_ops_(check.chain_ops), chain_results_(check.chain_results) {}

  model::State initial() const { return model_.initial(); }

  void step(const model::State& s, const Op& op, std::vector<model::Transition>& out) const {
    const size_t chained = chain_index(op);
    if (chained == kNotChained) {
      model_.step(s, op, out);
      for (model::Transition& t : out) canonical_.apply(t.next);
      return;
    }
    out.clear();
    out.push_back({chain_results_[chained], s});
    if (chain_results_[chained] == -ECANCELED && op.kind == OpKind::kClose && !op.issue.fixed && op.fd >= 0)
      out.back().next.regs[op.fd] = {};
  }

 private:
  static constexpr size_t kNotChained = ~size_t{0};

  size_t chain_index(const Op& op) const {
    if (chain_ops_.empty() || &op < chain_ops_.data() || &op >= chain_ops_.data() + chain_ops_.size())
      return kNotChained;
    return static_cast<size_t>(&op - chain_ops_.data());
  }

  const LookupModel& model_;
  const std::vector<Op>& chain_ops_;
  const std::vector<int32_t>& chain_results_;
  mutable CanonicalNumbering canonical_;  // scratch buffers only
};

// Points the CheckOps of the chain ops at copies with their fixed outcome. Returns "" or,
// for an op through a stale register that changes the namespace, why the model cannot
// judge the history.
std::string apply_chain_marks(const History& history, LookupCheck& out) {
  const ChainMarks marks = mark_chain_ops(history, out.input);
  out.cancelled = marks.cancelled;
  out.stale_reads = marks.stale_reads;
  out.chain_ops.clear();
  out.chain_results.clear();
  out.chain_ops.reserve(marks.ops.size());  // no reallocation: the CheckOps point into it
  for (const ChainOp& m : marks.ops) {
    CheckOp& c = out.input.ops[m.check_op];
    out.chain_ops.push_back(*c.op);
    out.chain_results.push_back(m.role == ChainRole::kCancelled ? -ECANCELED : c.result);
    c.op = &out.chain_ops.back();
  }
  if (marks.beyond.empty()) return "";
  const CheckOp& c = out.input.ops[marks.beyond.front()];
  return op_label(c) + " " + print_op(*c.op) +
         " goes through a register an earlier op of its io_uring chain sets: it uses the file from before "
         "the chain, which the model cannot follow";
}

std::optional<Profile> profile_of_directory(const std::string& path) {
  struct statfs st{};
  if (::statfs(path.c_str(), &st) != 0) return std::nullopt;
  switch (static_cast<unsigned long>(st.f_type)) {
    case TMPFS_MAGIC: return Profile::kTmpfs;
    case EXT4_SUPER_MAGIC: return Profile::kExt4;
    case XFS_SUPER_MAGIC: return Profile::kXfs;
    case BTRFS_SUPER_MAGIC: return Profile::kBtrfs;
    case OVERLAYFS_SUPER_MAGIC: return Profile::kOverlay;
    default: return std::nullopt;
  }
}

std::string known_profiles_text() {
  std::string s;
  for (const auto& p : lookup_profiles()) s += (s.empty() ? "" : ", ") + p;
  return s;
}

}  // namespace

std::vector<std::string> lookup_profiles() {
  std::vector<std::string> names;
  for (int p = 0; p < model::kProfileCount; ++p) names.emplace_back(model::profile_name(static_cast<Profile>(p)));
  return names;
}

// fuse:* is checked as ext4, the most permissive profile about the dcache: a positive
// dentry may be evicted (no d_make_persistent()) and a negative one may stay cached,
// which is what the observer's strict and churn personalities give. dir:PATH is whatever
// holds PATH; ext4's freedoms again when that is none of the five.
std::optional<Profile> profile_for_target(std::string_view target) {
  if (auto p = model::profile_by_name(target)) return p;
  if (target.starts_with("fuse:")) return Profile::kExt4;
  if (target.starts_with("dir:")) return profile_of_directory(std::string(target.substr(4))).value_or(Profile::kExt4);
  return std::nullopt;
}

std::string check_with_lookup_model(const History& history, std::string_view profile, const Budget& budget,
                                    LookupCheck& out, size_t* bad_event) {
  std::optional<Profile> p = profile.empty() ? profile_for_target(history.target) : model::profile_by_name(profile);
  if (!p) {
    if (profile.empty())
      return "target '" + history.target + "' has no model profile (give one: " + known_profiles_text() + ")";
    return "unknown profile '" + std::string(profile) + "' (known: " + known_profiles_text() + ")";
  }
  out.profile = *p;
  if (std::string why = make_check_input(history, out.input, bad_event); !why.empty()) return why;
  if (std::string beyond = apply_chain_marks(history, out); !beyond.empty()) {
    out.result = CheckResult{};
    out.result.verdict = Verdict::kUnknown;
    out.result.reason = beyond;
    return "";
  }
  const LookupModel model(*p, model::Mode::kConcurrent);
  const RunModel run_model(model, out);
  auto start = std::chrono::steady_clock::now();
  out.result = check_linearizable(run_model, out.input, budget);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return "";
}

Budget run_budget() {
  Budget b;
  b.max_steps = 50'000'000;
  b.max_configs = 1'000'000;
  b.max_seconds = 10;
  return b;
}

}  // namespace nfz::oracles::lin

namespace nfz::oracles {

namespace {

std::string outcome_name(const lin::CheckOp& op) {
  if (op.hung) return "hung";
  return op.result < 0 ? std::string(errno_name(-op.result)) : "ok";
}

}  // namespace

std::string lin::violation_title(const lin::LookupCheck& check, std::string_view target) {
  const lin::CheckOp& failing = check.input.ops[check.result.failing_op];
  return "linearizable: " + std::string(op_name(*failing.op)) + " " + outcome_name(failing) + " unexplained on " +
         std::string(target);
}

namespace {

bool injects_errors(const Program& program) {
  for (const FuseFault& f : program.faults)
    if (f.kind == FuseFault::Kind::kError) return true;
  return false;
}

}  // namespace

LinearizableResult check_linearizable_run(const Program& program, const History& history, std::string_view target,
                                          const lin::Budget& budget) {
  LinearizableResult r;
  // An injected FUSE error fails a request the model knows nothing of, and an op that
  // sends several (MKNOD then OPEN without atomic_open) may fail after changing the
  // namespace: no outcome set of the model explains that.
  if (injects_errors(program)) {
    r.skipped = "the program injects FUSE errors, which the model does not predict";
    return r;
  }
  // On the FUSE observer every lookup is a round trip, and the steps of one op that the
  // model takes as one (link()'s lookup of its source, then filename_create() of the new
  // name; the walk to a parent, then the locked last component) are far apart: a
  // concurrent rmdir between them gives link() EPERM, which no atomic order explains
  // (docs/ORACLES.md, "Atomicity"). `nameifuzz check` still judges such histories.
  if (target.starts_with("fuse:")) {
    r.skipped = "ops are not atomic on the FUSE observer (a walk and the op's last step are separate round trips)";
    return r;
  }
  const auto profile = lin::profile_for_target(target);
  if (!profile) {
    r.skipped = "target '" + std::string(target) + "' has no model profile";
    return r;
  }
  lin::LookupCheck check;
  if (std::string why = lin::check_with_lookup_model(history, model::profile_name(*profile), budget, check);
      !why.empty()) {
    r.skipped = why;
    return r;
  }
  r.checks = 1;
  if (check.result.verdict == lin::Verdict::kUnknown) {
    r.unknown = 1;
    r.unknown_reason = check.result.reason;
  } else if (check.result.verdict == lin::Verdict::kIllegal) {
    r.violations.push_back(
        {lin::violation_title(check, target), lin::text_report(check.input, check.result, check.seconds)});
  }
  return r;
}

}  // namespace nfz::oracles
