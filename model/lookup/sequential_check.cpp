#include "model/lookup/sequential_check.hpp"

#include <algorithm>
#include <cerrno>

#include "core/flags.hpp"
#include "model/lookup/identity.hpp"

namespace nfz::model {

int32_t observed_result(const Event& e) {
  if (!e.returned() || e.how == Completion::kHung) return kBlocks;
  return e.result >= 0 ? 0 : e.result;
}

std::string result_name(int32_t result) {
  if (result == kBlocks) return "(blocks)";
  if (result >= 0) return std::to_string(result);
  return errno_name(-result);
}

bool linked_to_previous(const std::vector<Op>& ops, size_t index, size_t max_chain) {
  if (index == 0) return false;
  size_t begin = index;  // the chain's first op: walk back over links
  while (begin > 0 && ops[begin - 1].issue.link && ops[begin].issue.via != Via::kSyscall &&
         !is_harness_action(ops[begin].kind))
    --begin;
  if (begin == index) return false;
  // chain_end() cuts a chain every max_chain ops.
  return (index - begin) % max_chain != 0;
}

bool uring_breaks_chain(const Op& op, int32_t result, const LinkRule& rule) {
  if (result >= 0) return false;
  if (result == kBlocks || op.kind == OpKind::kOpen || op.kind == OpKind::kClose) return true;
  if (op.kind == OpKind::kStatx && rule.statx_breaks) return true;
  if (rule.fs_ops_break && (op.kind == OpKind::kMkdir || op.kind == OpKind::kRmdir || op.kind == OpKind::kUnlink ||
                            op.kind == OpKind::kRename || op.kind == OpKind::kSymlink || op.kind == OpKind::kLink))
    return true;
  return (has_path(op.kind) && op.path.empty()) || (has_second_path(op.kind) && op.path2.empty());
}

namespace {

Seen seen_of(const Event& e, KernelIds& ids, size_t k) {
  return {ids.intern(e.dev, e.ino, k), e.type, e.nlink};
}

}  // namespace

std::optional<Disagreement> check_sequential(const LookupModel& model, const History& h, size_t max_chain) {
  KernelIds ids;
  const NlinkRule rule = nlink_rule(model.profile(), h.target.starts_with("fuse:"));
  auto event_name = [&](size_t k) {
    const Event& e = h.events[k];
    return "#" + std::to_string(e.index) + " " + print_op(h.op_of(e));
  };
  std::vector<State> frontier{model.initial()}, next;
  std::vector<Transition> out;
  int32_t prev_thread = -2;
  int32_t prev_result = 0;
  bool prev_broke = false;  // the previous op broke its chain
  for (size_t k = 0; k < h.events.size(); ++k) {
    const Event& e = h.events[k];
    const Op& op = h.op_of(e);
    const int32_t observed = observed_result(e);
    const bool chained = e.thread == prev_thread && linked_to_previous(h.ops[e.thread + 1], e.index, max_chain);
    if (chained && prev_broke) {  // io_uring cancels the rest of a broken chain
      bool ok = observed == -ECANCELED || (prev_result == kBlocks && observed == kBlocks);
      if (!ok) return Disagreement{k, observed, {-ECANCELED}, describe_state(frontier.front()), {}};
      // Nothing ran: the state stays. The executor takes a plain close's fd out of its
      // register when it prepares the chain, and gives it back when the close is
      // cancelled (exec/uring_backend.cpp apply_uring_result(), since 751fc32).
      prev_result = observed;
      prev_thread = e.thread;
      continue;
    }
    next.clear();
    std::vector<int32_t> allowed;
    const Seen seen = seen_of(e, ids, k);
    std::string identity;
    for (const State& s : frontier) {
      model.step(s, op, out);
      for (Transition& t : out) {
        if (std::find(allowed.begin(), allowed.end(), t.result) == allowed.end()) allowed.push_back(t.result);
        if (t.result != observed) continue;
        if (observed >= 0) {
          const IdentityCheck c = bind_identity(t.next, t.reached, seen, rule);
          if (c.error != IdentityError::kNone) {
            if (identity.empty()) identity = describe_identity_error(t.next, t.reached, seen, c, ids, event_name);
            continue;
          }
        }
        if (std::find(next.begin(), next.end(), t.next) == next.end()) next.push_back(std::move(t.next));
      }
    }
    if (next.empty()) {
      std::sort(allowed.begin(), allowed.end());
      return Disagreement{k, observed, std::move(allowed), describe_state(frontier.front()), std::move(identity)};
    }
    frontier.swap(next);
    prev_thread = e.thread;
    prev_result = observed;
    prev_broke = op.issue.via != Via::kSyscall && uring_breaks_chain(op, observed, h.link_rule);
  }
  return std::nullopt;
}

}  // namespace nfz::model
