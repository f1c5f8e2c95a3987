// Probes for the cached.complete oracle (docs/ORACLES.md). On a quiescent target (a run's
// threads have finished), for each distinct successful plain open of the run: issue it
// again as a plain openat (skipping paths that no longer open), then at once its
// RESOLVE_CACHED twin, and report the twin's result for oracles::judge_cached_twin().
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/history.hpp"

namespace nfz::kernel {

struct CachedProbe {
  Op original;  // the open as re-issued (a syscall, fd not kept)
  Op twin;      // its RESOLVE_CACHED twin
  int32_t result = 0;
};

// `twin_of` builds the twin (oracles::cached_twin); opens relative to a dirfd register
// are skipped (the register may be gone). At most `max_probes` probes.
template <typename TwinOf>
std::vector<CachedProbe> probe_cached_twins(const History& history, size_t max_probes, TwinOf twin_of);

// How many times a twin that answered -EAGAIN is tried again, each after its plain open.
inline constexpr int kCachedRetries = 3;

// Issues `op` (an open, no dirfd) as a plain syscall and closes what it opened; returns
// the fd-normalized result (0 or -errno).
int32_t open_and_close(const Op& op);

template <typename TwinOf>
std::vector<CachedProbe> probe_cached_twins(const History& history, size_t max_probes, TwinOf twin_of) {
  std::vector<CachedProbe> probes;
  std::vector<std::pair<std::string, uint32_t>> seen;
  for (const Event& e : history.events) {
    if (probes.size() >= max_probes) break;
    const Op& op = history.op_of(e);
    if (op.kind != OpKind::kOpen || op.dirfd != kNoSlot || e.result < 0 || !e.returned()) continue;
    auto twin = twin_of(op, e);
    if (!twin) continue;
    std::pair<std::string, uint32_t> key{op.path, twin->flags};
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    Op plain = *twin;  // the same walk without RESOLVE_CACHED, to warm the dcache now
    plain.resolve &= ~static_cast<uint32_t>(RESOLVE_CACHED);
    if (open_and_close(plain) < 0) continue;
    int32_t result = open_and_close(*twin);
    // complete_walk()'s try_to_unlazy() fails when mount_lock moved since path_init():
    // a mount or umount anywhere on the machine. Such an -EAGAIN does not repeat; the
    // class this oracle is for (a flag that always forces -EAGAIN) does.
    for (int again = 0; again < kCachedRetries && result == -EAGAIN; ++again)
      if (open_and_close(plain) == 0) result = open_and_close(*twin);
    probes.push_back({plain, *twin, result});
  }
  return probes;
}

}  // namespace nfz::kernel
