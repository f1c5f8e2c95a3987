// The guest's initramfs: our init (vm/init/guest_init.c, static), the plan's executables
// with their shared libraries at their host paths, the modules, and /etc/nfz/ telling init
// what to load and run.
#pragma once

#include <string>

#include "vm/guest_plan.hpp"

namespace nfz::vm {

struct InitramfsStats {
  uint64_t bytes = 0;
  int executables = 0;
  int libraries = 0;
  int modules = 0;
};

// Files init reads, inside the initramfs (vm/init/guest_init.c reads the same names).
inline constexpr const char* kGuestModules = "etc/nfz/modules";  // one path a line, load order
inline constexpr const char* kGuestArgv = "etc/nfz/argv";        // NUL-terminated words

// Writes the archive to `out_path`; `modules_dir` is where plan.module_files are relative to.
// Returns why it cannot (a file unreadable, a library not found), or "".
std::string build_initramfs(const GuestPlan& plan, const std::string& init_binary, const std::string& modules_dir,
                            const std::string& out_path, InitramfsStats& stats);

// Our init binary: $NFZ_VM_INIT, else nfz-vm-init beside this executable, else the
// packaged /usr/lib/nameifuzz/nfz-vm-init. "" when none exists.
std::string find_init_binary();

}  // namespace nfz::vm
