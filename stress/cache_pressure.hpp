// Cache pressure for the stress loop: drop_caches on a timer, beside the programs.
// drop_caches is global: one write walks every superblock's page cache and dcache
// (drop_pagecache_sb() over iterate_supers()), measured here at 25-120 ms a write, so as an
// op drawn into programs (one in ~150 ops) it cost more than every other op together. The
// loop applies it at a fixed rate instead; programs still draw it when the op mix asks
// (`--op-mix drop_caches=N`), and a finding that needs a cold cache gets it back from the
// minimizer's harness actions.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace nfz::stress {

class CachePressure {
 public:
  CachePressure() = default;
  CachePressure(const CachePressure&) = delete;
  CachePressure& operator=(const CachePressure&) = delete;
  ~CachePressure() { stop(); }

  // Writes `level` (1, 2 or 3) to /proc/sys/vm/drop_caches every `period_ms` on a thread
  // of its own. Returns "off", a description of what runs, or "skipped: why".
  std::string start(uint32_t period_ms, int level);
  void stop();
  uint64_t drops() const { return drops_; }

 private:
  void loop(int fd, uint32_t period_ms, int level);

  std::thread thread_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  uint64_t drops_ = 0;
};

}  // namespace nfz::stress
