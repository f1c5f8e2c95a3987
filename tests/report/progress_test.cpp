// The progress rule: a live line rewritten in place on a terminal, one plain line per
// report elsewhere; figures rounded.
#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "report/progress.hpp"

namespace nfz::report {
namespace {

TEST(Progress, OffATerminalEachReportIsALine) {
  std::ostringstream out;
  Progress p(out, false);
  p.report("diff: 100/300 programs");
  p.report("diff: 200/300 programs");
  p.finish("diff: 300/300 programs");
  EXPECT_EQ(out.str(), "diff: 100/300 programs\ndiff: 200/300 programs\ndiff: 300/300 programs\n");
}

TEST(Progress, OnATerminalOneLineIsRewrittenAndEndedOnce) {
  std::ostringstream out;
  Progress p(out, true);
  p.report("stress: 1.0 s, programs 100");
  p.report("stress: 2.0 s, programs 2");
  p.break_line();
  p.break_line();  // nothing pending: nothing more
  p.finish("stress: 3.0 s");
  EXPECT_EQ(out.str(), "\rstress: 1.0 s, programs 100\rstress: 2.0 s, programs 2  \n\rstress: 3.0 s\n");
}

TEST(Progress, DueOncePerInterval) {
  std::ostringstream out;
  Progress p(out, false, std::chrono::milliseconds(50));
  EXPECT_FALSE(p.due());
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  EXPECT_TRUE(p.due());
  p.report("x");
  EXPECT_FALSE(p.due());
}

TEST(Progress, FiguresAreRounded) {
  EXPECT_EQ(rounded(0), "0");
  EXPECT_EQ(rounded(987), "987");
  EXPECT_EQ(rounded(2449), "2.45k");
  EXPECT_EQ(rounded(45678), "45.7k");
  EXPECT_EQ(rounded(999999), "1.00M");
  EXPECT_EQ(rounded(12.5), "12.5");
  EXPECT_EQ(rounded(0.621073), "0.62");
  EXPECT_EQ(duration_text(0.621073), "0.6 s");
  EXPECT_EQ(duration_text(42.4), "42 s");
  EXPECT_EQ(duration_text(200), "3 min 20 s");
}

}  // namespace
}  // namespace nfz::report
