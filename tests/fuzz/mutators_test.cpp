// Every mutator of the table edits programs (and leaves them what the decoder makes), and
// crossover takes its parts from its parents.
#include <gtest/gtest.h>

#include <random>

#include "core/decode.hpp"
#include "core/op.hpp"
#include "fuzz/kernel/mutators.hpp"
#include "fuzz/kernel/program_encode.hpp"

namespace nfz::fuzz {
namespace {

Program random_program(Rng& rng) {
  std::vector<uint8_t> bytes(96);
  for (auto& b : bytes) b = static_cast<uint8_t>(rng());
  return decode_program(bytes);
}

TEST(Mutators, TableHasTheNamedEdits) {
  std::vector<std::string_view> names;
  for (const Mutator& m : mutator_table()) names.push_back(m.name);
  for (std::string_view want : {"insert_op", "delete_op", "swap_ops", "move_op_thread", "flip_open_flag",
                                "flip_resolve_bit", "change_path_component", "change_issue_mode",
                                "add_cache_action", "add_fuse_fault"})
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
}

TEST(Mutators, EachChangesProgramsAndTheResultDecodes) {
  Rng rng(7);
  for (const Mutator& m : mutator_table()) {
    int changed = 0, applied = 0;
    for (int i = 0; i < 200; ++i) {
      Program before = random_program(rng), after = before;
      if (!m.apply(after, rng)) continue;
      ++applied;
      Program decoded = decode_program(encode_program(after));
      for (const auto& ops : decoded.threads)
        for (const Op& op : ops) ASSERT_EQ(validate_op(op), "") << m.name;
      changed += decoded != before;
    }
    EXPECT_GT(applied, 100) << m.name;
    EXPECT_GT(changed, applied / 2) << m.name << ": most edits must survive encoding";
  }
}

TEST(Mutators, MoveOpThreadKeepsTheOpCount) {
  Rng rng(3);
  const Mutator* move = nullptr;
  for (const Mutator& m : mutator_table())
    if (m.name == "move_op_thread") move = &m;
  ASSERT_NE(move, nullptr);
  for (int i = 0; i < 100; ++i) {
    Program p = random_program(rng);
    size_t n = p.op_count();
    if (move->apply(p, rng)) EXPECT_EQ(p.op_count(), n);
  }
}

TEST(Mutators, CrossOverTakesThreadsFromItsParents) {
  Rng rng(11);
  for (int i = 0; i < 100; ++i) {
    Program a = random_program(rng), b = random_program(rng);
    Program c = cross_over(a, b, rng);
    EXPECT_TRUE(c.setup == a.setup || c.setup == b.setup);
    for (size_t t = 0; t < c.threads.size(); ++t)
      EXPECT_TRUE((t < a.threads.size() && c.threads[t] == a.threads[t]) ||
                  (t < b.threads.size() && c.threads[t] == b.threads[t]));
  }
}

}  // namespace
}  // namespace nfz::fuzz
