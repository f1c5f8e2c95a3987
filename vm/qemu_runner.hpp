// Boots a kernel and initramfs under qemu-system-x86_64 with the serial console on a pipe:
// KVM when it starts a guest, TCG otherwise; every console line goes to a log, the
// command's own lines (not the kernel's) to stdout; the guest is killed at a deadline.
#pragma once

#include <string>
#include <vector>

namespace nfz::vm {

struct QemuConfig {
  std::string qemu = "qemu-system-x86_64";
  std::string kernel;
  std::string initrd;
  std::string share_dir;    // the host folder the guest mounts at /out (9p)
  std::string console_log;  // every console line
  std::string accel = "auto";  // auto (KVM, else TCG), kvm, tcg
  std::string append;          // more kernel parameters
  int memory_mb = 2048;
  int cpus = 2;
  double timeout_s = 600;   // from the start of the boot that runs the command
  double kvm_probe_s = 10;  // a KVM guest that prints nothing in this time never started
};

struct GuestResult {
  int exit_code = -1;   // the command's, from init's "nfz-vm: exit N" line; -1 without one
  std::string accel;    // "kvm" or "tcg"
  std::string accel_why;  // why TCG, when auto fell back
  bool timed_out = false;
  std::string why;      // when there is no exit code: what qemu or the console said last
  int kernel_warnings = 0;  // console lines with BUG:, WARNING:, Oops, panic, hung task
};

// The qemu argument list for one accelerator (exposed for the tests).
std::vector<std::string> qemu_argv(const QemuConfig& c, const std::string& accel);

// A console line from the kernel: "[    1.234567] ..." (printk time stamps).
bool is_kernel_line(const std::string& line);
// A kernel line that reports trouble (shown on stderr as well as logged).
bool is_kernel_warning(const std::string& line);

GuestResult run_guest(const QemuConfig& config);

}  // namespace nfz::vm
