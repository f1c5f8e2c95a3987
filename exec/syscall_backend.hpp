// Runs one op as a plain system call.
#pragma once

#include <sys/stat.h>

#include "core/history.hpp"
#include "exec/fd_table.hpp"

namespace nfz {

// Issues `op` (not a harness action), timing it into `ev`. An open stores its fd in its
// register, or closes it at once when the op keeps none.
void run_syscall(const Op& op, FdTable& fds, Event& ev);

// dev/ino and file type of what a successful open reached (fstat of its fd).
void record_identity(int fd, Event& ev);
// dev/ino, file type and link count of what a successful statx reached.
void record_identity(const struct statx& stx, Event& ev);

}  // namespace nfz
