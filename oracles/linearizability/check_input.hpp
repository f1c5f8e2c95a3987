// What the linearizability search reads: a History's ops with their observed outcomes
// normalized to the model's vocabulary, and the order in which calls and returns happened.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/history.hpp"

namespace nfz::oracles::lin {

// One op of the history that the model must explain.
struct CheckOp {
  size_t event = 0;    // index in History::events
  int32_t thread = 0;  // kSetupThread for setup
  uint32_t index = 0;  // position in its thread
  const Op* op = nullptr;
  int32_t result = 0;  // the model's vocabulary: 0 for any success (an fd number, 0), or -errno
  bool hung = false;   // never returned: may have taken effect (with any outcome) or not
  int64_t call_ns = 0, return_ns = -1;
  // What the kernel said the op reached (Event): dev/ino (ino 0: nothing), S_IFMT bits, a
  // statx's nlink (-1: not recorded). The lookup model holds them against its own objects.
  uint64_t dev = 0, ino = 0;
  uint32_t type = 0;
  int32_t nlink = -1;
};

// A call or a return. The search consumes marks in order; real-time order is the order of
// marks: `a` precedes `b` iff a's return mark comes before b's call mark.
struct Mark {
  uint32_t op = 0;
  bool is_return = false;
};

struct CheckInput {
  std::vector<CheckOp> ops;
  std::vector<Mark> marks;
};

// Builds the search's input. Setup ops come first, one after another, in index order
// (they ran alone before the threads, whatever their timestamps say). Thread ops are
// ordered by time; at equal timestamps calls come before returns, so that two ops that
// touch in time count as overlapping: that can only admit more orders, never invent a
// violation. Harness actions (drop_caches, sleep, revalidate) change no namespace state
// and are left out. Returns "" or why the history cannot be checked (and then, in
// `bad_event`, which event).
std::string make_check_input(const History& history, CheckInput& out, size_t* bad_event = nullptr);

// CheckOp::index of the setup ring's exit: a step the checker adds when setup used fixed
// files (lookup_check.cpp), not an op of the history.
inline constexpr uint32_t kRingExitIndex = 0xffffffff;

// "T1 #3" or "setup #0" ("setup ring" for the ring's exit).
std::string op_label(const CheckOp& op);
// "open("a", O_RDONLY) = -1 ENOENT", "... = ok", "... = (hung)".
std::string describe_outcome(const CheckOp& op);

}  // namespace nfz::oracles::lin
