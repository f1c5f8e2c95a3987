#include "stress/tracing.hpp"

#include <cerrno>
#include <cstring>
#include <sched.h>
#include <sys/mount.h>

namespace nfz::stress {

std::string start_tracing(kernel::SleepTracer& tracer) {
  if (tracer.start(false).empty()) return "on";
  if (unshare(CLONE_NEWNS) != 0) return std::string("skipped: unshare(CLONE_NEWNS): ") + strerror(errno);
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return std::string("skipped: making / private: ") + strerror(errno);
  std::string why = tracer.start(true);
  return why.empty() ? "on" : "skipped: " + why;
}

}  // namespace nfz::stress
