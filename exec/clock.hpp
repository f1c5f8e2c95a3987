#pragma once

#include <cstdint>
#include <ctime>
#include <sys/resource.h>

namespace nfz {

inline int64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// Voluntary context switches of the calling thread so far: a rise across an issue means
// the thread slept (schedule() from a blocking wait).
inline uint64_t thread_nvcsw() {
  rusage ru;
  getrusage(RUSAGE_THREAD, &ru);
  return static_cast<uint64_t>(ru.ru_nvcsw);
}

}  // namespace nfz
