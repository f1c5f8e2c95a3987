// Must-show of the findings pipeline: every injected fault (exec/inject.hpp, a test aid)
// becomes a finding of the oracle it is meant for, confirmed and minimized to at most 4
// ops, through the real binary: nameifuzz stress --inject NAME finds it, the pipeline
// confirms, minimizes and writes findings/<signature>/.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

struct Fault {
  const char* name;
  const char* target;
  const char* oracles;
  const char* op_mix;  // kinds the fault needs made more likely; others that confuse the oracle left out
  const char* oracle;  // expected
};

class InjectedFault : public testing::TestWithParam<Fault> {};

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in, nullptr, false);
}

TEST_P(InjectedFault, BecomesAMinimizedFindingOfItsOracle) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (mount namespaces)";
  const Fault& f = GetParam();
  fs::path dir = fs::temp_directory_path() / ("nfz-inject-" + std::string(f.name) + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  // The kernel's own inline FUSE OPEN sleep (docs/FINDINGS.md 1) is on this kernel with or
  // without a fault: suppressed, so that the findings are the injected fault's.
  const std::string known = dir.string() + ".known";
  std::ofstream(known) << "nonblock.issue: io_uring inline open* slept (fuse:OPEN)\n";
  std::string cmd = std::string(NFZ_BINARY_DIR) + "/nameifuzz stress --quiet --jobs 1 --threads 2 --seed 7 --duration 20 --target " +
                    f.target + " --oracles " + f.oracles + " --op-mix " + f.op_mix + " --inject " + f.name +
                    " --suppressions " + known +
                    " --confirm 5 --minimize-budget 30 --findings " + dir.string() + " --json " + (dir.string() + ".json") +
                    " > /dev/null 2> " + dir.string() + ".log";
  int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 1) << cmd << "\n(no finding; see " << dir.string() << ".log)";
  nlohmann::json run = read_json(dir.string() + ".json");
  ASSERT_TRUE(run.is_object());
  ASSERT_GE(run["findings"].size(), 1u) << run.dump(2);
  // One program may show the fault twice (an inline open and an inline openat2): each title is a finding.
  for (const auto& finding : run["findings"]) {
    EXPECT_EQ(finding["oracle"], f.oracle) << finding.dump(2);
    fs::path folder = finding["folder"].get<std::string>();
    nlohmann::json summary = read_json(folder / "summary.json");
    ASSERT_TRUE(summary.is_object()) << folder;
    EXPECT_EQ(summary["oracle"], f.oracle);
    EXPECT_EQ(summary["injected"], f.name);
    EXPECT_TRUE(summary["reproduced"].get<bool>()) << summary.dump(2);
    EXPECT_GT(summary["rate"].get<double>(), 0.0);
    EXPECT_LE(summary["ops"].get<size_t>(), 4u) << summary.dump(2);
    EXPECT_LT(summary["ops"].get<size_t>(), summary["original_ops"].get<size_t>());
    for (const char* file : {"repro.nfz", "history.jsonl", "history.html", "kmsg.txt", "report.txt"})
      EXPECT_TRUE(fs::exists(folder / file)) << file;
    // repro.c compiles; on FUSE (its own server, the fault in its table) it reproduces,
    // and does not with the fault's request answered at once.
    ASSERT_EQ(summary["repro.c"], "repro.c") << summary.dump(2);
    const bool fuse = std::string(f.target).rfind("fuse:", 0) == 0;
    const std::string bin = (folder / "repro").string();
    std::string cc = "cc -Wall -o " + bin + " " + (folder / "repro.c").string() + " -luring" + (fuse ? " -lfuse3" : "") +
                     " 2>/dev/null";
    ASSERT_EQ(std::system(cc.c_str()), 0) << cc;
    if (fuse) {
      const std::string log = " > " + (folder / "repro.log").string() + " 2>&1";
      int with_fault = std::system((bin + log).c_str()), without = std::system(("NFZ_REPRO_NO_FAULT=1 " + bin + log).c_str());
      EXPECT_TRUE(WIFEXITED(with_fault) && WEXITSTATUS(with_fault) == 1) << bin << " (" << folder / "repro.log" << ")";
      EXPECT_TRUE(WIFEXITED(without) && WEXITSTATUS(without) == 0) << "NFZ_REPRO_NO_FAULT=1 " << bin;
    }
  }
  const auto& finding = run["findings"][0];
  // The index names the title once; a second look at it by another run would count it.
  std::ifstream index(dir / "index.jsonl");
  std::string line;
  ASSERT_TRUE(std::getline(index, line));
  EXPECT_EQ(nlohmann::json::parse(line)["title"], finding["title"]);
  fs::remove_all(dir);
  fs::remove(dir.string() + ".json");
  fs::remove(dir.string() + ".log");
  fs::remove(known);
}

