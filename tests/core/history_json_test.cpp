// History <-> JSON lines (docs/FORMAT.md).
#include <gtest/gtest.h>

#include <sstream>

#include "core/history.hpp"

namespace nfz {
namespace {

History sample() {
  History h;
  h.target = "tmpfs";
  h.tids = {100, 100, 101};
  auto op = [](const char* line) { return std::get<Op>(parse_op(line, "t", 1)); };
  h.ops = {{op("mkdir(\"a\", 0755)")},
           {op("f0 = open(\"a/f\", O_RDWR|O_CREAT, 0644) [uring]"), op("close(f0)")},
           {op("unlink(\"a/f\")")}};
  h.events = {
      {.thread = -1, .index = 0, .call_ns = 10, .return_ns = 20, .result = 0},
      {.thread = 0, .index = 0, .call_ns = 30, .return_ns = 45, .result = 5, .dev = 39, .ino = 1234,
       .how = Completion::kInline, .nvcsw = 0},
      {.thread = 1, .index = 0, .call_ns = 31, .return_ns = 40, .result = -ENOENT, .how = Completion::kSyscall},
      {.thread = 0, .index = 1, .call_ns = 50, .return_ns = -1, .result = 0, .how = Completion::kHung, .nvcsw = 2},
  };
  return h;
}

TEST(HistoryJson, RoundTrips) {
  std::ostringstream out;
  write_history(out, sample());
  auto back = read_history(out.str(), "h.jsonl");
  ASSERT_TRUE(std::holds_alternative<History>(back)) << std::get<ParseError>(back).to_string();
  EXPECT_EQ(std::get<History>(back), sample());
}

TEST(HistoryJson, TheKernelsLinkRuleRoundTripsAndIsLeftOutWhenDefault) {
  History h = sample();
  std::ostringstream plain;
  write_history(plain, h);
  EXPECT_EQ(plain.str().find("failed_breaks_link"), std::string::npos);
  for (LinkRule rule : {LinkRule{true, false}, LinkRule{false, true}, LinkRule{true, true}}) {
    h.link_rule = rule;
    std::ostringstream out;
    write_history(out, h);
    auto back = read_history(out.str(), "h.jsonl");
    ASSERT_TRUE(std::holds_alternative<History>(back)) << std::get<ParseError>(back).to_string();
    EXPECT_EQ(std::get<History>(back).link_rule, rule) << out.str().substr(0, out.str().find('\n'));
  }
}

TEST(HistoryJson, OneObjectPerLineWithReadableFields) {
  std::ostringstream out;
  write_history(out, sample());
  std::string text = out.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 5);
  EXPECT_NE(text.find("\"errno\":\"ENOENT\""), std::string::npos);
  EXPECT_NE(text.find("\"return_ns\":null"), std::string::npos);
  EXPECT_NE(text.find("\"issued\":\"inline\""), std::string::npos);
}

struct BadHistory {
  const char* name;
  std::string text;
  const char* where;
  const char* message;
};

class HistoryErrors : public ::testing::TestWithParam<BadHistory> {};

TEST_P(HistoryErrors, NameFileAndLine) {
  auto parsed = read_history(GetParam().text, "h.jsonl");
  ASSERT_TRUE(std::holds_alternative<ParseError>(parsed));
  std::string shown = std::get<ParseError>(parsed).to_string();
  EXPECT_EQ(shown.rfind(GetParam().where, 0), 0u) << shown;
  EXPECT_NE(shown.find(GetParam().message), std::string::npos) << shown;
  EXPECT_EQ(shown.find('\n'), std::string::npos);
}

const std::string kHeader = R"J({"format":"nameifuzz-history","version":1,"target":"tmpfs"})J" "\n";
const std::string kEvent = R"J({"thread":0,"index":0,"op":"unlink(\"a\")","call_ns":1,"return_ns":2,"ret":0,"issued":"syscall","nvcsw":0})J";

INSTANTIATE_TEST_SUITE_P(
    Table, HistoryErrors,
    ::testing::Values(
        BadHistory{"empty", "", "h.jsonl: ", "empty history"},
        BadHistory{"not_json", "{nope", "h.jsonl:1: ", "invalid JSON"},
        BadHistory{"wrong_format", R"J({"format":"other"})J", "h.jsonl:1: ", "expected a header"},
        BadHistory{"bad_link_rule", R"J({"format":"nameifuzz-history","version":1,"target":"tmpfs","failed_breaks_link":["fs","open"]})J",
                   "h.jsonl:1: ", "\"failed_breaks_link\" must be an array"},
        BadHistory{"bad_op", kHeader + R"J({"thread":0,"index":0,"op":"frob()","call_ns":1,"return_ns":2,"ret":0,"issued":"syscall","nvcsw":0})J",
                   "h.jsonl:2: ", "unknown op"},
        BadHistory{"index_gap", kHeader + kEvent + "\n" + kEvent, "h.jsonl:3: ", "out of order"},
        BadHistory{"return_before_call", kHeader + R"J({"thread":0,"index":0,"op":"unlink(\"a\")","call_ns":5,"return_ns":2,"ret":0,"issued":"syscall","nvcsw":0})J",
                   "h.jsonl:2: ", "out of range"},
        BadHistory{"unknown_errno", kHeader + R"J({"thread":0,"index":0,"op":"unlink(\"a\")","call_ns":1,"return_ns":2,"errno":"EWHAT","issued":"syscall","nvcsw":0})J",
                   "h.jsonl:2: ", "unknown errno"},
        BadHistory{"thread_range", kHeader + R"J({"thread":99,"index":0,"op":"unlink(\"a\")","call_ns":1,"return_ns":2,"ret":0,"issued":"syscall","nvcsw":0})J",
                   "h.jsonl:2: ", "\"thread\" out of range"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace nfz
