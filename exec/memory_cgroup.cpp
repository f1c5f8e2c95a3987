#include "exec/memory_cgroup.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec/loop_image.hpp"

namespace nfz {
namespace {

constexpr const char* kV1 = "/sys/fs/cgroup/memory";
constexpr const char* kV2 = "/sys/fs/cgroup";
std::atomic<int> g_seq{0};

bool write_file(const std::string& path, const std::string& text) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  return ok;
}

bool exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

// Our own cgroup in `hierarchy` ("memory" for v1's controller, "" for v2's unified line
// "0::/..."), from /proc/self/cgroup. Ours are made under it, not at the root: a run then
// stays inside every limit its harness already runs under, and a nested limit still holds.
std::string own_cgroup(const std::string& hierarchy) {
  FILE* f = fopen("/proc/self/cgroup", "re");
  if (!f) return "/";
  std::string found = "/";
  char line[1024];
  while (fgets(line, sizeof line, f)) {
    std::string l(line);
    if (!l.empty() && l.back() == '\n') l.pop_back();
    auto c1 = l.find(':'), c2 = l.find(':', c1 + 1);
    if (c1 == std::string::npos || c2 == std::string::npos) continue;
    std::string controllers = l.substr(c1 + 1, c2 - c1 - 1);
    bool match = hierarchy.empty() ? controllers.empty() && l.compare(0, c1, "0") == 0
                                   : ("," + controllers + ",").find("," + hierarchy + ",") != std::string::npos;
    if (match) found = l.substr(c2 + 1);
  }
  fclose(f);
  return found == "/" ? "" : found;
}

}  // namespace

std::string MemoryCgroup::create(uint64_t limit_bytes) {
  std::string base, limit_file;
  if (exists(std::string(kV1) + "/memory.limit_in_bytes")) base = kV1 + own_cgroup("memory"), limit_file = "memory.limit_in_bytes";
  else if (exists(std::string(kV2) + "/cgroup.controllers")) base = kV2 + own_cgroup(""), limit_file = "memory.max";
  else return "no memory cgroup controller mounted (neither /sys/fs/cgroup/memory nor cgroup v2)";
  sweep_stale();
  std::string path = base + "/nameifuzz-" + std::to_string(getpid()) + "-" + std::to_string(g_seq++);
  if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) return "mkdir " + path + ": " + strerror(errno);
  path_ = path;
  if (!write_file(path + "/" + limit_file, std::to_string(limit_bytes)))
    return "write " + path + "/" + limit_file + ": " + strerror(errno);
  procs_ = path + "/cgroup.procs";
  return {};
}

MemoryCgroup::~MemoryCgroup() {
  if (!path_.empty()) rmdir(path_.c_str());  // fails while a run is still inside: swept later
}

int MemoryCgroup::sweep_stale() {
  int removed = 0;
  for (const std::string& base : {std::string(kV1) + own_cgroup("memory"), std::string(kV2) + own_cgroup("")}) {
    DIR* d = opendir(base.c_str());
    if (!d) continue;
    while (dirent* e = readdir(d)) {
      if (strncmp(e->d_name, "nameifuzz-", 10) != 0) continue;
      pid_t pid = atoi(e->d_name + 10);
      if (pid <= 0 || pid_alive(pid)) continue;
      removed += rmdir((base + "/" + e->d_name).c_str()) == 0;
    }
    closedir(d);
  }
  return removed;
}

bool join_cgroup(const std::string& procs_file) { return write_file(procs_file, "0"); }

}  // namespace nfz
