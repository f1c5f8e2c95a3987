// What io_uring linked chains change in what the model must predict (docs/FORMAT.md,
// exec/uring_backend.cpp): the model reads an op's registers when the op takes effect,
// io_uring prepares a whole chain at once.
//  - cancelled: an op linked after one that broke the chain (model::uring_breaks_chain(),
//    chains cut every kMaxChain ops as the executor cuts them) never runs: -ECANCELED,
//    and no change but the executor emptying a plain close's register at preparation.
//  - stale read: an op that reads a register (an open's dirfd, a plain close) that an
//    earlier op of its chain sets (a plain open with `fN =`) reads the value from before
//    the chain. A pure read through it (an open that neither creates, truncates nor keeps
//    its fd) changes nothing, and neither does such a close (the model's open already let
//    go of the old file when it overwrote the register): its observed outcome is taken as
//    it is. Any other op through a stale register (a create in the old directory) is
//    beyond the model: the check answers unknown.
//  - fd race: an op that reads a register as a plain fd while another thread's op lets
//    that register's fd go (a close, an open into it) may find the number taken by any
//    file: if it changes nothing (a pure read, or it failed), its outcome is taken as it
//    is, counted with the stale reads (mark_fd_races()). If it changed something and
//    another thread's open that succeeded overlaps it (that open may have taken the
//    number), it is beyond the model: the check answers unknown. Otherwise the model takes
//    its dirfd read as a step of its own (LookupModel::open_start()).
#pragma once

#include <cstdint>
#include <vector>

#include "core/history.hpp"
#include "oracles/linearizability/check_input.hpp"

namespace nfz::oracles::lin {

enum class ChainRole : uint8_t { kCancelled, kStaleRead };

struct ChainOp {
  uint32_t check_op = 0;  // index in CheckInput::ops
  ChainRole role = ChainRole::kCancelled;
};

struct ChainMarks {
  std::vector<ChainOp> ops;      // in thread, then index order; then the fd races
  size_t cancelled = 0, stale_reads = 0;
  std::vector<uint32_t> beyond;  // ops through a stale register that change the namespace
  std::vector<uint32_t> reused;  // fd races that changed something, the number maybe retaken
};

ChainMarks mark_chain_ops(const History& history, const CheckInput& input);

// Whether an op of another thread (not setup) that overlaps `c` in real time lets
// register `r`'s plain fd go: a close of it or an open into it that succeeded or hung.
bool released_beside(const CheckInput& input, const CheckOp& c, int8_t r);

}  // namespace nfz::oracles::lin
