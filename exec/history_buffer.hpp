// The preallocated History of a concurrent run: one slab of Events per thread in memory
// shared with the sandbox child (MAP_SHARED, mapped before the fork), so the hot loop
// writes each event in place, with no allocation and no lock, and the parent reads what
// the run did even when the run had to be killed.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "core/history.hpp"

namespace nfz {

class HistoryBuffer {
 public:
  HistoryBuffer() = default;
  HistoryBuffer(const HistoryBuffer&) = delete;
  HistoryBuffer& operator=(const HistoryBuffer&) = delete;
  ~HistoryBuffer();

  // Lays out room for every op of `program` and clears the counters (in the parent,
  // before the fork, or before a served child's run: the layout is in the shared memory).
  // Maps more memory only when the program is larger than any before, and then returns
  // true: a child forked before does not see the new mapping.
  bool reset(const Program& program);
  // Maps room for `events` events now (before a served child is forked).
  void reserve(size_t events);

  // The event of op `index` of `thread` (kSetupThread for setup).
  Event& event(int thread, uint32_t index) { return events_[offset(thread) + index]; }
  // Ops [0, end) of `thread` have their events; ops [end, issued) are in flight.
  void issuing(int thread, uint32_t end) { header_->issued[thread + 1].store(end, std::memory_order_release); }
  void done(int thread, uint32_t end) {
    header_->done[thread + 1].store(end, std::memory_order_release);
    header_->progress.fetch_add(1, std::memory_order_relaxed);
  }
  void set_tid(int thread, int32_t tid) { header_->tids[thread + 1] = tid; }
  // Grows while the run makes progress: the parent's watchdog reads it.
  uint64_t progress() const { return header_->progress.load(std::memory_order_relaxed); }
  // Whether any op of the program was issued since reset().
  bool started() const {
    for (const auto& n : header_->issued)
      if (n.load(std::memory_order_acquire)) return true;
    return false;
  }

  // The History of the run so far: finished ops as recorded, ops in flight as hung
  // (never returned), ops never issued left out. Events ordered by call time.
  History collect(const Program& program, const std::string& target) const;

 private:
  struct Header {
    std::atomic<uint32_t> done[kMaxThreads + 1];
    std::atomic<uint32_t> issued[kMaxThreads + 1];
    std::atomic<uint64_t> progress;
    int32_t tids[kMaxThreads + 1];
    size_t offsets[kMaxThreads + 2];  // where each thread's events start (setup first)
  };
  size_t offset(int thread) const { return header_->offsets[thread + 1]; }
  static size_t events_offset() { return (sizeof(Header) + alignof(Event) - 1) / alignof(Event) * alignof(Event); }
  bool map(size_t need);

  Header* header_ = nullptr;
  Event* events_ = nullptr;
  size_t mapped_ = 0;
};

}  // namespace nfz
