// Golden reproducers: one minimized report per seeded variant (tests/dcache/reproducers/,
// written by `nameifuzz model --save`). Each replays to the oracle its VIOLATION line
// names, is clean under today's rules, and prints back byte for byte: a change to the
// model's steps or to the report format shows up here, and is accepted by regenerating
// the files.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <fstream>
#include <sstream>
#include <variant>

#include "model/dcache/oracle.hpp"
#include "model/dcache/report.hpp"
#include "model/dcache/scenarios.hpp"
#include "model/dcache/schedule_text.hpp"
#include "model/dcache/variant.hpp"

namespace nfz::dcache {
namespace {

namespace fs = std::filesystem;

TEST(Reproducers, EachReplaysToItsOracleIsCleanWhenFixedAndPrintsBackExactly) {
  int files = 0;
  std::set<std::string> variants_seen;
  for (const auto& entry : fs::directory_iterator(fs::path(NFZ_SOURCE_DIR) / "tests/dcache/reproducers")) {
    ++files;
    SCOPED_TRACE(entry.path().filename().string());
    std::ifstream in(entry.path());
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    auto parsed = parse_schedule_file(text, entry.path().string());
    ASSERT_TRUE(std::holds_alternative<ScheduleFile>(parsed)) << std::get<ScheduleError>(parsed).to_string();
    const ScheduleFile& f = std::get<ScheduleFile>(parsed);
    const std::string prefix = "# VIOLATION: ";
    ASSERT_EQ(text.rfind(prefix, 0), 0u);
    const std::string oracle = text.substr(prefix.size(), text.find(':', prefix.size()) - prefix.size());
    const RunResult r = run_schedule(f.scenario, f.schedule);
    EXPECT_EQ(oracle_info(r.violation.oracle).name, oracle);
    EXPECT_TRUE(variants()[f.scenario.variant].caught_by(r.violation.oracle));
    EXPECT_FALSE(run_schedule(with_variant(f.scenario, 0), f.schedule).found());
    EXPECT_EQ(format_report({f.scenario, f.schedule, r.violation}), text);
    variants_seen.insert(std::string(variants()[f.scenario.variant].name));
  }
  EXPECT_GE(files, 12);
  EXPECT_EQ(variants_seen.size(), variants().size() - 1);  // every seeded variant has one
}

}  // namespace
}  // namespace nfz::dcache
