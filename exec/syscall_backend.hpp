// Runs one op as a plain system call.
#pragma once

#include "core/history.hpp"
#include "exec/fd_table.hpp"

namespace nfz {

// Issues `op` (not a harness action), timing it into `ev`. An open stores its fd in its
// register, or closes it at once when the op keeps none.
void run_syscall(const Op& op, FdTable& fds, Event& ev);

// dev/ino of what a successful open or statx reached; called outside the timed window.
void record_identity(int fd, Event& ev);

}  // namespace nfz
