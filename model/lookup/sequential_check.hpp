// Sequential differential checking (`nameifuzz diff`, tests/model): a History of ops run
// one at a time (exec/sequential.hpp) replayed through the model. Every observed result
// must be one the model allows from a state that explains everything before it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/history.hpp"
#include "model/lookup/lookup_model.hpp"

namespace nfz::model {

struct Disagreement {
  size_t event = 0;              // index into History::events
  int32_t observed = 0;          // normalized (observed_result())
  std::vector<int32_t> allowed;  // the results the model allowed there
  std::string state;             // the model state before the op (describe_state())
  // The observed result was allowed, but the object the kernel reported is not the one
  // the model reached (model/lookup/identity.hpp): why, naming both and their ops.
  std::string identity;
};

// An event's result as the model speaks it: 0 for any success (an fd number is not
// modelled), -errno, or kBlocks for an op that never returned (Completion::kHung).
int32_t observed_result(const Event& e);

// "0", "ENOENT", "(blocks)".
std::string result_name(int32_t result);

// Whether op `index` of `ops` is linked to its predecessor in one io_uring chain (the
// executor's chain_end(): a run of io_uring ops with IOSQE_IO_LINK, at most `max_chain`).
bool linked_to_previous(const std::vector<Op>& ops, size_t index, size_t max_chain);

// Whether an io_uring op that gave `result` cancels the rest of its linked chain
// (REQ_F_FAIL): a failed open or close (io_openat2() and io_close() call req_set_fail()),
// any op whose prep failed (getname() of an empty path), and a hung op (the harness
// cancels it). The namespace ops of io_uring/fs.c and io_statx() complete a failure
// without req_set_fail() from 6.0 on, so the chain goes on (measured on 6.18), unless the
// kernel's `rule` (probed where the history ran) says they break it.
bool uring_breaks_chain(const Op& op, int32_t result, const LinkRule& rule);

// Replays `h` (events in the order the ops ran) through `model`. An op linked after one
// that broke its io_uring chain must get -ECANCELED (or hang with a hung one) and leaves
// the state alone. A successful open or statx must reach the object the kernel reported
// (bind_identity(): dev/ino, type, a statx's nlink). Returns the first disagreement, if any.
std::optional<Disagreement> check_sequential(const LookupModel& model, const History& h, size_t max_chain);

}  // namespace nfz::model
