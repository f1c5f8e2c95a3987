// The checker's reports: the text names the failing prefix and op; the HTML timeline,
// rendered by headless Chromium, has one lane per thread and a visible failing op.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "lin_history_builder.hpp"
#include "lin_toy_model.hpp"
#include "oracles/linearizability/checker.hpp"
#include "oracles/linearizability/report.hpp"

namespace nfz::oracles::lin {
namespace {

namespace fs = std::filesystem;
using testing::kHung;

// Three threads; T2's exclusive create succeeds although T0's returned before it was called.
testing::HistoryCase violation() {
  return {"violation",
          {"mkdir(\"d\", 0755)"},
          {{0, "open(\"a\", O_RDONLY|O_CREAT|O_EXCL, 0644)", 0, 10, "ok"},
           {1, "statx(\"a\", 0)", 2, 4, "ENOENT"},
           {1, "unlink(\"b\")", 5, kHung, "EINTR"},
           {2, "statx(\"d\", 0)", 1, 3, "ok"},
           {2, "open(\"a\", O_RDONLY|O_CREAT|O_EXCL, 0644)", 12, 20, "ok"}}};
}

struct Checked {
  History history;
  CheckInput input;
  CheckResult result;
};

Checked check(const testing::HistoryCase& c) {
  Checked k;
  k.history = testing::build_history(c);
  EXPECT_EQ(make_check_input(k.history, k.input), "");
  k.result = check_linearizable(toy::FlatModel{}, k.input);
  return k;
}

TEST(LinearizabilityReport, TextNamesPrefixFailingOpAndPartialOrder) {
  Checked k = check(violation());
  ASSERT_EQ(k.result.verdict, Verdict::kIllegal);
  std::string text = text_report(k.input, k.result, 0.5);
  EXPECT_EQ(text.rfind("not linearizable\n", 0), 0u) << text;
  EXPECT_NE(text.find("smallest failing prefix"), std::string::npos) << text;
  EXPECT_NE(text.find("T2 #1  open(\"a\", O_RDONLY|O_CREAT|O_EXCL, 0644) = ok"), std::string::npos) << text;
  EXPECT_NE(text.find("longest partial linearization: "), std::string::npos) << text;
  EXPECT_NE(text.find("T1 #1  unlink(\"b\") = (hung)"), std::string::npos) << text;
}

TEST(LinearizabilityReport, UnknownIsAWarningNotAPass) {
  Checked k;
  k.history = testing::build_history(violation());
  make_check_input(k.history, k.input);
  Budget tiny;
  tiny.max_steps = 0;
  k.result = check_linearizable(toy::FlatModel{}, k.input, tiny);
  ASSERT_EQ(k.result.verdict, Verdict::kUnknown);
  std::string text = text_report(k.input, k.result, 0);
  EXPECT_NE(text.find("warning: search over budget"), std::string::npos) << text;
}

TEST(LinearizabilityReport, HtmlHasLanesBarsAndTheFailingOp) {
  Checked k = check(violation());
  std::string html = html_report(k.history, k.input, k.result, "violation", "text");
  EXPECT_NE(html.find("class=\"op failing\" data-op=\"T2 #1\""), std::string::npos);
  EXPECT_NE(html.find("<g class=\"lane\" data-thread=\"2\">"), std::string::npos);
  EXPECT_NE(html.find("class=\"op linearized"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg")) << "no external resources";
}

std::string find_chromium() {
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    std::string cmd = std::string("command -v ") + name + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) == 0) return name;
  }
  return "";
}

TEST(LinearizabilityReport, ChromiumRendersLanesAndFailingOp) {
  const std::string chromium = find_chromium();
  if (chromium.empty()) GTEST_SKIP() << "chromium is not installed (scripts/setup installs it)";
  Checked k = check(violation());
  fs::path dir = fs::temp_directory_path() / ("nameifuzz-lin-report-" + std::to_string(::getpid()));
  fs::create_directories(dir / "profile");
  fs::path page = dir / "report.html";
  std::ofstream(page) << html_report(k.history, k.input, k.result, "violation", text_report(k.input, k.result, 0));
  fs::path dom = dir / "dom.html";
  std::string cmd = "timeout 60 " + chromium +
                    " --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking"
                    " --disable-component-update --disable-sync --user-data-dir=" +
                    (dir / "profile").string() + " --virtual-time-budget=2000 --dump-dom file://" + page.string() +
                    " > " + dom.string() + " 2>/dev/null";
  int rc = std::system(cmd.c_str());
  std::stringstream out;
  out << std::ifstream(dom).rdbuf();
  fs::remove_all(dir);
  ASSERT_EQ(rc, 0) << cmd;
  const std::string text = out.str();
  EXPECT_NE(text.find("data-rendered=\"yes\""), std::string::npos) << text.substr(0, 500);
  EXPECT_NE(text.find("data-lanes=\"4\""), std::string::npos) << "setup and three threads";
  size_t at = text.find("data-failing-width=\"");
  ASSERT_NE(at, std::string::npos);
  EXPECT_GT(std::atoi(text.c_str() + at + 20), 0) << "the failing op has a visible bar";
  EXPECT_NE(text.find("class=\"op failing\" data-op=\"T2 #1\""), std::string::npos);
}

}  // namespace
}  // namespace nfz::oracles::lin
