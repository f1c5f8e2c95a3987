// What the kernel says about itself while the stress loop runs: /dev/kmsg records and the
// taint mask (/proc/sys/kernel/tainted). Read after every run, never during one.
#pragma once

#include <string>
#include <vector>

namespace nfz::stress {

class KernelLog {
 public:
  KernelLog() = default;
  KernelLog(const KernelLog&) = delete;
  KernelLog& operator=(const KernelLog&) = delete;
  ~KernelLog();

  // Starts at the end of the log (older records are someone else's). Returns why the log
  // cannot be read, or "".
  std::string open();
  bool is_open() const { return fd_ >= 0; }

  // Records since the last call (message text only), and whether the taint mask changed.
  struct News {
    std::vector<std::string> lines;
    unsigned long taint_before = 0, taint_after = 0;
  };
  News read_new();

 private:
  int fd_ = -1;
  unsigned long taint_ = 0;
};

// The kernel's own words for trouble (docs/ORACLES.md, kernel.health); the matching pattern, or
// empty if `line` is not one of them.
std::string_view trouble_in(std::string_view line);

unsigned long read_taint();

}  // namespace nfz::stress
