#include "oracles/linearizability/uring_chains.hpp"

#include "exec/uring_backend.hpp"
#include "model/lookup/sequential_check.hpp"

namespace nfz::oracles::lin {
namespace {

constexpr uint32_t kNone = ~uint32_t{0};

// The register `op` reads as a plain fd, or kNoSlot.
int8_t plain_register_read(const Op& op) {
  if (op.kind == OpKind::kOpen) return op.dirfd;
  if (op.kind == OpKind::kClose && !op.issue.fixed) return op.fd;
  return kNoSlot;
}

bool pure_read(const Op& op) {
  if (op.kind == OpKind::kClose) return true;
  return !creates_file(op.flags) && !(op.flags & O_TRUNC) && op.fd == kNoSlot;
}

// One thread's ops: `check_op[k]` is op k's index in the input (kNone: no event).
void mark_lane(const std::vector<Op>& ops, const std::vector<uint32_t>& check_op, const CheckInput& input,
               ChainMarks& marks) {
  bool prev_cancelled = false;
  uint32_t written = 0;  // registers set by earlier ops of the current chain (bit per register)
  for (uint32_t k = 0; k < ops.size(); ++k) {
    const uint32_t i = check_op[k];
    const bool linked = k > 0 && model::linked_to_previous(ops, k, kMaxChain);
    if (!linked) written = 0;
    bool cancel = linked && i != kNone && check_op[k - 1] != kNone;
    if (cancel && !prev_cancelled) {
      const CheckOp& p = input.ops[check_op[k - 1]];
      cancel = model::uring_breaks_chain(ops[k - 1], p.hung ? model::kBlocks : p.result);
    }
    prev_cancelled = cancel;
    if (i == kNone) continue;
    if (cancel) {
      marks.ops.push_back({i, ChainRole::kCancelled});
      ++marks.cancelled;
      continue;
    }
    const int8_t read = plain_register_read(ops[k]);
    if (read != kNoSlot && (written >> read & 1)) {
      if (pure_read(ops[k])) {
        marks.ops.push_back({i, ChainRole::kStaleRead});
        ++marks.stale_reads;
      } else {
        marks.beyond.push_back(i);
      }
    }
    if (ops[k].kind == OpKind::kOpen && !ops[k].issue.fixed && ops[k].fd != kNoSlot) written |= 1u << ops[k].fd;
  }
}

}  // namespace

ChainMarks mark_chain_ops(const History& history, const CheckInput& input) {
  std::vector<std::vector<uint32_t>> check_op(history.ops.size());  // per lane and index
  for (size_t t = 0; t < history.ops.size(); ++t) check_op[t].assign(history.ops[t].size(), kNone);
  for (uint32_t i = 0; i < input.ops.size(); ++i)
    check_op[static_cast<size_t>(input.ops[i].thread) + 1][input.ops[i].index] = i;
  ChainMarks marks;
  for (size_t lane = 0; lane < history.ops.size(); ++lane) mark_lane(history.ops[lane], check_op[lane], input, marks);
  return marks;
}

}  // namespace nfz::oracles::lin
