// KTAP and JUnit written from a summary: a finding fails its (oracle, target) point with
// its title, a skipped oracle is "# SKIP reason", an environment error is an ERROR; the
// KTAP passes the validator.
#include <gtest/gtest.h>

#include "report/junit.hpp"
#include "report/ktap.hpp"
#include "report/results.hpp"
#include "tests/report/ktap_validator.hpp"

namespace nfz::report {
namespace {

using nlohmann::json;

json summary_with_a_finding() {
  return json::parse(R"({
    "command": "stress", "nameifuzz": "v1-test", "kernel": "6.18.0", "hostname": "box", "date": "2026-12-01T10:00:00",
    "seconds": 1.5, "exit": 1, "targets": ["tmpfs", "fuse:strict"],
    "oracles": [
      {"name": "kernel.health", "checks": 20, "checks_by_target": {"tmpfs": 10, "fuse:strict": 10}},
      {"name": "lookup.single", "checks": 4, "unknown": 1, "checks_by_target": {"fuse:strict": 4}},
      {"name": "nonblock.issue", "skipped": "tracefs unavailable"}
    ],
    "findings": [{"title": "kernel.health: open hung on fuse:strict", "oracle": "kernel.health",
                  "target": "fuse:strict", "folder": "findings/kernel.health-open-hung-on-fuse-strict"}]
  })");
}

TEST(Results, OnePointPerOraclePerTarget) {
  auto suites = results_of(summary_with_a_finding());
  ASSERT_EQ(suites.size(), 2u);
  ASSERT_EQ(suites[0].points.size(), 3u);
  EXPECT_EQ(suites[0].outcome, Outcome::kOk);
  EXPECT_EQ(suites[0].points[0].outcome, Outcome::kOk);
  EXPECT_EQ(suites[0].points[1].outcome, Outcome::kSkip);  // no check on tmpfs
  EXPECT_EQ(suites[0].points[1].reason, "no check on tmpfs");
  EXPECT_EQ(suites[0].points[2].reason, "tracefs unavailable");
  EXPECT_EQ(suites[1].outcome, Outcome::kFail);
  EXPECT_EQ(suites[1].points[0].outcome, Outcome::kFail);
  EXPECT_EQ(suites[1].points[0].reason, "kernel.health: open hung on fuse:strict");
  EXPECT_EQ(suites[1].points[1].outcome, Outcome::kOk);
}

TEST(Ktap, AFindingIsNotOkWithItsTitleAndASkipHasItsReason) {
  const std::string k = to_ktap(summary_with_a_finding());
  auto r = nfz::testing::validate_ktap(k);
  ASSERT_TRUE(r.ok()) << r.errors.front() << "\n" << k;
  EXPECT_EQ(r.results, 8u);  // 2 targets x 3 oracles, and the 2 targets
  EXPECT_EQ(r.failed, 2u);   // the point and its target
  EXPECT_EQ(r.skipped, 3u);
  EXPECT_NE(k.find("  not ok 1 kernel.health # kernel.health: open hung on fuse:strict\n"), std::string::npos) << k;
  EXPECT_NE(k.find("  ok 3 nonblock.issue # SKIP tracefs unavailable\n"), std::string::npos) << k;
  EXPECT_NE(k.find("not ok 2 fuse:strict\n"), std::string::npos) << k;
  EXPECT_NE(k.find("# nameifuzz stress v1-test on Linux 6.18.0\n"), std::string::npos) << k;
}

TEST(Ktap, AnEnvironmentErrorIsAnErrorPoint) {
  json s = summary_with_a_finding();
  s["exit"] = 2;
  s["stopped_by"] = "tmpfs: mount failed";
  const std::string k = to_ktap(s);
  auto r = nfz::testing::validate_ktap(k);
  ASSERT_TRUE(r.ok()) << r.errors.front() << "\n" << k;
  EXPECT_NE(k.find("  not ok 4 run # ERROR tmpfs: mount failed\n"), std::string::npos) << k;
  EXPECT_NE(k.find("not ok 1 tmpfs # ERROR"), std::string::npos) << k;
}

TEST(Ktap, AHashInATargetNameStaysOutOfTheDescription) {
  json s = summary_with_a_finding();
  s["targets"] = {"dir:/srv/a#b"};
  const std::string k = to_ktap(s);
  EXPECT_TRUE(nfz::testing::validate_ktap(k).ok()) << k;
  EXPECT_NE(k.find("ok 1 dir:/srv/a_b"), std::string::npos) << k;
}

TEST(Ktap, EveryOracleSkippedSkipsTheTarget) {
  json s = json::parse(R"({"command": "stress", "exit": 0, "targets": ["tmpfs"],
                           "oracles": [{"name": "lookup.single", "skipped": "no fuse:* target"}], "findings": []})");
  const std::string k = to_ktap(s);
  EXPECT_TRUE(nfz::testing::validate_ktap(k).ok()) << k;
  EXPECT_NE(k.find("ok 1 tmpfs # SKIP every oracle skipped\n"), std::string::npos) << k;
}

TEST(Junit, CountsAndRequiredAttributes) {
  const std::string x = to_junit(summary_with_a_finding());
  EXPECT_EQ(x.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n", 0), 0u) << x;
  EXPECT_NE(x.find("<testsuite name=\"fuse:strict\" package=\"nameifuzz.stress\" id=\"1\" timestamp=\"2026-12-01T10:00:00\" "
                   "hostname=\"box\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\" time=\"1.500\">"),
            std::string::npos)
      << x;
  EXPECT_NE(x.find("<failure message=\"kernel.health: open hung on fuse:strict\" type=\"finding\">"), std::string::npos) << x;
  EXPECT_NE(x.find("<skipped message=\"tracefs unavailable\"/>"), std::string::npos) << x;
}

TEST(Junit, TextIsEscaped) {
  json s = summary_with_a_finding();
  s["findings"][0]["title"] = "kernel.health: <a & \"b\">";
  const std::string x = to_junit(s);
  EXPECT_NE(x.find("message=\"kernel.health: &lt;a &amp; &quot;b&quot;&gt;\""), std::string::npos) << x;
}

}  // namespace
}  // namespace nfz::report
