// The schedule file: prints and parses back equal; every malformed input is one
// `file:line: message` error, never a crash.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <variant>

#include "model/dcache/schedule_text.hpp"
#include "model/dcache/scenarios.hpp"
#include "model/dcache/variant.hpp"

namespace nfz::dcache {
namespace {

RC_GTEST_PROP(ScheduleText, DecodedInputsRoundTrip, (const std::vector<uint8_t>& bytes)) {
  const auto variant = *rc::gen::inRange<uint8_t>(0, static_cast<uint8_t>(variants().size()));
  Decoded d = decode_input(bytes, variant);
  if (d.schedule.size() > kMaxScheduleEntries) d.schedule.resize(kMaxScheduleEntries);
  const ScheduleFile f{d.scenario, d.schedule};
  auto back = parse_schedule_file(print_schedule_file(f), "printed");
  RC_ASSERT(std::holds_alternative<ScheduleFile>(back));
  RC_ASSERT(std::get<ScheduleFile>(back) == f);
}

RC_GTEST_PROP(ScheduleText, ArbitraryTextNeverCrashesAndErrorsAreOneLine, (const std::string& text)) {
  auto parsed = parse_schedule_file("nameifuzz dcache schedule v1\nvariant fixed\nfs nfs\n" + text, "f");
  if (auto* e = std::get_if<ScheduleError>(&parsed)) {
    RC_ASSERT(e->to_string().find('\n') == std::string::npos);
    RC_ASSERT(e->line >= 1u);
  }
}

struct Bad {
  const char* text;
  size_t line;
  const char* message_part;
};

const Bad kBad[] = {
    {"", 0, "empty file"},
    {"nameifuzz dcache schedule v2\n", 1, "unsupported format version"},
    {"hello\n", 1, "expected 'nameifuzz dcache schedule v1'"},
    {"nameifuzz dcache schedule v1\nvariant nope\n", 2, "unknown variant 'nope'"},
    {"nameifuzz dcache schedule v1\nvariant fixed\nthread 0:\n", 3, "'variant' and 'fs' lines"},
    {"nameifuzz dcache schedule v1\nvariant fixed\nfs zfs\n", 3, "unknown fs 'zfs'"},
    {"nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nserver a=socket\n", 4, "server: expected"},
    {"nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nserver a=symlink\n", 4, "server: expected"},
    {"nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nserver a=file:b\n", 4, "server: expected"},
    {"nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nthread 1:\n", 4, "expected 'thread 0:'"},
    {"nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nthread 0:\n  frobnicate a\n", 5, "unknown op 'frobnicate'"},
    {"nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nthread 0:\n  open z\n", 5, "unknown name 'z'"},
    {"nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nthread 0:\n  open a O_TRUNC\n", 5, "unknown open flag"},
    {"nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nthread 0:\n  remote_create a\n", 5, "need a remote fs"},
    {"nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nthread 0:\n  open a O_EXCL\n", 5, "O_EXCL without O_CREAT"},
    {"nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nthread 0:\n  stat a\nschedule: 0 1\n", 6, "names thread 1 of 1"},
    {"nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nthread 0:\n  stat a\nschedule: 0 x\n", 6, "not a thread number"},
    {"nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nthread 0:\n  stat a\n", 5, "missing 'schedule:'"},
    {"nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nthread 0:\nthread 1:\n", 5, "thread 0 has no ops"},
    {"nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nthread 0:\n stat a\n stat a\n stat a\n stat a\n stat a\n", 9,
     "more than 4 ops"},
    {"nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\n stat a\n", 4, "op outside a section"},
    {"nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nthread 0:\n stat a\0\n", 5, "NUL byte"},
    {"nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nthread 0:\n stat a\nschedule: 99999999999\n", 6,
     "not a thread number"},
};

TEST(ScheduleText, MalformedInputsNameTheirLine) {
  for (const Bad& b : kBad) {
    // Embedded NUL bytes need an explicit length.
    std::string text(b.text, std::char_traits<char>::length(b.text));
    if (std::string_view(b.message_part) == "NUL byte") text.insert(text.size() - 1, 1, '\0');
    auto parsed = parse_schedule_file(text, "bad.sched");
    ASSERT_TRUE(std::holds_alternative<ScheduleError>(parsed)) << b.text;
    const ScheduleError& e = std::get<ScheduleError>(parsed);
    EXPECT_EQ(e.line, b.line) << e.to_string();
    EXPECT_NE(e.to_string().find(b.message_part), std::string::npos) << e.to_string();
    EXPECT_EQ(e.to_string().rfind("bad.sched:" + std::to_string(b.line) + ": ", 0), 0u) << e.to_string();
  }
}

TEST(ScheduleText, CommentsAndBlankLinesAreIgnored) {
  auto parsed = parse_schedule_file(
      "# a report starts with comments\n\nnameifuzz dcache schedule v1  \nvariant fixed # rules\nfs nfs\n"
      "server a=file b=dir c=symlink:a\nsetup:\n  stat a\nthread 0:\n  open a O_CREAT O_EXCL uring\nthread 1:\n  rename a b\n"
      "schedule: 1 0\n 1 # more\n",
      "ok");
  ASSERT_TRUE(std::holds_alternative<ScheduleFile>(parsed)) << std::get<ScheduleError>(parsed).to_string();
  const ScheduleFile& f = std::get<ScheduleFile>(parsed);
  EXPECT_EQ(f.scenario.nthreads, 2);
  EXPECT_EQ(f.scenario.nops[kSetupSlot], 1);
  EXPECT_EQ(f.scenario.server[1], kDir);
  EXPECT_EQ(f.scenario.server[2], kLink);
  EXPECT_EQ(f.scenario.server_target[2], 0);
  EXPECT_EQ(f.scenario.ops[0][0].how, kHowUring);
  EXPECT_EQ(f.scenario.ops[0][0].flags, kOCreat | kOExcl);
  EXPECT_EQ(f.schedule, (std::vector<uint8_t>{1, 0, 1}));
}

}  // namespace
}  // namespace nfz::dcache
