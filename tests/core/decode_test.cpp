// The byte decoder: every byte string is a valid Program; small inputs, small programs.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <random>
#include <set>

#include "core/decode.hpp"
#include "core/text.hpp"

namespace nfz {
namespace {

bool all_valid(const Program& p) {
  for (const auto& op : p.setup)
    if (!validate_op(op).empty()) return false;
  for (const auto& t : p.threads)
    for (const auto& op : t)
      if (!validate_op(op).empty()) return false;
  return true;
}

RC_GTEST_PROP(Decode, EveryByteStringDecodesToAValidProgram, (const std::vector<uint8_t>& bytes)) {
  Program p = decode_program(bytes);
  RC_ASSERT(all_valid(p));
  RC_ASSERT(!p.threads.empty());
  RC_ASSERT(static_cast<int>(p.threads.size()) <= kMaxDecodedThreads);
  auto back = parse_program(print_program(p), "decoded");
  RC_ASSERT(std::holds_alternative<Program>(back));
  RC_ASSERT(std::get<Program>(back) == p);
}

// Each op consumes at least two bytes, so an n-byte input has at most n/2 ops.
RC_GTEST_PROP(Decode, SmallInputsGiveSmallPrograms, (const std::vector<uint8_t>& bytes)) {
  RC_ASSERT(decode_program(bytes).op_count() <= bytes.size() / 2);
}

TEST(Decode, IsDeterministic) {
  std::vector<uint8_t> bytes = {3, 1, 0, 7, 9, 200, 13, 2, 255, 4, 4, 4};
  EXPECT_EQ(decode_program(bytes), decode_program(bytes));
}

TEST(Decode, EmptyInputIsOneEmptyThread) {
  Program p = decode_program({});
  EXPECT_EQ(p.threads.size(), 1u);
  EXPECT_EQ(p.op_count(), 0u);
}

TEST(Decode, LargeInputsAreCapped) {
  std::vector<uint8_t> bytes(1 << 16, 0x5a);
  EXPECT_LE(decode_program(bytes).op_count(), kMaxDecodedOps);
}

// Names come from a small alphabet: random inputs produce colliding paths often.
TEST(Decode, NamesCollideOften) {
  std::mt19937 rng(1);
  std::map<std::string, int> seen;
  int paths = 0;
  for (int i = 0; i < 200; ++i) {
    std::vector<uint8_t> bytes(64);
    for (auto& b : bytes) b = static_cast<uint8_t>(rng());
    Program p = decode_program(bytes);
    for (const auto& t : p.threads)
      for (const auto& op : t)
        if (has_path(op.kind)) ++seen[op.path], ++paths;
  }
  ASSERT_GT(paths, 500);
  // Over half of all paths repeat one that an earlier op already used.
  EXPECT_LT(seen.size(), static_cast<size_t>(paths) / 2) << "too few collisions";
}

TEST(Decode, EveryOpKindIsReachable) {
  std::set<OpKind> kinds;
  for (int k = 0; k < 256; ++k) {
    std::vector<uint8_t> bytes = {0, 1, static_cast<uint8_t>(k), 1, 2, 3, 4, 5, 6};
    Program p = decode_program(bytes);
    for (const auto& op : p.threads[0]) kinds.insert(op.kind);
  }
  EXPECT_EQ(kinds.size(), static_cast<size_t>(kOpKindCount));
}

}  // namespace
}  // namespace nfz
