// The stress loop end to end, briefly: a few programs on tmpfs come out clean, and the
// JSON summary lists every oracle with its checks or the reason it was skipped.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unistd.h>

#include <gtest/gtest.h>

#include "stress/oracle.hpp"
#include "stress/stress_loop.hpp"

namespace nfz::stress {
namespace {

TEST(StressLoop, AShortRunIsCleanAndItsSummaryNamesEveryOracle) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for mount namespaces";
  StressOptions o;
  o.targets = {*parse_target("tmpfs")};
  o.threads = 3;
  o.max_programs = 30;
  o.seed = 12345;
  o.progress = false;
  o.findings_dir = "/var/tmp/nameifuzz-test-findings-" + std::to_string(getpid());
  std::ostringstream progress;
  StressSummary summary;
  int code = run_stress(o, progress, summary);
  EXPECT_EQ(code, 0);
  EXPECT_EQ(summary.programs, 30u);
  EXPECT_GT(summary.ops, 30u);
  EXPECT_GT(summary.shared_ring_programs, 0u);
  EXPECT_EQ(summary.stopped_by, "programs");
  std::ostringstream json;
  write_summary_json(json, summary);
  auto j = nlohmann::json::parse(json.str());
  ASSERT_EQ(j["oracles"].size(), oracle_table().size());
  for (const auto& orc : j["oracles"]) EXPECT_TRUE(orc.contains("checks") || orc.contains("skipped")) << orc.dump();
  EXPECT_EQ(j["findings"].size(), 0u);
  std::ostringstream human;
  print_summary(human, summary);
  EXPECT_NE(human.str().find("SUMMARY: clean, 0 findings"), std::string::npos) << human.str();
  std::filesystem::remove_all(o.findings_dir);
}

const nlohmann::json& oracle_entry(const nlohmann::json& j, const std::string& name) {
  for (const auto& o : j["oracles"])
    if (o["name"] == name) return o;
  throw std::runtime_error("no oracle " + name);
}

// Runs `o`, expects a clean run, removes its findings folder and returns the JSON summary.
nlohmann::json run_clean(const StressOptions& o) {
  std::ostringstream progress;
  StressSummary summary;
  EXPECT_EQ(run_stress(o, progress, summary), 0) << summary.stopped_by;
  std::filesystem::remove_all(o.findings_dir);
  return summary_json(summary);
}

StressOptions short_run(const char* target, const char* oracle_group, uint64_t programs) {
  StressOptions o;
  o.targets = {*parse_target(target)};
  o.threads = 3;
  o.max_programs = programs;
  o.seed = 7;
  o.oracles = {oracle_group};
  o.progress = false;
  o.findings_dir = "/var/tmp/nameifuzz-test-findings-" + std::to_string(getpid());
  return o;
}

TEST(StressLoop, FuseOraclesJudgeEveryRunOfTheObserverTarget) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for mount namespaces and FUSE";
  auto j = run_clean(short_run("fuse:strict", "fuse", 8));
  for (const char* name : {"lookup.single", "lookup.balance", "negative.fresh"})
    EXPECT_GT(oracle_entry(j, name).value("checks", 0), 0) << name << ": " << oracle_entry(j, name).dump();
  EXPECT_EQ(oracle_entry(j, "kernel.health")["skipped"], "not enabled (--oracles)");
}

TEST(StressLoop, FuseOraclesAreSkippedWithAReasonOnOtherTargets) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for mount namespaces";
  auto j = run_clean(short_run("tmpfs", "fuse", 2));
  EXPECT_NE(oracle_entry(j, "lookup.single").value("skipped", "").find("no fuse:* target"), std::string::npos);
}

TEST(StressLoop, NonblockGroupCountsInlineAndPuntedPerOpKind) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for mount namespaces and tracefs";
  auto j = run_clean(short_run("tmpfs", "nonblock", 20));
  EXPECT_GT(oracle_entry(j, "nonblock.walk").value("checks", 0), 0);
  EXPECT_GT(oracle_entry(j, "nonblock.issue").value("checks", 0), 0);
  EXPECT_TRUE(oracle_entry(j, "cached.complete").contains("checks"));
  const auto& open = j["completions_by_kind"]["open"];
  EXPECT_GT(open["inline"].get<uint64_t>() + open["punted"].get<uint64_t>(), 0u) << open.dump();
  EXPECT_TRUE(j["sleep_tracing"] == "on" || j["sleep_tracing"].get<std::string>().starts_with("skipped: "));
}

// linearizable judges runs through the reference model: one thread per program
// here, so that no op's non-atomic walk can race another (docs/ORACLES.md, linearizable).
TEST(StressLoop, LinearizableJudgesRunsWhenAskedFor) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for mount namespaces";
  StressOptions o = short_run("tmpfs", "linearizable", 10);
  o.threads = 1;
  o.shared_ring_every = 1;  // one fixed-file table, as the model has
  auto j = run_clean(o);
  EXPECT_GT(oracle_entry(j, "linearizable").value("checks", 0), 0) << oracle_entry(j, "linearizable").dump();
}

TEST(StressLoop, UnknownOracleIsAnEnvironmentError) {
  StressOptions o;
  o.targets = {*parse_target("tmpfs")};
  o.oracles = {"no.such.oracle"};
  o.progress = false;
  std::ostringstream progress;
  StressSummary summary;
  EXPECT_EQ(run_stress(o, progress, summary), 2);
  EXPECT_NE(summary.stopped_by.find("no.such.oracle"), std::string::npos);
}

}  // namespace
}  // namespace nfz::stress
