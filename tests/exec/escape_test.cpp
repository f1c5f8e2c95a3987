// Must-show 2 of issue 5: no path a program makes reaches the host. Programs make absolute
// symlinks to "/", "/etc" and "../../..", then create, truncate, rename and unlink through
// them (syscalls and io_uring, threads at once) on every target; a canary directory on the
// host at the very path they aim at is byte-for-byte unchanged afterwards.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/stat.h>

#include "exec/history_buffer.hpp"
#include "tests/exec/sandbox_helpers.hpp"

namespace nfz::test {
namespace {

namespace fs = std::filesystem;

std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    struct stat st;
    lstat(e.path().c_str(), &st);
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream content;
    if (e.is_regular_file()) content << in.rdbuf();
    files[e.path().string()] = std::to_string(st.st_mode) + ":" + std::to_string(st.st_size) + ":" + content.str();
  }
  return files;
}

std::string escape_program(const std::string& canary) {
  // canary is absolute, e.g. /var/tmp/nameifuzz-canary-123; inside the sandbox the same
  // path is made so that the ops succeed there (and only there).
  std::string rel = canary.substr(1);
  std::string p = "nameifuzz program v1\nsetup:\n";
  std::string made;
  for (size_t pos = 0; pos != std::string::npos;) {
    size_t slash = rel.find('/', pos);
    made = rel.substr(0, slash);
    p += "  mkdir(\"" + made + "\", 0755)\n";
    pos = slash == std::string::npos ? slash : slash + 1;
  }
  p += "  mkdir(\"d\", 0755)\n  mkdir(\"d/e\", 0755)\n"
       "  symlink(\"/\", \"root\")\n  symlink(\"/etc\", \"etc\")\n  symlink(\"../../..\", \"d/e/up\")\n";
  std::string via_root = "root" + canary, via_etc = "etc/.." + canary, via_up = "d/e/up" + canary;
  p += "thread 0:\n"
       "  f0 = open(\"" + via_root + "/victim\", O_WRONLY|O_CREAT|O_TRUNC, 0644)\n"
       "  f1 = open(\"" + via_root + "/keep\", O_WRONLY|O_TRUNC) [uring]\n"
       "  rename(\"" + via_root + "/victim\", \"" + via_etc + "/moved\")\n"
       "  unlink(\"" + via_up + "/moved\")\n"
       "  mkdir(\"" + via_up + "/newdir\", 0755) [uring-async]\n";
  p += "thread 1:\n"
       "  f2 = open(\"" + via_etc + "/keep\", O_RDWR|O_TRUNC) [uring-async]\n"
       "  unlink(\"" + via_up + "/keep\") [uring]\n"
       "  symlink(\"/\", \"" + via_root + "/link\")\n"
       "  f3 = openat2(\"" + via_up + "/made\", O_WRONLY|O_CREAT, 0644, 0) [uring]\n"
       "  rename(\"" + via_etc + "/made\", \"" + via_root + "/keep\") [uring-async]\n";
  return p;
}

TEST(Escape, SymlinksToRootEtcAndUpChainsNeverReachTheHost) {
  if (!is_root()) GTEST_SKIP() << "needs root for mount namespaces, mounts and loop devices";
  fs::path canary = "/var/tmp/nameifuzz-canary-" + std::to_string(getpid());
  fs::remove_all(canary);
  fs::create_directories(canary / "sub");
  std::ofstream(canary / "keep") << "host data that must survive\n";
  std::ofstream(canary / "sub" / "deep") << "more\n";
  auto before = snapshot(canary);
  Program program = program_of(escape_program(canary.string()));
  for (const auto& target : all_targets()) {
    SCOPED_TRACE(target);
    std::string why;
    auto sandbox = open_sandbox(target, why);
    ASSERT_TRUE(sandbox) << why;
    HistoryBuffer buffer;
    ConcurrentRun run = run_program(*sandbox, program, {}, buffer);
    EXPECT_EQ(run.code, kRunOk);
    // The ops did run, inside: the exclusive create through "/" succeeded there.
    size_t ok = 0;
    for (const Event& e : run.history.events) ok += e.thread != kSetupThread && e.result >= 0;
    EXPECT_GE(ok, 3u) << "the escape attempts should succeed inside the sandbox";
    EXPECT_EQ(snapshot(canary), before) << "the host canary changed";
  }
  fs::remove_all(canary);
  remove_test_dir();
  EXPECT_TRUE(our_host_mounts().empty());
}

}  // namespace
}  // namespace nfz::test
