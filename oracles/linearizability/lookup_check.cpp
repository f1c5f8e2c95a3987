#include "oracles/linearizability/lookup_check.hpp"

#include <linux/magic.h>
#include <sys/vfs.h>

#include <cerrno>
#include <chrono>

#include "core/flags.hpp"
#include "exec/uring_backend.hpp"
#include "model/lookup/sequential_check.hpp"
#include "oracles/linearizability/canonical_state.hpp"
#include "oracles/linearizability/checker.hpp"
#include "oracles/linearizability/report.hpp"

namespace nfz::oracles::lin {
namespace {

using model::LookupModel;
using model::Profile;

// LookupModel as the search sees it, plus io_uring's cancellation of a broken linked chain
// (lookup_model.hpp leaves it to the checker): an op that input.ops points at a copy in
// `cancelled` never ran, so its one outcome is -ECANCELED with the state unchanged, but
// for a plain close, whose fd the executor takes out of its register when it prepares
// the chain (exec/uring_backend.cpp; model/lookup/sequential_check.cpp does the same).
// Telling the copies apart by address keeps the step free of lookups. Every state it gives
// is numbered canonically (canonical_state.hpp), so that the search's memo merges states
// that differ only in inode numbers.
class RunModel {
 public:
  RunModel(const LookupModel& model, const std::vector<Op>& cancelled) : model_(model), cancelled_(cancelled) {}

  model::State initial() const { return model_.initial(); }

  void step(const model::State& s, const Op& op, std::vector<model::Transition>& out) const {
    if (!is_cancelled(op)) {
      model_.step(s, op, out);
      for (model::Transition& t : out) canonical_.apply(t.next);
      return;
    }
    out.clear();
    out.push_back({-ECANCELED, s});
    if (op.kind == OpKind::kClose && !op.issue.fixed && op.fd >= 0) out.back().next.regs[op.fd] = {};
  }

 private:
  bool is_cancelled(const Op& op) const {
    return !cancelled_.empty() && &op >= cancelled_.data() && &op < cancelled_.data() + cancelled_.size();
  }

  const LookupModel& model_;
  const std::vector<Op>& cancelled_;
  mutable CanonicalNumbering canonical_;  // scratch buffers only
};

// The ops io_uring cancels: linked (model::linked_to_previous, chains cut every
// kMaxChain ops as the executor cuts them) after an op that broke the chain
// (model::uring_breaks_chain) or was itself cancelled. Points their CheckOps at copies.
void mark_cancelled_chain_ops(const History& history, LookupCheck& out) {
  constexpr uint32_t kNone = ~uint32_t{0};
  std::vector<std::vector<uint32_t>> check_op(history.ops.size());  // per lane and index
  for (size_t t = 0; t < history.ops.size(); ++t) check_op[t].assign(history.ops[t].size(), kNone);
  for (uint32_t i = 0; i < out.input.ops.size(); ++i)
    check_op[static_cast<size_t>(out.input.ops[i].thread) + 1][out.input.ops[i].index] = i;
  std::vector<uint32_t> which;
  for (size_t lane = 0; lane < history.ops.size(); ++lane) {
    const auto& ops = history.ops[lane];
    bool prev_cancelled = false;
    for (uint32_t k = 1; k < ops.size(); ++k) {
      const uint32_t i = check_op[lane][k], prev = check_op[lane][k - 1];
      bool cancel = i != kNone && prev != kNone && model::linked_to_previous(ops, k, kMaxChain);
      if (cancel && !prev_cancelled) {
        const CheckOp& p = out.input.ops[prev];
        cancel = model::uring_breaks_chain(ops[k - 1], p.hung ? model::kBlocks : p.result);
      }
      if (cancel) which.push_back(i);
      prev_cancelled = cancel;
    }
  }
  out.cancelled_ops.clear();
  out.cancelled_ops.reserve(which.size());  // no reallocation: the CheckOps point into it
  for (uint32_t i : which) {
    out.cancelled_ops.push_back(*out.input.ops[i].op);
    out.input.ops[i].op = &out.cancelled_ops.back();
  }
  out.cancelled = which.size();
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
  mark_cancelled_chain_ops(history, out);
  const LookupModel model(*p, model::Mode::kConcurrent);
  const RunModel run_model(model, out.cancelled_ops);
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
    r.unknowns = 1;
    r.unknown_reason = check.result.reason;
  } else if (check.result.verdict == lin::Verdict::kIllegal) {
    const lin::CheckOp& failing = check.input.ops[check.result.failing_op];
    r.violations.push_back({"linearizable: " + std::string(op_name(*failing.op)) + " " + outcome_name(failing) +
                                " unexplained on " + std::string(target),
                            lin::text_report(check.input, check.result, check.seconds)});
  }
  return r;
}

}  // namespace nfz::oracles
