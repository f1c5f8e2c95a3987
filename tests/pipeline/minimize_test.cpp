// The minimizer against predicates with a known minimum: each case says what must stay
// for the "finding" to show, and the minimizer must end at exactly that.
#include <gtest/gtest.h>

#include <variant>

#include "core/text.hpp"
#include "pipeline/minimize.hpp"

namespace nfz::pipeline {
namespace {

Program parse(const std::string& body) {
  auto p = parse_program(std::string(kProgramHeader) + "\n" + body, "t.nfz");
  if (auto* e = std::get_if<ParseError>(&p)) ADD_FAILURE() << e->to_string();
  return std::get<Program>(p);
}

bool any_op(const Program& p, const std::function<bool(const Op&)>& pred) {
  for (const Op& op : p.setup)
    if (pred(op)) return true;
  for (const auto& t : p.threads)
    for (const Op& op : t)
      if (pred(op)) return true;
  return false;
}

constexpr const char* kNoisy = R"(setup:
  mkdir("directory", 0755)
  f0 = open("directory/file", O_WRONLY|O_CREAT|O_TRUNC, 0644)
  close(f0)
  drop_caches(2)
thread 0:
  statx("directory/file", AT_SYMLINK_NOFOLLOW) [uring]
  f1 = open("directory/file", O_RDWR|O_NOFOLLOW) [uring-async link]
  close(f1) [uring]
  unlink("directory/file") [uring-async]
  mkdir("other", 0700)
thread 1:
  rename("directory", "moved") [uring]
  usleep(100)
  open("moved/file", O_RDONLY)
)";

struct Case {
  const char* name;
  std::function<bool(const Program&)> fails;
  std::string minimum;  // the canonical text of the expected result
};

class MinimizeCase : public testing::TestWithParam<Case> {};

TEST_P(MinimizeCase, EndsAtTheKnownMinimum) {
  MinimizeStats stats;
  Program got = minimize(parse(kNoisy), GetParam().fails, 30, stats);
  EXPECT_EQ(print_program(got), print_program(parse(GetParam().minimum)));
  EXPECT_FALSE(stats.budget_spent);
  EXPECT_EQ(stats.ops_before, 12u);
  EXPECT_EQ(stats.ops_after, got.op_count());
}

INSTANTIATE_TEST_SUITE_P(
    Predicates, MinimizeCase,
    testing::Values(
        // One op, of one kind: everything else goes, its path shortens, its issue mode and flags too.
        Case{"unlink_anywhere", [](const Program& p) { return any_op(p, [](const Op& o) { return o.kind == OpKind::kUnlink; }); },
             "thread 0:\n  unlink(\"a\")\n"},
        // An io_uring rename: the mode stays (as syscall it would not fail), the names shorten.
        Case{"uring_rename",
             [](const Program& p) {
               return any_op(p, [](const Op& o) { return o.kind == OpKind::kRename && o.issue.via != Via::kSyscall; });
             },
             "thread 0:\n  rename(\"a\", \"b\") [uring]\n"},
        // Two threads with an op each, a mkdir and an O_NOFOLLOW open: both threads stay.
        Case{"two_threads",
             [](const Program& p) {
               return p.threads.size() == 2 && !p.threads[0].empty() && !p.threads[1].empty() &&
                      any_op(p, [](const Op& o) { return o.kind == OpKind::kMkdir; }) &&
                      any_op(p, [](const Op& o) { return o.kind == OpKind::kOpen && (o.flags & O_NOFOLLOW); });
             },
             "thread 0:\n  open(\"a\", O_RDONLY|O_NOFOLLOW)\n  mkdir(\"b\", 0700)\nthread 1:\n  open(\"a\", O_RDONLY)\n"},
        // A path of two components under a name: the components stay, the names shorten.
        Case{"nested_path",
             [](const Program& p) {
               return any_op(p, [](const Op& o) { return o.kind == OpKind::kStatx && o.path.find('/') != std::string::npos; });
             },
             "thread 0:\n  statx(\"a/b\", 0)\n"}),
    [](const testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(Minimize, StopsAtTheBudget) {
  MinimizeStats stats;
  Program p = parse(kNoisy);
  Program got = minimize(p, [](const Program&) { return true; }, 0, stats);
  EXPECT_TRUE(stats.budget_spent);
  EXPECT_EQ(got, p);
}

TEST(Minimize, FaultsAreDroppedWhenNotNeeded) {
  Program p = parse("faults:\n  latency(OPENDIR, 20000, 20000)\n  error(LOOKUP, ENOENT, 1000)\n" + std::string(kNoisy));
  MinimizeStats stats;
  Program got = minimize(p, [](const Program& c) {
    bool error = false;
    for (const FuseFault& f : c.faults) error |= f.kind == FuseFault::Kind::kError;
    return error && c.op_count() > 0;
  }, 30, stats);
  ASSERT_EQ(got.faults.size(), 1u);
  EXPECT_EQ(got.faults[0].op, FuseOp::kLookup);
  EXPECT_EQ(got.op_count(), 1u);
}

}  // namespace
}  // namespace nfz::pipeline
