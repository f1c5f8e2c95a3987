#include "vm/guest_plan.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string_view>

namespace nfz::vm {
namespace fs = std::filesystem;
namespace {

// What each target needs in the guest beyond the base kernel. A module in `optional` is
// loaded when the kernel has it, and before the required ones: crc32c comes through the
// crypto API, which would otherwise call modprobe (absent here), and btrfs's libcrc32c asks
// for it when it loads (its init fails with -ENOENT without a crc32c driver).
struct TargetNeeds {
  std::string_view prefix;  // a target name, or "fuse:" for every FUSE personality
  std::vector<std::string_view> modules;
  std::vector<std::string_view> optional;
  std::vector<std::string_view> tools;
};

const std::vector<TargetNeeds>& target_needs() {
  static const std::vector<TargetNeeds> table = {
      {"tmpfs", {}, {}, {}},
      {"ext4", {"loop", "ext4"}, {"crc32c_generic", "crc32c_intel"}, {"mkfs.ext4"}},
      {"xfs", {"loop", "xfs"}, {"crc32c_generic"}, {"mkfs.xfs"}},
      {"btrfs", {"loop", "btrfs"}, {"crc32c_generic"}, {"mkfs.btrfs"}},
      {"overlay", {"overlay"}, {}, {}},
      {"fuse:", {"fuse"}, {}, {}},
      {"dir:", {}, {}, {}},
  };
  return table;
}

// The guest's own needs: the 9p share findings go out through (virtio-9p-pci).
constexpr std::string_view kBaseModules[] = {"virtio_pci", "9pnet_virtio", "9p"};

const TargetNeeds* needs_of(const std::string& target) {
  for (const auto& n : target_needs())
    if (n.prefix.back() == ':' ? target.starts_with(n.prefix) : target == n.prefix) return &n;
  return nullptr;
}

void add_module(const ModuleIndex& index, const std::string& name, std::vector<std::string>& out) {
  auto order = index.load_order(name);
  for (const auto& file : *order)
    if (std::find(out.begin(), out.end(), file) == out.end()) out.push_back(file);
}

std::string need_module(const ModuleIndex* index, const std::string& name, const std::string& why,
                        std::vector<std::string>& out) {
  if (!index) return "";
  if (!index->has(name))
    return why + " needs the kernel module " + name + ", which " + index->dir() +
           " has neither as a file (modules.dep) nor built in (modules.builtin)";
  add_module(*index, name, out);
  return "";
}

void add_executable(const std::string& host, const std::string& name, GuestPlan& plan) {
  std::string guest = "bin/" + name;
  for (const auto& f : plan.files)
    if (f.guest == guest) return;
  plan.files.push_back({host, guest, true});
}

}  // namespace

std::vector<std::string> command_targets(const std::vector<std::string>& command) {
  std::vector<std::string> out;
  for (size_t i = 0; i < command.size(); ++i) {
    std::string list;
    if (command[i] == "--target" && i + 1 < command.size()) list = command[++i];
    else if (command[i].starts_with("--target=")) list = command[i].substr(9);
    else continue;
    for (size_t start = 0; start <= list.size();) {
      size_t comma = std::min(list.find(',', start), list.size());
      if (comma > start) out.push_back(list.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return out;
}

std::string resolve_host_executable(const std::string& word) {
  std::error_code ec;
  if (word == "nameifuzz") return fs::read_symlink("/proc/self/exe", ec).string();
  if (word.find('/') != std::string::npos)
    return access(word.c_str(), X_OK) == 0 ? fs::absolute(word, ec).string() : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin:/usr/sbin:/sbin";
  for (size_t start = 0; start <= dirs.size();) {
    size_t colon = std::min(dirs.find(':', start), dirs.size());
    std::string candidate = dirs.substr(start, colon - start) + "/" + word;
    if (colon > start && access(candidate.c_str(), X_OK) == 0) return candidate;
    start = colon + 1;
  }
  return "";
}

std::string plan_guest(const std::vector<std::string>& command, const std::vector<std::string>& extra_files,
                       const ModuleIndex* modules, GuestPlan& plan) {
  if (command.empty()) return "no COMMAND after --";
  std::string host = resolve_host_executable(command[0]);
  if (host.empty()) return "COMMAND " + command[0] + ": not found (nor executable)";
  std::string name = fs::path(command[0]).filename().string();
  add_executable(host, name, plan);
  plan.argv = command;
  plan.argv[0] = "/bin/" + name;
  for (const auto& extra : extra_files) {
    std::string h = resolve_host_executable(extra);
    std::error_code ec;
    if (h.empty() && access(extra.c_str(), R_OK) == 0 && fs::is_regular_file(extra, ec)) {
      // A data file (a .nfz program): into /bin beside the executables, without libraries.
      plan.files.push_back({fs::absolute(extra, ec).string(), "bin/" + fs::path(extra).filename().string(), false});
      continue;
    }
    if (h.empty()) return "--add " + extra + ": not found";
    add_executable(h, fs::path(extra).filename().string(), plan);
  }
  // Without 9p (a small built kernel) the guest still runs; its findings stay inside.
  for (std::string_view m : kBaseModules) plan.share = plan.share && (!modules || modules->has(std::string(m)));
  if (plan.share && modules)
    for (std::string_view m : kBaseModules) add_module(*modules, std::string(m), plan.module_files);
  plan.targets = command_targets(command);
  for (const auto& target : plan.targets) {
    const TargetNeeds* needs = needs_of(target);
    if (!needs) continue;  // the command itself rejects an unknown target
    for (std::string_view m : needs->optional)
      if (modules && modules->has(std::string(m))) add_module(*modules, std::string(m), plan.module_files);
    for (std::string_view m : needs->modules)
      if (auto why = need_module(modules, std::string(m), "--target " + target, plan.module_files); !why.empty())
        return why;
    for (std::string_view tool : needs->tools) {
      std::string t = resolve_host_executable(std::string(tool));
      if (t.empty()) return "--target " + target + " needs " + std::string(tool) + ", not on this host's PATH";
      add_executable(t, std::string(tool), plan);
    }
  }
  return "";
}

std::string plan_requested_modules(const std::vector<std::string>& names, const ModuleIndex* modules,
                                   GuestPlan& plan) {
  for (const auto& name : names)
    if (auto why = need_module(modules, name, "--load " + name, plan.module_files); !why.empty()) return why;
  return "";
}

}  // namespace nfz::vm
