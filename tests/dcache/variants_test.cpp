// Every seeded variant is caught by the right oracle, by random and by exhaustive
// exploration; the minimized schedule replays, survives printing and parsing, and has
// no entry that can be removed.
#include <gtest/gtest.h>

#include <variant>

#include "model/dcache/explore.hpp"
#include "model/dcache/oracle.hpp"
#include "model/dcache/report.hpp"
#include "model/dcache/schedule_text.hpp"
#include "model/dcache/variant.hpp"

namespace nfz::dcache {
namespace {

class SeededVariant : public ::testing::TestWithParam<uint8_t> {};

std::vector<uint8_t> seeded() {
  std::vector<uint8_t> out;
  for (uint8_t v = 0; v < variants().size(); ++v)
    if (variants()[v].expected != kOracleNone) out.push_back(v);
  return out;
}

TEST(Variants, TableHasFixedAndTwelveSeededBugsWithDistinctNamesDatesAndRules) {
  ASSERT_EQ(variants().size(), 13u);
  EXPECT_EQ(variants()[0].name, "fixed");
  EXPECT_EQ(variants()[0].rules, 0u);
  uint32_t seen_rules = 0;
  for (uint8_t v = 1; v < variants().size(); ++v) {
    const Variant& var = variants()[v];
    EXPECT_EQ(find_variant(var.name), v);
    // one rule bit per variant, none shared
    EXPECT_EQ(__builtin_popcount(var.rules), 1) << var.name;
    EXPECT_EQ(seen_rules & var.rules, 0u) << var.name;
    seen_rules |= var.rules;
    // named and dated: "...-YYYY", with where it happened
    const std::string_view year = var.name.substr(var.name.size() - 4);
    EXPECT_TRUE(year >= "2013" && year <= "2026" && var.name[var.name.size() - 5] == '-') << var.name;
    EXPECT_FALSE(var.kernel.empty()) << var.name;
    EXPECT_NE(var.expected, kOracleNone) << var.name;
    EXPECT_NE(var.expected, var.also) << var.name;
  }
  EXPECT_FALSE(find_variant("no-such-variant"));
}

TEST_P(SeededVariant, RandomExplorationCatchesItWithTheRightOracle) {
  const Variant& v = variants()[GetParam()];
  for (uint64_t seed : {1ull, 2ull, 3ull}) {
    RandomOptions o;
    o.seed = seed;
    o.budget_seconds = 10;
    RandomStats stats;
    auto found = explore_random(GetParam(), o, stats);
    ASSERT_TRUE(found) << v.name << " seed " << seed;
    EXPECT_TRUE(v.caught_by(found->violation.oracle)) << v.name << ": " << oracle_info(found->violation.oracle).name;
  }
}

TEST_P(SeededVariant, MinimizedScheduleReplaysAndNoSingleEntryCanGo) {
  const Variant& v = variants()[GetParam()];
  for (uint64_t seed : {7ull, 8ull}) {
    RandomOptions o;
    o.seed = seed;
    RandomStats stats;
    auto found = explore_random(GetParam(), o, stats);
    ASSERT_TRUE(found);
    const uint8_t oracle = found->violation.oracle;
    ASSERT_TRUE(v.caught_by(oracle)) << v.name << ": " << oracle_info(oracle).name;
    const Finding m = minimize(*found);
    ASSERT_EQ(m.violation.oracle, oracle);
    ASSERT_TRUE(reproduces(m.scenario, m.schedule, oracle));
    for (size_t i = 0; i < m.schedule.size(); ++i) {
      auto shorter = m.schedule;
      shorter.erase(shorter.begin() + static_cast<std::ptrdiff_t>(i));
      EXPECT_FALSE(reproduces(m.scenario, shorter, oracle)) << v.name << ": entry " << i << " was removable";
    }
    // No op can go either (threads keep one op).
    for (int slot = 0; slot < kSlots; ++slot) {
      if (slot < m.scenario.nthreads && m.scenario.nops[slot] == 1) continue;
      for (int i = 0; i < m.scenario.nops[slot]; ++i) {
        Scenario s = m.scenario;
        for (int j = i; j + 1 < s.nops[slot]; ++j) s.ops[slot][j] = s.ops[slot][j + 1];
        s.ops[slot][--s.nops[slot]] = Op{};
        EXPECT_FALSE(reproduces(s, m.schedule, oracle)) << v.name << ": op " << i << " of slot " << slot;
      }
    }
    // The report is a schedule file that parses back to the same scenario and schedule.
    auto parsed = parse_schedule_file(format_report(m), "report");
    ASSERT_TRUE(std::holds_alternative<ScheduleFile>(parsed)) << std::get<ScheduleError>(parsed).to_string();
    EXPECT_EQ(std::get<ScheduleFile>(parsed).scenario, m.scenario);
    EXPECT_EQ(std::get<ScheduleFile>(parsed).schedule, m.schedule);
  }
}

TEST_P(SeededVariant, ExhaustiveExplorationOfTheBuiltinScenariosCatchesIt) {
  const Variant& v = variants()[GetParam()];
  bool caught = false;
  for (const NamedScenario& ns : builtin_scenarios()) {
    ExhaustiveStats stats;
    auto found = explore_exhaustive(with_variant(ns.scenario, GetParam()), 1'000'000, stats);
    if (!found) continue;
    EXPECT_TRUE(v.caught_by(found->violation.oracle)) << v.name << " in " << ns.name;
    EXPECT_TRUE(reproduces(found->scenario, found->schedule, found->violation.oracle));
    caught = true;
    break;
  }
  EXPECT_TRUE(caught) << v.name;
}

INSTANTIATE_TEST_SUITE_P(All, SeededVariant, ::testing::ValuesIn(seeded()),
                         [](const auto& info) {
                           std::string n(variants()[info.param].name);
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

}  // namespace
}  // namespace nfz::dcache
