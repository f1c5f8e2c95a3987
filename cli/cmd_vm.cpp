// nameifuzz vm --kernel BZIMAGE -- COMMAND...: run COMMAND (a stress run, a replay, a
// reproducer) as the only program of a qemu guest booted on another kernel, and return its
// exit code. Findings come out through a 9p share of --out; the console goes to a log.
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "cli/command.hpp"
#include "vm/guest_plan.hpp"
#include "vm/initramfs.hpp"
#include "vm/kernel_modules.hpp"
#include "vm/qemu_runner.hpp"

namespace nfz::cli {
namespace fs = std::filesystem;
namespace {

constexpr const char* kName = "vm";

struct VmOptions {
  vm::QemuConfig qemu;
  std::string modules_dir;
  std::vector<std::string> command;
  std::vector<std::string> extra_files;
  std::vector<std::string> load_modules;
};

// A temporary folder for the initramfs, removed when the run ends.
struct WorkDir {
  fs::path path;
  WorkDir() {
    std::error_code ec;
    path = fs::temp_directory_path(ec) / ("nameifuzz-vm-" + std::to_string(getpid()));
    fs::create_directories(path, ec);
  }
  ~WorkDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

int parse(const po::variables_map& v, VmOptions& o) {
  o.qemu.kernel = v["kernel"].as<std::string>();
  if (access(o.qemu.kernel.c_str(), R_OK) != 0) return usage_error(kName, "--kernel " + o.qemu.kernel + ": cannot read it");
  o.qemu.memory_mb = v["memory"].as<int>();
  if (o.qemu.memory_mb < 256 || o.qemu.memory_mb > 65536) return usage_error(kName, "--memory must be 256..65536 (MB)");
  o.qemu.cpus = v["cpus"].as<int>();
  if (o.qemu.cpus < 1 || o.qemu.cpus > 64) return usage_error(kName, "--cpus must be 1..64");
  o.qemu.timeout_s = v["timeout"].as<double>();
  if (o.qemu.timeout_s <= 0) return usage_error(kName, "--timeout must be positive (seconds)");
  o.qemu.kvm_probe_s = v["kvm-probe"].as<double>();
  if (o.qemu.kvm_probe_s <= 0) return usage_error(kName, "--kvm-probe must be positive (seconds)");
  o.qemu.accel = v["accel"].as<std::string>();
  if (o.qemu.accel != "auto" && o.qemu.accel != "kvm" && o.qemu.accel != "tcg")
    return usage_error(kName, "--accel must be auto, kvm or tcg");
  o.qemu.qemu = v["qemu"].as<std::string>();
  o.qemu.append = v["append"].as<std::string>();
  std::error_code ec;
  fs::path out = fs::absolute(v["out"].as<std::string>(), ec).lexically_normal();
  fs::create_directories(out, ec);
  if (!fs::is_directory(out, ec)) return usage_error(kName, "--out " + out.string() + ": not a folder");
  o.qemu.share_dir = out.string();
  o.qemu.console_log = v.count("console") ? v["console"].as<std::string>() : (out / "vm-console.log").string();
  if (v.count("modules")) o.modules_dir = v["modules"].as<std::string>();
  if (v.count("add")) o.extra_files = v["add"].as<std::vector<std::string>>();
  if (v.count("load")) o.load_modules = v["load"].as<std::vector<std::string>>();
  if (!v.count("command")) return usage_error(kName, "no COMMAND (nameifuzz vm --kernel K -- COMMAND...)");
  o.command = v["command"].as<std::vector<std::string>>();
  return kExitOk;
}

std::string describe(const VmOptions& o, const std::string& modules_dir, const vm::InitramfsStats& s, bool share) {
  return "vm: " + fs::path(o.qemu.kernel).filename().string() + ", " + std::to_string(o.qemu.memory_mb) + " MB, " +
         std::to_string(o.qemu.cpus) + " CPUs; initramfs " + std::to_string(s.bytes >> 20) + " MB (" +
         std::to_string(s.executables) + " executables, " + std::to_string(s.libraries) + " libraries, " +
         std::to_string(s.modules) + " modules" + (modules_dir.empty() ? ", no modules folder" : " from " + modules_dir) +
         (share ? "); findings via 9p in " + o.qemu.share_dir : "); no 9p in this kernel: findings stay in the guest");
}

int run(const po::variables_map& v) {
  VmOptions o;
  if (int code = parse(v, o); code != kExitOk) return code;
  std::string modules_dir = vm::modules_dir_for(o.qemu.kernel, o.modules_dir);
  vm::ModuleIndex index;
  if (!modules_dir.empty())
    if (auto why = index.load(modules_dir); !why.empty()) return usage_error(kName, why);
  if (!o.modules_dir.empty() && modules_dir.empty()) return usage_error(kName, "--modules " + o.modules_dir + ": no modules there");
  vm::GuestPlan plan;
  const vm::ModuleIndex* known = modules_dir.empty() ? nullptr : &index;
  if (auto why = vm::plan_guest(o.command, o.extra_files, known, plan); !why.empty()) return usage_error(kName, why);
  if (auto why = vm::plan_requested_modules(o.load_modules, known, plan); !why.empty()) return usage_error(kName, why);
  std::string init = vm::find_init_binary();
  if (init.empty()) return usage_error(kName, "nfz-vm-init not found beside nameifuzz (nor $NFZ_VM_INIT)");
  WorkDir work;
  o.qemu.initrd = (work.path / "initramfs.cpio").string();
  vm::InitramfsStats stats;
  if (auto why = vm::build_initramfs(plan, init, modules_dir, o.qemu.initrd, stats); !why.empty())
    return usage_error(kName, why);
  std::cerr << describe(o, modules_dir, stats, plan.share) << "\n";
  vm::GuestResult r = vm::run_guest(o.qemu);
  std::cerr << "vm: ran under " << (r.accel == "kvm" ? "KVM" : "TCG")
            << (r.accel_why.empty() ? "" : " (" + r.accel_why + ")") << "; console in " << o.qemu.console_log
            << (r.kernel_warnings ? "; " + std::to_string(r.kernel_warnings) + " kernel warning lines" : "") << "\n";
  if (r.timed_out && r.exit_code < 0)
    return usage_error(kName, "guest killed at the deadline (" + std::to_string(static_cast<int>(o.qemu.timeout_s)) +
                                  " s, --timeout); console in " + o.qemu.console_log);
  if (r.exit_code < 0) return usage_error(kName, "the guest ended without the command's exit status (" + r.why + ")");
  std::cerr << "vm: " << o.command[0] << " exited " << r.exit_code << "\n";
  return r.exit_code;
}

}  // namespace

Command vm_command() {
  return {kName, "run COMMAND in a qemu guest booted on another kernel (KVM, else TCG)",
          "--kernel BZIMAGE [options] -- COMMAND...",
          [](po::options_description& desc, po::positional_options_description& pos) {
            desc.add_options()
                ("kernel", po::value<std::string>()->required(), "the kernel image (bzImage, a Debian package's boot/vmlinuz-*)")
                ("modules", po::value<std::string>(), "its modules folder (lib/modules/RELEASE, or a root above it; default: beside the image)")
                ("memory", po::value<int>()->default_value(2048), "guest memory, MB")
                ("cpus", po::value<int>()->default_value(2), "guest CPUs")
                ("timeout", po::value<double>()->default_value(600), "seconds from boot until the guest is killed")
                ("accel", po::value<std::string>()->default_value("auto"), "auto (KVM when a guest starts, else TCG), kvm, tcg")
                ("kvm-probe", po::value<double>()->default_value(10), "with --accel auto: a KVM guest silent this long never started; boot under TCG")
                ("out", po::value<std::string>()->default_value("."), "host folder shared with the guest (9p at /out); the guest's findings/ is its findings/")
                ("console", po::value<std::string>(), "write the serial console here (default OUT/vm-console.log)")
                ("add", po::value<std::vector<std::string>>(), "another executable (with its libraries) or data file to carry into the guest's /bin (repeatable)")
                ("load", po::value<std::vector<std::string>>(), "a kernel module to load in the guest beyond those its --target list needs, e.g. fuse for a FUSE reproducer (repeatable)")
                ("append", po::value<std::string>()->default_value(""), "more kernel parameters")
                ("qemu", po::value<std::string>()->default_value("qemu-system-x86_64"), "the qemu binary")
                ("command", po::value<std::vector<std::string>>(), "the command to run in the guest, after --");
            pos.add("command", -1);
          },
          run};
}

}  // namespace nfz::cli
