#include "stress/cache_pressure.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace nfz::stress {

std::string CachePressure::start(uint32_t period_ms, int level) {
  if (period_ms == 0) return "off";
  int fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return std::string("skipped: /proc/sys/vm/drop_caches: ") + strerror(errno);
  stopping_ = false;
  thread_ = std::thread([this, fd, period_ms, level] { loop(fd, period_ms, level); });
  return "drop_caches " + std::to_string(level) + " every " + std::to_string(period_ms) + " ms";
}

void CachePressure::loop(int fd, uint32_t period_ms, int level) {
  const char text = static_cast<char>('0' + level);
  std::unique_lock lock(mu_);
  while (!wake_.wait_for(lock, std::chrono::milliseconds(period_ms), [this] { return stopping_; })) {
    lock.unlock();
    if (pwrite(fd, &text, 1, 0) == 1) ++drops_;
    lock.lock();
  }
  close(fd);
}

void CachePressure::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

}  // namespace nfz::stress
