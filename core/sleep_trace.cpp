#include "core/sleep_trace.hpp"

#include <array>

namespace nfz {
namespace {

struct Marker {
  std::string_view frame_prefix;
  SleepClass cls;
};

// Checked in order over the whole stack: a FUSE wait that allocates is still a FUSE wait,
// so the filesystem classes come before reclaim and locks.
constexpr std::array<Marker, 16> kMarkers = {{
    {"request_wait_answer", SleepClass::kFuse},
    {"fuse_simple_request", SleepClass::kFuse},
    {"__fuse_simple_request", SleepClass::kFuse},
    {"io_schedule", SleepClass::kIo},
    {"bit_wait_io", SleepClass::kIo},
    {"folio_wait_bit", SleepClass::kIo},
    {"__wait_on_buffer", SleepClass::kIo},
    {"submit_bio_wait", SleepClass::kIo},
    {"try_to_free_pages", SleepClass::kReclaim},
    {"__alloc_pages_slowpath", SleepClass::kReclaim},
    {"shrink_", SleepClass::kReclaim},
    {"mem_cgroup_handle_over_high", SleepClass::kReclaim},
    {"rwsem_down_", SleepClass::kLock},
    {"__mutex_lock", SleepClass::kLock},
    {"d_wait_lookup", SleepClass::kLock},
    {"percpu_rwsem_wait", SleepClass::kLock},
}};

}  // namespace

SleepClass classify_sleep(const SleepSample& sample) {
  if (sample.frames.empty()) return SleepClass::kUnknown;
  for (const auto& m : kMarkers)
    for (const auto& f : sample.frames)
      if (f.starts_with(m.frame_prefix)) return m.cls;
  return SleepClass::kOther;
}

std::string_view sleep_class_name(SleepClass c) {
  static constexpr std::string_view kNames[] = {"fuse", "io", "reclaim", "lock", "other", "unknown"};
  return kNames[static_cast<int>(c)];
}

}  // namespace nfz