INSTANTIATE_TEST_SUITE_P(
    Table, InjectedFault,
    testing::Values(
        Fault{"excl-double-success", "tmpfs", "linearizable", "open=40,symlink=0,link=0,mknod=0", "linearizable"},
        Fault{"unlink-phantom", "tmpfs", "linearizable", "unlink=30,symlink=0,link=0,mknod=0", "linearizable"},
        Fault{"rename-phantom", "tmpfs", "linearizable", "rename=30,symlink=0,link=0,mknod=0", "linearizable"},
        Fault{"inline-sleep", "tmpfs", "nonblock.issue", "default", "nonblock.issue"},
        Fault{"fuse-latency", "fuse:strict", "nonblock.issue", "default", "nonblock.issue"},
        Fault{"fuse-error", "fuse:strict", "negative.fresh", "drop_caches=10,symlink=0,link=0", "negative.fresh"}),
    [](const testing::TestParamInfo<Fault>& info) {
      std::string n = info.param.name;
      for (char& c : n)
        if (c == '-') c = '_';
      return n;
    });

}  // namespace

namespace {

// Must-show 3: a real finding of a multi-thread stress run, nonblock.issue on FUSE OPENDIR
// or GETATTR (the OPEN class, docs/FINDINGS.md 1, suppressed so that the run goes on),
// confirmed and minimized to at most 6 ops.
TEST(RealFinding, NonblockIssueOnFuseOpendirOrGetattrIsMinimized) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (mount namespaces, FUSE)";
  fs::path dir = fs::temp_directory_path() / ("nfz-real-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "known") << "nonblock.issue: io_uring inline open* slept (fuse:OPEN)\n";
  std::string cmd = std::string(NFZ_BINARY_DIR) + "/nameifuzz stress --quiet --jobs 1 --threads 4 --seed 7 --duration 60 " +
                    "--target fuse:strict+latency --oracles nonblock --suppressions " + (dir / "known").string() +
                    " --confirm 10 --minimize-budget 60 --findings " + (dir / "f").string() + " --json " +
                    (dir / "run.json").string() + " > /dev/null 2> " + (dir / "log").string();
  int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 1) << cmd;
  nlohmann::json run = read_json(dir / "run.json");
  ASSERT_GE(run["findings"].size(), 1u);
  const auto& finding = run["findings"][0];
  const std::string title = finding["title"];
  EXPECT_TRUE(title == "nonblock.issue: io_uring inline open slept (fuse:OPENDIR)" ||
              title == "nonblock.issue: io_uring inline open slept (fuse:GETATTR)" ||
              title == "nonblock.issue: io_uring inline openat2 slept (fuse:OPENDIR)" ||
              title == "nonblock.issue: io_uring inline openat2 slept (fuse:GETATTR)")
      << title;
  nlohmann::json summary = read_json(fs::path(finding["folder"].get<std::string>()) / "summary.json");
  EXPECT_TRUE(summary["reproduced"].get<bool>()) << summary.dump(2);
  EXPECT_FALSE(summary.contains("injected"));
  EXPECT_LE(summary["ops"].get<size_t>(), 6u) << summary.dump(2);
  // Its repro.c (its own FUSE server, the target's +latency) reproduces on this kernel.
  ASSERT_EQ(summary["repro.c"], "repro.c") << summary.dump(2);
  const fs::path folder = finding["folder"].get<std::string>();
  const std::string bin = (folder / "repro").string();
  const std::string cc = "cc -Wall -o " + bin + " " + (folder / "repro.c").string() + " -luring -lfuse3 2>/dev/null";
  ASSERT_EQ(std::system(cc.c_str()), 0) << cc;
  int code = std::system((bin + " > " + (folder / "repro.log").string() + " 2>&1").c_str());
  EXPECT_TRUE(WIFEXITED(code) && WEXITSTATUS(code) == 1) << bin << " (" << folder / "repro.log" << ")";
  fs::remove_all(dir);
}

}  // namespace
