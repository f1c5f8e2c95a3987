#include "exec/kernel/cached_probe.hpp"

#include <cerrno>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace nfz::kernel {

int32_t open_and_close(const Op& op) {
  open_how how{};
  how.flags = op.flags;
  how.mode = op.mode;
  how.resolve = op.resolve;
  long fd = syscall(SYS_openat2, AT_FDCWD, op.path.c_str(), &how, sizeof how);
  if (fd < 0) return -errno;
  close(static_cast<int>(fd));
  return 0;
}

}  // namespace nfz::kernel
