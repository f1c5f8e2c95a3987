// nameifuzz minimize on bad input: one line on stderr naming the file or the option, exit 2.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

struct Outcome {
  int code = -1;
  std::string err;
};

Outcome run(const std::string& args) {
  std::string cmd = std::string(NFZ_BINARY_DIR) + "/nameifuzz minimize " + args + " 2>&1 >/dev/null";
  Outcome out;
  FILE* p = popen(cmd.c_str(), "r");
  std::array<char, 4096> buf;
  while (fgets(buf.data(), buf.size(), p)) out.err += buf.data();
  int status = pclose(p);
  out.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

class MinimizeBadInput : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nfz-minimize-cli-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "good.nfz") << "nameifuzz program v1\nthread 0:\n  mkdir(\"a\", 0755)\n";
    std::ofstream(dir_ / "bad.nfz") << "nameifuzz program v1\nthread 0:\n  mkdir(\"a\", 0755\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string file(const char* name) const { return (dir_ / name).string(); }
  std::string findings() const { return " --findings " + (dir_ / "findings").string(); }

  static void expect_one_line(const Outcome& o, const std::string& names) {
    EXPECT_EQ(o.code, 2) << o.err;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
    EXPECT_NE(o.err.find(names), std::string::npos) << o.err;
  }

  fs::path dir_;
};

TEST_F(MinimizeBadInput, AFileThatDoesNotParse) {
  Outcome o = run(file("bad.nfz") + " --title 'linearizable: x'" + findings());
  expect_one_line(o, file("bad.nfz") + ":3:");
}

TEST_F(MinimizeBadInput, AMissingFile) {
  expect_one_line(run(file("absent.nfz") + " --title 'linearizable: x'" + findings()), file("absent.nfz"));
}

TEST_F(MinimizeBadInput, ATitleOfNoOracle) {
  expect_one_line(run(file("good.nfz") + " --title 'no.such.oracle: x'" + findings()), "no oracle 'no.such.oracle'");
}

TEST_F(MinimizeBadInput, ATitleNotInTheRun) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (mount namespaces)";
  Outcome o = run(file("good.nfz") + " --title 'linearizable: open ok unexplained on tmpfs' --confirm 2" + findings());
  expect_one_line(o, "--title 'linearizable: open ok unexplained on tmpfs' was not reported in 2 replays on tmpfs");
  EXPECT_FALSE(fs::exists(dir_ / "findings" / "linearizable-open-ok-unexplained-on-tmpfs"));
}

TEST_F(MinimizeBadInput, AnUnknownTarget) {
  expect_one_line(run(file("good.nfz") + " --title 'linearizable: x' --target nosuchfs" + findings()), "--target");
}

TEST_F(MinimizeBadInput, ATargetThatCannotBeMade) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (mount namespaces)";
  expect_one_line(run(file("good.nfz") + " --title 'linearizable: x' --target dir:/nonexistent/nfz" + findings()),
                  "dir:/nonexistent/nfz");
}

TEST_F(MinimizeBadInput, AnUnknownInjection) {
  expect_one_line(run(file("good.nfz") + " --title 'linearizable: x' --inject no-such-fault" + findings()), "--inject");
}

}  // namespace
