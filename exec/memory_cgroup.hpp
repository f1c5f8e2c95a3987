// The memory-pressure helper (docs/TARGETS.md): a memory cgroup with a small limit that the
// sandbox runs join, so that their page cache, dentries and inodes (charged to the cgroup
// with kmem accounting) are reclaimed while they run: lookups then miss the dcache and go
// to the filesystem, as after drop_caches, but piecemeal and under the runs' feet.
// cgroup v1's memory controller (/sys/fs/cgroup/memory) or cgroup v2's memory.max.
#pragma once

#include <cstdint>
#include <string>

namespace nfz {

class MemoryCgroup {
 public:
  MemoryCgroup() = default;
  MemoryCgroup(const MemoryCgroup&) = delete;
  MemoryCgroup& operator=(const MemoryCgroup&) = delete;
  ~MemoryCgroup();

  // Makes nameifuzz-<pid>-<n> under our own memory cgroup (/proc/self/cgroup) with
  // `limit_bytes`. Returns why it cannot (no memory controller mounted, not root), or "".
  std::string create(uint64_t limit_bytes);
  // The file a process writes "0" to, to join (cgroup.procs); empty when not created.
  const std::string& procs_file() const { return procs_; }
  const std::string& path() const { return path_; }

  // Removes cgroups of ours whose process is gone.
  static int sweep_stale();

 private:
  std::string path_;
  std::string procs_;
};

// In a sandbox child: joins the cgroup whose cgroup.procs is `procs_file`.
bool join_cgroup(const std::string& procs_file);

}  // namespace nfz
