#include "oracles/linearizability/uring_chains.hpp"

#include <climits>

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
               const LinkRule& rule, ChainMarks& marks) {
  bool prev_cancelled = false;
  uint32_t written = 0;  // registers set by earlier ops of the current chain (bit per register)
  for (uint32_t k = 0; k < ops.size(); ++k) {
    const uint32_t i = check_op[k];
    const bool linked = k > 0 && model::linked_to_previous(ops, k, kMaxChain);
    if (!linked) written = 0;
    bool cancel = linked && i != kNone && check_op[k - 1] != kNone;
    if (cancel && !prev_cancelled) {
      const CheckOp& p = input.ops[check_op[k - 1]];
      cancel = model::uring_breaks_chain(ops[k - 1], p.hung ? model::kBlocks : p.result, rule);
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

// Whether `op` lets the plain fd of register `r` go: a plain close of it, or an open
// into it (FdTable::put() and put_fixed() close the fd the register held).
bool releases(const Op& op, int8_t r) {
  if (op.fd != r) return false;
  return (op.kind == OpKind::kClose && !op.issue.fixed) || op.kind == OpKind::kOpen;
}

bool overlap(const CheckOp& a, const CheckOp& b) {
  const int64_t a_end = a.hung ? INT64_MAX : a.return_ns, b_end = b.hung ? INT64_MAX : b.return_ns;
  return a.call_ns < b_end && b.call_ns < a_end;
}

// Whether an open of another thread that got an fd (any open that succeeded or hung: the
// harness closes an unkept one at once, but it had a number) overlaps `c`.
bool opened_beside(const CheckInput& input, const CheckOp& c) {
  for (const CheckOp& o : input.ops)
    if (o.thread != c.thread && o.op->kind == OpKind::kOpen && !o.op->issue.fixed && (o.hung || o.result >= 0) &&
        overlap(c, o))
      return true;
  return false;
}

// An op reads a register's fd number when it is called or its SQE prepared, and the
// kernel looks the number up later: another thread's close of that register in between
// frees the number, and any open on the machine may take it, so the lookup may find any
// file (met on btrfs: openat2(f2, ".", O_DIRECTORY) = ENOTDIR in a chain whose SQE held
// f2's directory fd while another thread closed f2 and a file took the number). Where a
// release of the register by another thread overlaps the op, an op that changes nothing
// (a pure read, or any op that failed) is taken as observed. One that changed something
// while another thread's open got an fd is beyond the model (met on btrfs: an io_uring
// chain prepared with f8, the root; another thread closed f8 and opened "/a/." into the
// freed number; the chain's openat2(f8, "d/b", O_CREAT) then made "/a/d/b").
void mark_fd_races(const CheckInput& input, ChainMarks& marks) {
  std::vector<bool> marked(input.ops.size(), false);
  for (const ChainOp& m : marks.ops) marked[m.check_op] = true;
  for (uint32_t b : marks.beyond) marked[b] = true;
  for (uint32_t i = 0; i < input.ops.size(); ++i) {
    const CheckOp& c = input.ops[i];
    const int8_t read = plain_register_read(*c.op);
    // A close that succeeded changed its register: not one that changes nothing.
    const bool changes_nothing = c.result < 0 || (c.op->kind != OpKind::kClose && pure_read(*c.op));
    if (marked[i] || c.hung || read == kNoSlot) continue;
    if (!released_beside(input, c, read)) continue;
    if (!changes_nothing) {
      if (opened_beside(input, c)) marks.reused.push_back(i);
      continue;
    }
    marks.ops.push_back({i, ChainRole::kStaleRead});
    ++marks.stale_reads;
  }
}

}  // namespace

bool released_beside(const CheckInput& input, const CheckOp& c, int8_t r) {
  for (const CheckOp& o : input.ops) {
    const bool released = o.hung || o.result >= 0;  // a failed open or close lets nothing go
    if (o.thread != c.thread && o.thread != kSetupThread && released && releases(*o.op, r) && overlap(c, o)) return true;
  }
  return false;
}

ChainMarks mark_chain_ops(const History& history, const CheckInput& input) {
  std::vector<std::vector<uint32_t>> check_op(history.ops.size());  // per lane and index
  for (size_t t = 0; t < history.ops.size(); ++t) check_op[t].assign(history.ops[t].size(), kNone);
  for (uint32_t i = 0; i < input.ops.size(); ++i)
    check_op[static_cast<size_t>(input.ops[i].thread) + 1][input.ops[i].index] = i;
  ChainMarks marks;
  for (size_t lane = 0; lane < history.ops.size(); ++lane) mark_lane(history.ops[lane], check_op[lane], input, history.link_rule, marks);
  mark_fd_races(input, marks);
  return marks;
}

}  // namespace nfz::oracles::lin
