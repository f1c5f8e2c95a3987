// `nameifuzz model` as a user runs it: exit codes, the report that replays, and one
// `file:line: message` line for every malformed schedule file. Skips when the binary
// has not been built (the test suite builds without the CLI).
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <variant>

#include "model/dcache/explore.hpp"
#include "model/dcache/oracle.hpp"
#include "model/dcache/scenarios.hpp"
#include "model/dcache/schedule_text.hpp"
#include "model/dcache/variant.hpp"

namespace nfz::dcache {
namespace {

namespace fs = std::filesystem;

struct Ran {
  int code;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class CliModel : public ::testing::Test {
 protected:
  void SetUp() override {
    bin_ = fs::path(NFZ_BINARY_DIR) / "nameifuzz";
    if (!fs::exists(bin_)) GTEST_SKIP() << "nameifuzz not built at " << bin_;
    tmp_ = fs::temp_directory_path() / ("nfz_dcache_cli_" + std::to_string(::getpid()));
    fs::create_directories(tmp_);
  }
  void TearDown() override {
    if (!tmp_.empty()) fs::remove_all(tmp_);
  }
  Ran run(const std::string& args) {
    const std::string cmd = bin_.string() + " " + args + " >" + (tmp_ / "out").string() + " 2>" + (tmp_ / "err").string();
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : 128, slurp(tmp_ / "out"), slurp(tmp_ / "err")};
  }
  fs::path bin_, tmp_;
};

TEST_F(CliModel, EachSeededVariantExitsOneWithItsOracleAndTheReportReplays) {
  for (uint8_t v = 1; v < variants().size(); ++v) {
    const std::string name(variants()[v].name);
    const Variant& var = variants()[v];
    const std::string saved = (tmp_ / (name + ".sched")).string();
    Ran r = run("model --variant " + name + " --budget 10 --save " + saved);
    EXPECT_EQ(r.code, 1) << name << ": " << r.err;
    // The first line names the oracle: the variant's, or the other one its race can trip.
    const std::string prefix = "# VIOLATION: ";
    ASSERT_EQ(r.out.rfind(prefix, 0), 0u) << name << ": " << r.out;
    const std::string oracle = r.out.substr(prefix.size(), r.out.find(':', prefix.size()) - prefix.size());
    EXPECT_TRUE(oracle == oracle_info(var.expected).name || (var.also && oracle == oracle_info(var.also).name))
        << name << ": " << oracle;
    // A minimized schedule: the runs line, and the schedule the file replays.
    EXPECT_NE(r.out.find("\n# schedule: "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\nschedule:"), std::string::npos) << r.out;
    EXPECT_EQ(slurp(saved), r.out);
    // ... and it is 1-minimal: without any one of its entries the oracle no longer fires.
    auto parsed = parse_schedule_file(r.out, saved);
    ASSERT_TRUE(std::holds_alternative<ScheduleFile>(parsed)) << std::get<ScheduleError>(parsed).to_string();
    const ScheduleFile& file = std::get<ScheduleFile>(parsed);
    const uint8_t fired = run_schedule(file.scenario, file.schedule).violation.oracle;
    EXPECT_EQ(oracle_info(fired).name, oracle) << name;
    for (size_t i = 0; i < file.schedule.size(); ++i) {
      auto shorter = file.schedule;
      shorter.erase(shorter.begin() + static_cast<std::ptrdiff_t>(i));
      EXPECT_FALSE(reproduces(file.scenario, shorter, fired)) << name << ": entry " << i << " was removable";
    }
    Ran again = run("model --replay " + saved);
    EXPECT_EQ(again.code, 1) << again.err;
    EXPECT_EQ(again.out, r.out) << name;
  }
}

TEST_F(CliModel, FixedIsCleanAndExhaustiveCountsStates) {
  Ran r = run("model --variant fixed --budget 1");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  Ran e = run("model --variant fixed --exhaustive");
  EXPECT_EQ(e.code, 0) << e.out << e.err;
  EXPECT_NE(e.out.find("[2016 two-thread] states="), std::string::npos) << e.out;
  EXPECT_NE(e.out.find("no violation in any interleaving"), std::string::npos) << e.out;
  EXPECT_EQ(e.out.find("cut off"), std::string::npos) << e.out;
}

TEST_F(CliModel, UsageErrorsExitTwo) {
  EXPECT_EQ(run("model --variant no-such-bug --budget 1").code, 2);
  EXPECT_EQ(run("model --budget -3").code, 2);
  EXPECT_EQ(run("model --replay " + (tmp_ / "missing.sched").string()).code, 2);
  EXPECT_EQ(run("model --replay " + tmp_.string()).code, 2);
}

TEST_F(CliModel, EveryMalformedScheduleFileIsOneLineNamingFileAndLine) {
  int files = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(NFZ_SOURCE_DIR) / "tests/dcache/malformed")) {
    ++files;
    const std::string path = entry.path().string();
    Ran r = run("model --replay " + path);
    EXPECT_EQ(r.code, 2) << path;
    EXPECT_TRUE(r.out.empty()) << path << ": " << r.out;
    ASSERT_FALSE(r.err.empty()) << path;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << path << ": " << r.err;
    EXPECT_EQ(r.err.rfind(path + ":", 0), 0u) << r.err;
    const std::string rest = r.err.substr(path.size() + 1);
    EXPECT_TRUE(!rest.empty() && std::isdigit(static_cast<unsigned char>(rest[0]))) << r.err;
  }
  EXPECT_GE(files, 10);
}

}  // namespace
}  // namespace nfz::dcache

namespace nfz::dcache {
namespace {

TEST_F(CliModel, ListNamesEveryVariantAndScenario) {
  Ran r = run("model --list");
  EXPECT_EQ(r.code, 0);
  for (const Variant& v : variants()) EXPECT_NE(r.out.find(std::string(v.name)), std::string::npos) << v.name;
  for (const NamedScenario& ns : builtin_scenarios())
    EXPECT_NE(r.out.find(std::string(ns.name)), std::string::npos) << ns.name;
}

TEST_F(CliModel, ExhaustiveOnOneScenario) {
  // The lustre rule changes only ll_atomic_open(): every interleaving on nfs is clean.
  Ran clean = run("model --variant lustre-atomic-open-2016 --exhaustive --scenario atomic-open-2016-pair");
  EXPECT_EQ(clean.code, 0) << clean.out;
  EXPECT_NE(clean.out.find("[2016 two-thread] states="), std::string::npos) << clean.out;
  EXPECT_NE(clean.out.find("no violation in any interleaving of 1 scenarios"), std::string::npos) << clean.out;
  Ran caught = run("model --variant lustre-atomic-open-2016 --exhaustive --scenario lustre-openers-2016");
  EXPECT_EQ(caught.code, 1);
  EXPECT_NE(caught.out.find("# VIOLATION: splice.twice:"), std::string::npos) << caught.out;
  EXPECT_EQ(run("model --exhaustive --scenario no-such").code, 2);
}

}  // namespace
}  // namespace nfz::dcache
