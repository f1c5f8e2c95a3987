#include "stress/kernel_log.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <unistd.h>

namespace nfz::stress {

KernelLog::~KernelLog() {
  if (fd_ >= 0) close(fd_);
}

unsigned long read_taint() {
  std::ifstream in("/proc/sys/kernel/tainted");
  unsigned long t = 0;
  in >> t;
  return t;
}

std::string KernelLog::open() {
  fd_ = ::open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) return std::string("/dev/kmsg: ") + strerror(errno);
  lseek(fd_, 0, SEEK_END);
  taint_ = read_taint();
  return {};
}

KernelLog::News KernelLog::read_new() {
  News news;
  news.taint_before = taint_;
  if (fd_ < 0) return news;
  char buf[8192];
  for (;;) {
    ssize_t n = read(fd_, buf, sizeof buf - 1);  // one record per read
    if (n < 0 && errno == EPIPE) continue;       // overwritten records: go on with the next
    if (n <= 0) break;
    std::string_view rec(buf, static_cast<size_t>(n));
    // "prio,seq,usec,flags;message\n continuation lines..."
    auto semi = rec.find(';');
    if (semi == std::string_view::npos) continue;
    rec.remove_prefix(semi + 1);
    if (auto nl = rec.find('\n'); nl != std::string_view::npos) rec = rec.substr(0, nl);
    news.lines.emplace_back(rec);
  }
  taint_ = read_taint();
  news.taint_after = taint_;
  return news;
}

std::string_view trouble_in(std::string_view line) {
  static constexpr std::array<std::string_view, 10> kPatterns = {
      "BUG:", "WARNING:", "INFO: task", "rcu_sched self-detected stall", "rcu: INFO:", "RCU stall",
      "general protection fault", "list_add corruption", "list_del corruption", "Busy inodes after unmount"};
  for (auto p : kPatterns)
    if (line.find(p) != std::string_view::npos) return p;
  if (line.find("corruption") != std::string_view::npos && line.find("list") != std::string_view::npos)
    return "list corruption";
  return {};
}

}  // namespace nfz::stress
