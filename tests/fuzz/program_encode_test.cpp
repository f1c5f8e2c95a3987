// The encoder is the decoder's inverse: what the mutators write back decodes to what they
// edited.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/decode.hpp"
#include "core/text.hpp"
#include "fuzz/kernel/program_encode.hpp"

namespace nfz::fuzz {
namespace {

RC_GTEST_PROP(ProgramEncode, DecodeEncodeDecodeIsDecode, (const std::vector<uint8_t>& bytes)) {
  Program p = decode_program(bytes);
  RC_ASSERT(decode_program(encode_program(p)) == p);
}

TEST(ProgramEncode, FaultsAndIssueModesSurvive) {
  auto parsed = parse_program(
      "nameifuzz program v1\n"
      "faults:\n  latency(LOOKUP, 100, 2000)\n  error(CREATE, ESTALE, 300)\n"
      "setup:\n  mkdir(\"a\", 0755)\n"
      "thread 0:\n  f0 = open(\"a/b\", O_WRONLY|O_CREAT|O_EXCL, 0644) [uring link fixed]\n  close(f0) [uring fixed]\n"
      "thread 1:\n  f1 = openat2(\"/a/../b/\", O_RDONLY|O_DIRECTORY, 0, RESOLVE_BENEATH|RESOLVE_CACHED) [uring-async]\n"
      "  drop_caches(2)\n  revalidate()\n",
      "test");
  ASSERT_TRUE(std::holds_alternative<Program>(parsed)) << std::get<ParseError>(parsed).to_string();
  const Program& p = std::get<Program>(parsed);
  EXPECT_TRUE(encodable(p)) << print_program(decode_program(encode_program(p)));
}

TEST(ProgramEncode, NamesOutsideTheAlphabetBecomeNearest) {
  auto parsed = parse_program("nameifuzz program v1\nthread 0:\n  mkdir(\"zz\", 0755)\n", "test");
  ASSERT_TRUE(std::holds_alternative<Program>(parsed));
  EXPECT_FALSE(encodable(std::get<Program>(parsed)));
  EXPECT_EQ(decode_program(encode_program(std::get<Program>(parsed))).threads.at(0).at(0).kind, OpKind::kMkdir);
}

}  // namespace
}  // namespace nfz::fuzz
