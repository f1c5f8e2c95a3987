// `nameifuzz check` on the built binary: verdicts and exit codes (0 linearizable, 1 not,
// 0 with a warning for unknown, 2 for malformed input with one `file:line: message` line),
// and the --html timeline. Skipped when the binary has not been built.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace nfz::oracles::lin {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::stringstream s;
  s << std::ifstream(p).rdbuf();
  return s.str();
}

const fs::path kBinary = fs::path(NFZ_BINARY_DIR) / "nameifuzz";
const fs::path kData = fs::path(NFZ_SOURCE_DIR) / "tests/oracles/data/linearizability";

CliRun nameifuzz(const std::string& args) {
  fs::path dir = fs::temp_directory_path() / ("nameifuzz-check-cli-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string cmd = kBinary.string() + " " + args + " >" + (dir / "out").string() + " 2>" + (dir / "err").string();
  int status = std::system(cmd.c_str());
  CliRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(dir / "out");
  r.err = slurp(dir / "err");
  fs::remove_all(dir);
  return r;
}

class CheckCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kBinary)) GTEST_SKIP() << kBinary << " is not built";
    if (nameifuzz("check --help").exit_code != 0) GTEST_SKIP() << "this nameifuzz has no check command";
  }
};

TEST_F(CheckCli, ViolationExitsOneWithPrefixAndPartialLinearization) {
  CliRun r = nameifuzz("check " + (kData / "excl_create_twice.jsonl").string());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("not linearizable"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("smallest failing prefix"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("T2 #1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("longest partial linearization"), std::string::npos) << r.out;
}

TEST_F(CheckCli, LinearizableExitsZero) {
  CliRun r = nameifuzz("check --profile tmpfs " + (kData / "rename_reorder.jsonl").string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(": linearizable"), std::string::npos) << r.out;
}

TEST_F(CheckCli, UnknownExitsZeroWithAWarning) {
  CliRun r = nameifuzz("check --budget-steps 0 " + (kData / "rename_reorder.jsonl").string());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("unknown"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("warning"), std::string::npos) << r.err;
}

TEST_F(CheckCli, MalformedInputIsOneLineNamingFileAndLine) {
  const std::string file = (kData / "bad_event.jsonl").string();
  CliRun r = nameifuzz("check " + file);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind(file + ":2: ", 0), 0u) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
  EXPECT_EQ(nameifuzz("check /nonexistent/history.jsonl").exit_code, 2);
  EXPECT_EQ(nameifuzz("check --profile nosuchfs " + (kData / "rename_reorder.jsonl").string()).exit_code, 2);
}

TEST_F(CheckCli, HtmlTimelineIsWritten) {
  fs::path html = fs::temp_directory_path() / ("nameifuzz-check-" + std::to_string(::getpid()) + ".html");
  CliRun r = nameifuzz("check --html " + html.string() + " " + (kData / "excl_create_twice.jsonl").string());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  std::string page = slurp(html);
  fs::remove(html);
  EXPECT_NE(page.find("class=\"op failing\" data-op=\"T2 #1\""), std::string::npos);
  EXPECT_NE(page.find("<g class=\"lane\" data-thread=\"2\">"), std::string::npos);
}

}  // namespace
}  // namespace nfz::oracles::lin
