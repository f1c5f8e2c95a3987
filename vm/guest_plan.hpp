// What a guest needs for one COMMAND: the executables to carry (with their libraries), the
// kernel modules its --target list needs (with their dependencies), the tools those targets
// run (mkfs.*), and the command line as the guest runs it.
#pragma once

#include <string>
#include <vector>

#include "vm/kernel_modules.hpp"

namespace nfz::vm {

struct CarriedFile {
  std::string host;   // absolute host path
  std::string guest;  // path in the initramfs, no leading '/'
  bool executable = true;
};

struct GuestPlan {
  std::vector<std::string> argv;           // as the guest runs it: argv[0] is /bin/NAME
  std::vector<CarriedFile> files;          // executables and data files, libraries not yet added
  std::vector<std::string> module_files;   // relative to the modules folder, in load order
  std::vector<std::string> targets;        // from the command's --target
  bool share = true;                       // the kernel has 9p: findings come out through it
};

// The --target values of a command line ("--target a,b" or "--target=a,b"), split.
std::vector<std::string> command_targets(const std::vector<std::string>& command);

// The host file for a command word: "nameifuzz" is this binary (/proc/self/exe), a word
// with '/' is a path, any other is looked up on PATH. "" when not found.
std::string resolve_host_executable(const std::string& word);

// Builds the plan; returns a one-line reason when it cannot (a target's module missing
// from `modules`, an executable not found). `modules` may be null: no modules folder, the
// kernel is taken to have everything built in.
std::string plan_guest(const std::vector<std::string>& command, const std::vector<std::string>& extra_files,
                       const ModuleIndex* modules, GuestPlan& plan);

// Adds modules asked for by name (a reproducer that needs FUSE has no --target to say so),
// with their dependencies; returns a one-line reason when `modules` has one neither as a
// file nor built in.
std::string plan_requested_modules(const std::vector<std::string>& names, const ModuleIndex* modules,
                                   GuestPlan& plan);

}  // namespace nfz::vm
