#include "vm/initramfs.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "vm/cpio_writer.hpp"
#include "vm/shared_libs.hpp"

namespace nfz::vm {
namespace fs = std::filesystem;
namespace {

constexpr const char* kDirs[] = {"proc", "sys", "dev", "tmp", "var/tmp", "run", "scratch", "out", "root", "etc/nfz"};
constexpr uint32_t kTtyMajor = 5, kConsoleMinor = 1;  // /dev/console, opened by the kernel for init

std::string relative(const std::string& host_path) { return host_path.substr(host_path.find_first_not_of('/')); }

std::string add_executables(const GuestPlan& plan, CpioWriter& cpio, InitramfsStats& stats) {
  for (const auto& f : plan.files) {
    if (!cpio.add_host_file(f.guest, f.host, f.executable ? 0755 : 0644)) return "cannot read " + f.host;
    if (!f.executable) continue;
    ++stats.executables;
    std::string why;
    for (const auto& lib : shared_libraries(f.host, why)) {
      if (cpio.contains(relative(lib))) continue;
      if (!cpio.add_host_file(relative(lib), lib, 0755)) return "cannot read " + lib + " (for " + f.host + ")";
      ++stats.libraries;
    }
    if (!why.empty()) return f.host + ": " + why;
  }
  return "";
}

std::string add_modules(const GuestPlan& plan, const std::string& modules_dir, CpioWriter& cpio,
                        InitramfsStats& stats) {
  std::string list;
  for (const auto& m : plan.module_files) {
    std::string guest = "lib/modules/" + m;
    if (!cpio.add_host_file(guest, modules_dir + "/" + m, 0644)) return "cannot read " + modules_dir + "/" + m;
    list += "/" + guest + "\n";
    ++stats.modules;
  }
  cpio.add_bytes(kGuestModules, list, 0644);
  return "";
}

void add_etc(const GuestPlan& plan, CpioWriter& cpio) {
  std::string argv;
  for (const auto& a : plan.argv) argv += a + '\0';
  cpio.add_bytes(kGuestArgv, argv, 0644);
  cpio.add_bytes("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n", 0644);
  cpio.add_bytes("etc/group", "root:x:0:\nnogroup:x:65534:\n", 0644);
  // mke2fs reads its defaults (features, inode size) from here; without it, built-in ones.
  if (access("/etc/mke2fs.conf", R_OK) == 0) cpio.add_host_file("etc/mke2fs.conf", "/etc/mke2fs.conf", 0644);
}

}  // namespace

std::string build_initramfs(const GuestPlan& plan, const std::string& init_binary, const std::string& modules_dir,
                            const std::string& out_path, InitramfsStats& stats) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(std::fopen(out_path.c_str(), "we"), std::fclose);
  if (!out) return "cannot write " + out_path;
  CpioWriter cpio(out.get());
  for (const char* d : kDirs) cpio.add_dir(d);
  cpio.add_char_device("dev/console", kTtyMajor, kConsoleMinor, 0600);
  if (!cpio.add_host_file("init", init_binary, 0755)) return "cannot read " + init_binary;
  for (const char* link : {"sbin", "usr/bin", "usr/sbin"}) cpio.add_symlink(link, link[0] == 'u' ? "../bin" : "bin");
  if (auto why = add_executables(plan, cpio, stats); !why.empty()) return why;
  if (auto why = add_modules(plan, modules_dir, cpio, stats); !why.empty()) return why;
  add_etc(plan, cpio);
  cpio.finish();
  stats.bytes = cpio.bytes_written();
  if (std::ferror(out.get())) return "cannot write " + out_path;
  return "";
}

std::string find_init_binary() {
  if (const char* env = std::getenv("NFZ_VM_INIT")) return access(env, X_OK) == 0 ? env : "";
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  for (const fs::path& p : {self.parent_path() / "nfz-vm-init", fs::path("/usr/lib/nameifuzz/nfz-vm-init")})
    if (access(p.c_str(), X_OK) == 0) return p.string();
  return "";
}

}  // namespace nfz::vm
