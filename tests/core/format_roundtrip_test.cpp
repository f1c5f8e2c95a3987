// The .nfz format: printing and parsing are inverse (docs/FORMAT.md).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/generate.hpp"
#include "core/text.hpp"

namespace nfz {
namespace {

Program parse_ok(std::string_view text) {
  auto parsed = parse_program(text, "test.nfz");
  if (auto* err = std::get_if<ParseError>(&parsed)) ADD_FAILURE() << err->to_string();
  return std::holds_alternative<Program>(parsed) ? std::get<Program>(parsed) : Program{};
}

RC_GTEST_PROP(FormatRoundTrip, ParsePrintIsIdentity, ()) {
  Program p = *gen::program();
  std::string text = print_program(p);
  auto back = parse_program(text, "generated.nfz");
  RC_ASSERT(std::holds_alternative<Program>(back));
  RC_ASSERT(std::get<Program>(back) == p);
}

RC_GTEST_PROP(FormatRoundTrip, NonblockProgramsAreValidAndRoundTrip, ()) {
  Program p = *gen::nonblock_program();
  for (const auto& t : p.threads)
    for (const auto& op : t) RC_ASSERT(validate_op(op) == "");
  auto back = parse_program(print_program(p), "nonblock.nfz");
  RC_ASSERT(std::holds_alternative<Program>(back));
  RC_ASSERT(std::get<Program>(back) == p);
}

RC_GTEST_PROP(FormatRoundTrip, GeneratedOpsAreValid, ()) {
  Op op = *gen::op();
  RC_ASSERT(validate_op(op) == "");
}

RC_GTEST_PROP(FormatRoundTrip, SingleOpLinesRoundTrip, ()) {
  Op op = *gen::op();
  auto back = parse_op(print_op(op), "op", 1);
  RC_ASSERT(std::holds_alternative<Op>(back));
  RC_ASSERT(std::get<Op>(back) == op);
}

// print(parse(text)) is a fixed point for accepted text written in non-canonical ways.
TEST(FormatRoundTrip, PrintOfParseIsFixedPoint) {
  const char* inputs[] = {
      "nameifuzz program v1\nthread 0:\n  open(\"a\", O_CREAT|O_RDWR|O_EXCL, 420)\n",
      "# leading comment\n\nnameifuzz program v1   # header comment\nsetup:\nthread 0:\n",
      "nameifuzz program v1\nthread 0:\n  renameat2(\"a\", \"b\", 0)\n  rename(\"a\",\"b\")\n",
      "nameifuzz program v1\nthread 0:\n  f3=openat2( \"x\\n\\x41\" , O_RDONLY , 0 , RESOLVE_CACHED|RESOLVE_BENEATH ) [ uring link ]\n",
      "nameifuzz program v1\nthread 0:\n  f1 = openat(f2, \"d\", O_RDONLY|0x10000)\n",
      "nameifuzz program v1\nthread 0:\nthread 1:\n  usleep(0x10)\n  mknod(\"n\", S_IFCHR|0666, 1, 3)\n",
  };
  for (const char* in : inputs) {
    std::string once = print_program(parse_ok(in));
    EXPECT_EQ(print_program(parse_ok(once)), once) << in;
  }
}

TEST(FormatRoundTrip, CanonicalTextOfEveryOpFamily) {
  const std::string text = R"(nameifuzz program v1
faults:
  latency(LOOKUP, 0, 2000)
  error(CREATE, ESTALE, 250)
setup:
  mkdir("d", 0755)
  f0 = open("d/f", O_RDWR|O_CREAT|O_EXCL, 0644)
  close(f0)
thread 0:
  f1 = openat2("d", O_RDONLY|O_DIRECTORY, 0, RESOLVE_CACHED) [uring]
  f2 = openat(f1, "f", O_WRONLY|O_TRUNC) [uring-async]
  f3 = open(".", O_RDWR|O_TMPFILE, 0600) [uring link fixed]
  close(f3) [uring fixed]
  renameat2("d/f", "d/g", RENAME_NOREPLACE) [uring]
  rename("d/g", "e")
  symlink("/d/../e", "s")
  link("e", "d/h")
  mknod("p", S_IFIFO|0600)
  mknod("n", S_IFCHR|0666, 1, 3)
  statx("s", AT_SYMLINK_NOFOLLOW) [uring]
  unlink("s")
  rmdir("d")
thread 1:
  drop_caches(3)
  revalidate()
  usleep(100)
)";
  EXPECT_EQ(print_program(parse_ok(text)), text);
}

TEST(FormatRoundTrip, StringsEscapeWhatIsNotPrintable) {
  Op op;
  op.kind = OpKind::kUnlink;
  op.path = std::string("a\"b\\c\x01\xff", 7);
  EXPECT_EQ(print_op(op), R"(unlink("a\"b\\c\x01\xff"))");
  auto back = parse_op(print_op(op), "op", 1);
  ASSERT_TRUE(std::holds_alternative<Op>(back));
  EXPECT_EQ(std::get<Op>(back), op);
}

}  // namespace
}  // namespace nfz
