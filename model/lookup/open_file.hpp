// Opening the object a walk reached, and keeping the file in the op's fd register:
// may_open(), vfs_open() of devices and FIFOs (fifo_open() in fs/pipe.c).
#pragma once

#include "model/lookup/step_context.hpp"

namespace nfz::model {

// The register (or fixed slot) update of a successful open of `file` from `base`.
State place_file(State base, const Op& op, const FileRef& file);

// Appends the outcomes of opening `ino` (in `base`) with `access` (kPath: no ->open).
// `nonblock`: O_NONBLOCK, as given or as an inline io_uring issue adds it.
void open_object(const StepContext& c, const State& base, Ino ino, Access access, bool nonblock);

// Appends (result, next) unless the same outcome is in `c.out` already.
void add_outcome(const StepContext& c, int32_t result, State next);

}  // namespace nfz::model
