// The guest's initramfs: the cpio format the kernel unpacks, the modules a target needs
// (with modules.dep's dependencies, in load order), the libraries an executable loads.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "vm/cpio_writer.hpp"
#include "vm/guest_plan.hpp"
#include "vm/initramfs.hpp"
#include "vm/kernel_modules.hpp"
#include "vm/shared_libs.hpp"

namespace nfz::vm {
namespace {
namespace fs = std::filesystem;

struct Entry {
  uint32_t mode = 0, rmajor = 0, rminor = 0;
  std::string data;
};

// Reads a newc archive back as init/initramfs.c does: 110-byte headers, 4-byte padding.
std::map<std::string, Entry> read_cpio(const std::string& bytes) {
  std::map<std::string, Entry> out;
  size_t at = 0;
  auto field = [&](int i) { return static_cast<uint32_t>(std::stoul(bytes.substr(at + 6 + 8 * i, 8), nullptr, 16)); };
  while (at + 110 <= bytes.size()) {
    EXPECT_EQ(bytes.substr(at, 6), "070701");
    Entry e;
    e.mode = field(1);
    uint32_t size = field(6), namesize = field(11);
    e.rmajor = field(9);
    e.rminor = field(10);
    std::string name = bytes.substr(at + 110, namesize - 1);
    at = (at + 110 + namesize + 3) & ~size_t{3};
    e.data = bytes.substr(at, size);
    at = (at + size + 3) & ~size_t{3};
    if (name == "TRAILER!!!") break;
    out[name] = e;
  }
  return out;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("nfz-vm-test-" + std::to_string(getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((path / rel).parent_path());
    std::ofstream(path / rel) << text;
  }
};

TEST(CpioWriter, WritesNewcEntriesTheKernelCanUnpack) {
  TempDir t;
  std::string file = (t.path / "a.cpio").string();
  {
    std::FILE* f = std::fopen(file.c_str(), "w");
    CpioWriter w(f);
    w.add_bytes("etc/nfz/argv", std::string("a\0bc\0", 5), 0644);
    w.add_symlink("sbin", "bin");
    w.add_char_device("dev/console", 5, 1, 0600);
    w.finish();
    EXPECT_EQ(w.bytes_written() % 512, 0u);
    std::fclose(f);
  }
  auto entries = read_cpio(slurp(file));
  ASSERT_TRUE(entries.count("etc"));  // parents come first, as folders
  EXPECT_EQ(entries["etc"].mode, S_IFDIR | 0755u);
  EXPECT_TRUE(entries.count("etc/nfz"));
  EXPECT_EQ(entries["etc/nfz/argv"].data, std::string("a\0bc\0", 5));
  EXPECT_EQ(entries["etc/nfz/argv"].mode, S_IFREG | 0644u);
  EXPECT_EQ(entries["sbin"].mode, S_IFLNK | 0777u);
  EXPECT_EQ(entries["sbin"].data, "bin");
  EXPECT_EQ(entries["dev/console"].mode, S_IFCHR | 0600u);
  EXPECT_EQ(entries["dev/console"].rmajor, 5u);
  EXPECT_EQ(entries["dev/console"].rminor, 1u);
}

// A modules folder as depmod writes it: ext4 needs jbd2 and mbcache; jbd2 is listed last,
// so it loads first.
void fake_modules(const TempDir& t) {
  t.write("mods/modules.dep",
          "kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko kernel/fs/jbd2/jbd2.ko\n"
          "kernel/fs/jbd2/jbd2.ko:\nkernel/fs/mbcache.ko:\nkernel/lib/crc16.ko:\n"
          "kernel/drivers/block/loop.ko:\nkernel/arch/x86/crypto/crc32c-intel.ko:\n"
          "kernel/net/9p/9pnet_virtio.ko: kernel/net/9p/9pnet.ko\nkernel/net/9p/9pnet.ko:\n"
          "kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko\n");
  t.write("mods/modules.builtin", "kernel/drivers/virtio/virtio_pci.ko\nkernel/fs/fuse/fuse.ko\n");
  for (const char* m : {"kernel/fs/ext4/ext4.ko", "kernel/fs/jbd2/jbd2.ko", "kernel/fs/mbcache.ko", "kernel/lib/crc16.ko",
                        "kernel/drivers/block/loop.ko", "kernel/arch/x86/crypto/crc32c-intel.ko",
                        "kernel/net/9p/9pnet_virtio.ko", "kernel/net/9p/9pnet.ko", "kernel/fs/9p/9p.ko"})
    t.write(std::string("mods/") + m, std::string("module ") + m);
}

TEST(ModuleIndex, LoadOrderPutsDependenciesFirstAndBuiltinsNowhere) {
  TempDir t;
  fake_modules(t);
  ModuleIndex index;
  ASSERT_EQ(index.load((t.path / "mods").string()), "");
  auto ext4 = index.load_order("ext4");
  ASSERT_TRUE(ext4);
  EXPECT_EQ(*ext4, (std::vector<std::string>{"kernel/fs/jbd2/jbd2.ko", "kernel/fs/mbcache.ko", "kernel/lib/crc16.ko",
                                             "kernel/fs/ext4/ext4.ko"}));
  EXPECT_TRUE(index.load_order("fuse")->empty());  // built in
  EXPECT_TRUE(index.has("crc32c_intel"));          // '-' and '_' are one
  EXPECT_FALSE(index.load_order("overlay"));
}

TEST(ModuleIndex, MissingModulesDepSaysRunDepmod) {
  TempDir t;
  ModuleIndex index;
  EXPECT_NE(index.load(t.path.string()).find("depmod"), std::string::npos);
}

TEST(ModulesDir, FoundBesideADebianImage) {
  TempDir t;
  t.write("root/boot/vmlinuz-6.1.0-9-amd64", "image");
  t.write("root/lib/modules/6.1.0-9-amd64/modules.dep", "");
  EXPECT_EQ(modules_dir_for((t.path / "root/boot/vmlinuz-6.1.0-9-amd64").string(), ""),
            (t.path / "root/lib/modules/6.1.0-9-amd64").string());
  EXPECT_EQ(modules_dir_for("/nonexistent/bzImage", ""), "");
}

TEST(GuestPlan, TargetsComeFromTheCommandsTargetOption) {
  EXPECT_EQ(command_targets({"nameifuzz", "stress", "--target", "tmpfs,ext4,fuse:strict", "--duration", "1"}),
            (std::vector<std::string>{"tmpfs", "ext4", "fuse:strict"}));
  EXPECT_EQ(command_targets({"nameifuzz", "replay", "x.nfz", "--target=overlay"}), (std::vector<std::string>{"overlay"}));
  EXPECT_TRUE(command_targets({"./repro"}).empty());
}

TEST(GuestPlan, CarriesTheModulesAndToolsOfEachTarget) {
  if (resolve_host_executable("mkfs.ext4").empty()) GTEST_SKIP() << "no mkfs.ext4 on this host";
  TempDir t;
  fake_modules(t);
  ModuleIndex index;
  ASSERT_EQ(index.load((t.path / "mods").string()), "");
  GuestPlan plan;
  ASSERT_EQ(plan_guest({"nameifuzz", "stress", "--target", "ext4,fuse:strict"}, {}, &index, plan), "");
  EXPECT_EQ(plan.argv[0], "/bin/nameifuzz");
  auto& m = plan.module_files;
  auto pos = [&](const std::string& f) { return std::find(m.begin(), m.end(), f) - m.begin(); };
  ASSERT_LT(pos("kernel/fs/ext4/ext4.ko"), static_cast<long>(m.size()));
  EXPECT_LT(pos("kernel/fs/jbd2/jbd2.ko"), pos("kernel/fs/ext4/ext4.ko"));
  EXPECT_LT(pos("kernel/net/9p/9pnet.ko"), pos("kernel/fs/9p/9p.ko"));
  EXPECT_EQ(std::count(m.begin(), m.end(), "kernel/net/9p/9pnet.ko"), 1);  // once, though two need it
  EXPECT_LT(pos("kernel/arch/x86/crypto/crc32c-intel.ko"), static_cast<long>(m.size()));  // optional, present
  bool mkfs = false;
  for (const auto& f : plan.files) mkfs |= f.guest == "bin/mkfs.ext4";
  EXPECT_TRUE(mkfs);
}

TEST(GuestPlan, ATargetWhoseModuleIsMissingIsRefusedNamingIt) {
  TempDir t;
  fake_modules(t);
  ModuleIndex index;
  ASSERT_EQ(index.load((t.path / "mods").string()), "");
  GuestPlan plan;
  std::string why = plan_guest({"nameifuzz", "stress", "--target", "tmpfs,overlay"}, {}, &index, plan);
  EXPECT_NE(why.find("--target overlay needs the kernel module overlay"), std::string::npos) << why;
  EXPECT_EQ(why.find('\n'), std::string::npos);
}

TEST(GuestPlan, TheCrc32cDriverLoadsBeforeTheFilesystemThatAsksForIt) {
  TempDir t;
  t.write("mods/modules.dep",
          "kernel/fs/btrfs/btrfs.ko: kernel/lib/libcrc32c.ko\nkernel/lib/libcrc32c.ko:\n"
          "kernel/crypto/crc32c_generic.ko:\nkernel/drivers/block/loop.ko:\n");
  t.write("mods/modules.builtin", "");
  for (const char* m : {"kernel/fs/btrfs/btrfs.ko", "kernel/lib/libcrc32c.ko", "kernel/crypto/crc32c_generic.ko",
                        "kernel/drivers/block/loop.ko"})
    t.write(std::string("mods/") + m, "module");
  ModuleIndex index;
  ASSERT_EQ(index.load((t.path / "mods").string()), "");
  GuestPlan plan;
  if (resolve_host_executable("mkfs.btrfs").empty()) GTEST_SKIP() << "no mkfs.btrfs on this host";
  ASSERT_EQ(plan_guest({"nameifuzz", "stress", "--target", "btrfs"}, {}, &index, plan), "");
  auto at = [&](const std::string& file) {
    return std::find(plan.module_files.begin(), plan.module_files.end(), file) - plan.module_files.begin();
  };
  ASSERT_LT(at("kernel/crypto/crc32c_generic.ko"), static_cast<long>(plan.module_files.size()));
  EXPECT_LT(at("kernel/crypto/crc32c_generic.ko"), at("kernel/lib/libcrc32c.ko"));
  EXPECT_LT(at("kernel/lib/libcrc32c.ko"), at("kernel/fs/btrfs/btrfs.ko"));
}

TEST(GuestPlan, ARequestedModuleComesWithItsDependenciesOrIsRefusedNamingIt) {
  TempDir t;
  fake_modules(t);
  ModuleIndex index;
  ASSERT_EQ(index.load((t.path / "mods").string()), "");
  GuestPlan plan;
  ASSERT_EQ(plan_guest({"/bin/true"}, {}, &index, plan), "");
  size_t before = plan.module_files.size();
  ASSERT_EQ(plan_requested_modules({"ext4"}, &index, plan), "");
  EXPECT_GT(plan.module_files.size(), before);
  EXPECT_NE(std::find(plan.module_files.begin(), plan.module_files.end(), "kernel/fs/ext4/ext4.ko"),
            plan.module_files.end());
  std::string why = plan_requested_modules({"overlay"}, &index, plan);
  EXPECT_NE(why.find("--load overlay needs the kernel module overlay"), std::string::npos) << why;
}

TEST(GuestPlan, AKernelWithout9pRunsTheCommandWithoutAShare) {
  TempDir t;
  t.write("mods/modules.dep", "kernel/drivers/block/loop.ko:\n");
  t.write("mods/modules.builtin", "kernel/fs/ext4/ext4.ko\n");
  ModuleIndex index;
  ASSERT_EQ(index.load((t.path / "mods").string()), "");
  GuestPlan plan;
  ASSERT_EQ(plan_guest({"/bin/true"}, {}, &index, plan), "");
  EXPECT_FALSE(plan.share);
  EXPECT_TRUE(plan.module_files.empty());
}

TEST(SharedLibs, ParsesLddOutput) {
  std::string why;
  auto libs = parse_ldd(
      "\tlinux-vdso.so.1 (0x00007ffd)\n\tliburing.so.2 => /lib/x86_64-linux-gnu/liburing.so.2 (0x00007f)\n"
      "\t/lib64/ld-linux-x86-64.so.2 (0x00007f)\n",
      why);
  EXPECT_EQ(libs, (std::vector<std::string>{"/lib/x86_64-linux-gnu/liburing.so.2", "/lib64/ld-linux-x86-64.so.2"}));
  EXPECT_EQ(why, "");
  parse_ldd("\tlibgone.so.1 => not found\n", why);
  EXPECT_NE(why.find("libgone.so.1"), std::string::npos);
}

TEST(Initramfs, HoldsInitTheCommandItsLibrariesAndTheModuleList) {
  TempDir t;
  fake_modules(t);
  ModuleIndex index;
  ASSERT_EQ(index.load((t.path / "mods").string()), "");
  GuestPlan plan;
  ASSERT_EQ(plan_guest({"/bin/true", "--version"}, {}, &index, plan), "");
  t.write("init", "#!init");
  InitramfsStats stats;
  std::string out = (t.path / "i.cpio").string();
  ASSERT_EQ(build_initramfs(plan, (t.path / "init").string(), (t.path / "mods").string(), out, stats), "");
  auto entries = read_cpio(slurp(out));
  EXPECT_EQ(entries["init"].data, "#!init");
  EXPECT_EQ(entries["bin/true"].data, slurp("/bin/true"));
  EXPECT_EQ(entries["etc/nfz/argv"].data, std::string("/bin/true\0--version\0", 20));
  std::string why;
  for (const auto& lib : shared_libraries("/bin/true", why)) EXPECT_TRUE(entries.count(lib.substr(1))) << lib;
  EXPECT_GT(stats.libraries, 0);
  EXPECT_EQ(entries["etc/nfz/modules"].data,
            "/lib/modules/kernel/net/9p/9pnet.ko\n/lib/modules/kernel/net/9p/9pnet_virtio.ko\n"
            "/lib/modules/kernel/fs/9p/9p.ko\n");
  EXPECT_EQ(entries["lib/modules/kernel/fs/9p/9p.ko"].data, "module kernel/fs/9p/9p.ko");
  EXPECT_EQ(entries["dev/console"].mode, S_IFCHR | 0600u);
}

}  // namespace
}  // namespace nfz::vm
