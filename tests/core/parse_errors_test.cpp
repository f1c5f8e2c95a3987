// Parser errors: one line, file:line:column, what was expected (docs/FORMAT.md).
#include <gtest/gtest.h>

#include "core/text.hpp"

namespace nfz {
namespace {

struct ErrorCase {
  const char* name;
  std::string text;
  const char* where;    // "file:line:col" prefix expected
  const char* message;  // substring expected in the message
};

class ParseErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ParseErrors, NamesPlaceAndExpectation) {
  const ErrorCase& c = GetParam();
  auto parsed = parse_program(c.text, "t.nfz");
  ASSERT_TRUE(std::holds_alternative<ParseError>(parsed)) << c.name;
  std::string shown = std::get<ParseError>(parsed).to_string();
  EXPECT_EQ(shown.rfind(c.where, 0), 0u) << shown;
  EXPECT_NE(shown.find(c.message), std::string::npos) << shown;
  EXPECT_EQ(shown.find('\n'), std::string::npos) << "error spans lines: " << shown;
  EXPECT_LT(shown.size(), 200u) << shown;
}

const std::string H = "nameifuzz program v1\n";

INSTANTIATE_TEST_SUITE_P(
    Table, ParseErrors,
    ::testing::Values(
        ErrorCase{"empty", "", "t.nfz: ", "empty file"},
        ErrorCase{"no_header", "thread 0:\n", "t.nfz:1:1:", "expected header"},
        ErrorCase{"future_version", "nameifuzz program v2\n", "t.nfz:1:1:", "unsupported format version"},
        ErrorCase{"op_before_section", H + "unlink(\"a\")\n", "t.nfz:2:1:", "before the first op"},
        ErrorCase{"unknown_op", H + "thread 0:\n  frobnicate(\"a\")\n", "t.nfz:3:3:", "unknown op"},
        ErrorCase{"unknown_flag", H + "thread 0:\n  open(\"a\", O_RDONLY|O_SYNC)\n", "t.nfz:3:22:", "unknown open flag"},
        ErrorCase{"unknown_resolve", H + "thread 0:\n  openat2(\"a\", O_RDONLY, 0, RESOLVE_X)\n", "t.nfz:3:29:", "unknown RESOLVE_ flag"},
        ErrorCase{"resolve_without_openat2", H + "thread 0:\n  open(\"a\", O_RDONLY, 0, RESOLVE_CACHED)\n", "t.nfz:3:", "expected ')'"},
        ErrorCase{"truncated_line", H + "thread 0:\n  open(\"a\", O_RD", "t.nfz:3:13:", "unknown open flag"},
        ErrorCase{"unterminated_string", H + "thread 0:\n  unlink(\"abc\n", "t.nfz:3:10:", "unterminated string"},
        ErrorCase{"huge_number", H + "thread 0:\n  usleep(99999999999999999999999)\n", "t.nfz:3:10:", "out of range"},
        ErrorCase{"sleep_too_long", H + "thread 0:\n  usleep(20000000)\n", "t.nfz:3:10:", "out of range"},
        ErrorCase{"bad_register", H + "thread 0:\n  close(f16)\n", "t.nfz:3:9:", "fd register"},
        ErrorCase{"assign_non_open", H + "thread 0:\n  f1 = unlink(\"a\")\n", "t.nfz:3:8:", "only an open assigns"},
        ErrorCase{"thread_gap", H + "thread 0:\nthread 2:\n", "t.nfz:3:8:", "expected thread 1"},
        ErrorCase{"setup_after_threads", H + "thread 0:\nsetup:\n", "t.nfz:3:1:", "setup: must come once"},
        ErrorCase{"nul_byte", H + std::string("thread 0:\n  unlink(\"a\0\")\n", 23), "t.nfz:3:12:", "NUL byte"},
        ErrorCase{"nul_escape", H + "thread 0:\n  unlink(\"a\\x00\")\n", "t.nfz:3:", "NUL byte"},
        ErrorCase{"long_line", H + "thread 0:\n  unlink(\"" + std::string(70000, 'a') + "\")\n", "t.nfz:3:1:", "line longer than"},
        ErrorCase{"long_path", H + "thread 0:\n  unlink(\"" + std::string(5000, 'a') + "\")\n", "t.nfz:3:", "path longer than"},
        ErrorCase{"link_on_syscall", H + "thread 0:\n  unlink(\"a\") [syscall link]\n", "t.nfz:3:3:", "need io_uring"},
        ErrorCase{"mknod_uring", H + "thread 0:\n  mknod(\"a\", S_IFIFO|0644) [uring]\n", "t.nfz:3:3:", "io_uring has no mknod"},
        ErrorCase{"bad_issue_word", H + "thread 0:\n  unlink(\"a\") [uring fast]\n", "t.nfz:3:22:", "expected link, fixed"},
        ErrorCase{"trailing_garbage", H + "thread 0:\n  unlink(\"a\") x\n", "t.nfz:3:15:", "expected end of line"},
        ErrorCase{"binary", std::string("\x7f" "ELF\x02\x01\x01\x00\x00", 9), "t.nfz:1:", "NUL byte"},
        ErrorCase{"mode_bits", H + "thread 0:\n  mkdir(\"a\", 0170000)\n", "t.nfz:3:3:", "mode has bits"},
        ErrorCase{"fault_unknown_request", H + "faults:\n  latency(LOOKIN, 0, 5)\n", "t.nfz:3:11:", "unknown FUSE request type"},
        ErrorCase{"fault_unknown_errno", H + "faults:\n  error(LOOKUP, EWHAT, 10)\n", "t.nfz:3:17:", "unknown errno"},
        ErrorCase{"fault_permille", H + "faults:\n  error(LOOKUP, EIO, 1001)\n", "t.nfz:3:22:", "out of range"},
        ErrorCase{"fault_after_setup", H + "setup:\nfaults:\n", "t.nfz:3:1:", "faults: must come once"},
        ErrorCase{"fault_min_above_max", H + "faults:\n  latency(OPEN, 9, 2)\n", "t.nfz:3:3:", "minimum above"},
        ErrorCase{"access_mode_3", H + "thread 0:\n  open(\"a\", O_WRONLY|O_RDWR)\n", "t.nfz:3:3:", "access mode 3"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ParseErrors, SingleOpErrorsNameTheirLine) {
  auto parsed = parse_op("close(fx)", "h.jsonl", 7);
  ASSERT_TRUE(std::holds_alternative<ParseError>(parsed));
  EXPECT_EQ(std::get<ParseError>(parsed).to_string().rfind("h.jsonl:7:7:", 0), 0u);
}

}  // namespace
}  // namespace nfz
