// Helpers the exec tests share: parsing a program from text, running it concurrently on
// a target, and reading what the host shows of our mounts and loop devices.
#pragma once

#include <algorithm>
#include <dirent.h>
#include <fstream>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "core/text.hpp"
#include "exec/concurrent.hpp"
#include "exec/sandbox.hpp"

namespace nfz::test {

inline bool is_root() { return geteuid() == 0; }

inline Program program_of(const std::string& text) {
  auto parsed = parse_program(text, "test");
  if (auto* err = std::get_if<ParseError>(&parsed)) {
    ADD_FAILURE() << err->to_string();
    return {};
  }
  return std::get<Program>(parsed);
}

// Every target of target_names(), dir:PATH on a directory of the tests.
inline const std::vector<std::string>& all_targets() {
  static const std::vector<std::string> targets = [] {
    std::vector<std::string> out;
    for (const auto& name : target_names()) out.push_back(name == "dir:PATH" ? "dir:/var/tmp/nameifuzz-test-dir" : name);
    return out;
  }();
  return targets;
}

// The dir: target's directory, made by open_sandbox; empty again once its Sandbox is gone.
inline void remove_test_dir() { ::rmdir("/var/tmp/nameifuzz-test-dir"); }

inline std::unique_ptr<Sandbox> open_sandbox(const std::string& name, std::string& why) {
  if (name.starts_with("dir:")) ::mkdir(name.substr(4).c_str(), 0755);
  auto spec = parse_target(name);
  if (!spec) return why = "bad target", nullptr;
  return Sandbox::open(*spec, {}, why);
}

// Lines of /proc/mounts (the host's namespace) that name us.
inline std::vector<std::string> our_host_mounts() {
  std::ifstream in("/proc/self/mounts");
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);)
    if (line.find("nameifuzz") != std::string::npos) out.push_back(line);
  return out;
}

// Loop devices backed by an image of process `pid` (what `losetup -a` would show of it).
inline std::vector<std::string> loops_of(pid_t pid) {
  std::vector<std::string> out;
  DIR* d = opendir("/sys/block");
  if (!d) return out;
  std::string tag = "-" + std::to_string(pid) + "-";
  while (dirent* e = readdir(d)) {
    if (std::string(e->d_name).rfind("loop", 0) != 0) continue;
    std::ifstream in(std::string("/sys/block/") + e->d_name + "/loop/backing_file");
    std::string backing;
    if (std::getline(in, backing) && backing.find("nameifuzz-images/") != std::string::npos &&
        backing.find(tag) != std::string::npos)
      out.push_back(std::string(e->d_name) + ": " + backing);
  }
  closedir(d);
  return out;
}

// After drop_caches a RESOLVE_CACHED open may find its dentry or not, whichever way the
// run goes: prune_dcache_sb() rotates a recently referenced dentry (dentry_lru_isolate())
// and drop_slab() takes another pass only while a pass frees enough, machine-wide. Tests
// that compare two runs of such a program give it a few tries to agree.
inline bool has_drop_caches(const Program& p) {
  auto in = [](const std::vector<Op>& ops) {
    return std::any_of(ops.begin(), ops.end(), [](const Op& op) { return op.kind == OpKind::kDropCaches; });
  };
  return in(p.setup) || std::any_of(p.threads.begin(), p.threads.end(), in);
}

}  // namespace nfz::test
