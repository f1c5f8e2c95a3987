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
