// The `linearizable` oracle with the reference lookup model (lookup_check.hpp): canonical
// inode numbering, names coupled by `..`, symlinks and directory renames, io_uring chain
// cancellation, target -> profile, and the stress loop's entry (titles, unknowns, skips).
#include <gtest/gtest.h>

#include <cerrno>

#include "oracles/linearizability/canonical_state.hpp"
#include "oracles/linearizability/history_gen.hpp"
#include "oracles/linearizability/lookup_check.hpp"
#include "tests/oracles/lin_history_builder.hpp"

namespace nfz::oracles::lin {
namespace {

using testing::build_history;
using testing::HistoryCase;
using testing::parse;

model::State after(const model::LookupModel& m, std::initializer_list<const char*> ops) {
  model::State s = m.initial();
  std::vector<model::Transition> out;
  for (const char* text : ops) {
    m.step(s, parse(text), out);
    EXPECT_FALSE(out.empty()) << text;
    s = out.front().next;
  }
  return s;
}

TEST(CanonicalNumbering, MergesStatesThatDifferOnlyInInodeNumbers) {
  const model::LookupModel m(model::Profile::kTmpfs);
  model::State a = after(m, {"mkdir(\"a\", 0755)", "f3 = open(\"b\", O_RDWR|O_CREAT, 0644)", "symlink(\"a\", \"c\")",
                             "link(\"b\", \"a/h\")"});
  model::State b = after(m, {"symlink(\"a\", \"c\")", "f3 = open(\"b\", O_RDWR|O_CREAT, 0644)", "mkdir(\"a\", 0755)",
                             "link(\"b\", \"a/h\")"});
  EXPECT_FALSE(a == b) << "the model numbers them differently";
  CanonicalNumbering canonical;
  canonical.apply(a);
  canonical.apply(b);
  EXPECT_TRUE(a == b) << model::describe_state(a) << "\nvs\n" << model::describe_state(b);
  model::State c = after(m, {"mkdir(\"a\", 0755)", "f3 = open(\"b\", O_RDWR|O_CREAT, 0644)", "symlink(\"a\", \"c\")",
                             "link(\"b\", \"a/g\")"});
  canonical.apply(c);
  EXPECT_FALSE(a == c) << "different names are different states";
}

TEST(CanonicalNumbering, KeepsUnlinkedOpenFilesAndRemovedDirectories) {
  const model::LookupModel m(model::Profile::kTmpfs);
  model::State a = after(m, {"mkdir(\"x\", 0755)", "mkdir(\"x/y\", 0755)", "f1 = open(\"x/y\", O_RDONLY|O_DIRECTORY)",
                             "f2 = open(\"z\", O_WRONLY|O_CREAT, 0644)", "rmdir(\"x/y\")", "unlink(\"z\")"});
  const std::string before = model::describe_state(a);
  CanonicalNumbering canonical;
  canonical.apply(a);
  EXPECT_EQ(model::describe_state(a), before);
  EXPECT_EQ(a.nodes.size(), 4u);
}

struct LookupCase {
  HistoryCase history;
  Verdict expected;
};

const LookupCase kCases[] = {
    {{"creations in either order explain both names",
      {},
      {{0, "mkdir(\"a\", 0755)", 10, 50, "ok"}, {1, "mknod(\"b\", S_IFREG|0644)", 10, 50, "ok"},
       {2, "mkdir(\"a/c\", 0755)", 20, 60, "ok"}, {0, "statx(\"b\", 0)", 70, 80, "ok"}}},
     Verdict::kOk},
    {{"a symlink created during a walk through it", {"mkdir(\"d\", 0755)"},
      {{0, "symlink(\"d\", \"l\")", 10, 50, "ok"}, {1, "statx(\"l/.\", 0)", 20, 30, "ok"}}},
     Verdict::kOk},
    {{"renaming a directory moves the name below it", {"mkdir(\"a\", 0755)", "mknod(\"a/f\", S_IFREG|0644)"},
      {{0, "renameat2(\"a\", \"b\", 0)", 10, 20, "ok"}, {1, "statx(\"a/f\", 0)", 30, 40, "ok"}}},
     Verdict::kIllegal},
    {{"renaming a directory: the name is found under its new parent", {"mkdir(\"a\", 0755)", "mknod(\"a/f\", S_IFREG|0644)"},
      {{0, "renameat2(\"a\", \"b\", 0)", 10, 40, "ok"}, {1, "statx(\"b/f\", 0)", 20, 30, "ok"},
       {1, "statx(\"a/f\", 0)", 50, 60, "ENOENT"}}},
     Verdict::kOk},
    {{"`..` needs the directory it passes through", {"mkdir(\"a\", 0755)", "mkdir(\"b\", 0755)"},
      {{0, "rmdir(\"a\")", 10, 20, "ok"}, {1, "statx(\"a/../b\", 0)", 30, 40, "ok"}}},
     Verdict::kIllegal},
    {{"two exclusive creates of one name", {},
      {{0, "open(\"x\", O_WRONLY|O_CREAT|O_EXCL, 0644)", 10, 40, "ok"},
       {1, "open(\"x\", O_WRONLY|O_CREAT|O_EXCL, 0644)", 20, 30, "ok"}}},
     Verdict::kIllegal},
    {{"a chain cancelled after its failed open", {},
      {{0, "open(\"nope\", O_RDONLY) [uring link]", 10, 20, "ENOENT"}, {0, "mkdir(\"x\", 0755) [uring]", 10, 20, "ECANCELED"},
       {1, "statx(\"x\", 0)", 30, 40, "ENOENT"}}},
     Verdict::kOk},
    {{"an op after a broken chain must not run", {},
      {{0, "open(\"nope\", O_RDONLY) [uring link]", 10, 20, "ENOENT"}, {0, "mkdir(\"x\", 0755) [uring]", 21, 30, "ok"}}},
     Verdict::kIllegal},
    {{"a chain reads a register as it was before the chain", {"mkdir(\"d\", 0755)", "mknod(\"d/x\", S_IFREG|0644)"},
      {{0, "f4 = open(\"d\", O_RDONLY|O_DIRECTORY) [uring link]", 10, 20, "ok"},
       {0, "openat(f4, \"x\", O_RDONLY) [uring]", 10, 20, "EBADF"}}},
     Verdict::kOk},
    {{"a chain op after the register was set in an earlier chain reads it", {"mkdir(\"d\", 0755)"},
      {{0, "f4 = open(\"d\", O_RDONLY|O_DIRECTORY) [uring]", 10, 20, "ok"},
       {0, "openat(f4, \"x\", O_RDONLY) [uring]", 30, 40, "EBADF"}}},
     Verdict::kIllegal},
    // The dirfd's number is read when the op is called (or its SQE prepared) and looked up
    // later: another thread's close frees the number and its open may take it, so the
    // create may land anywhere (met on btrfs: "d/b" made under "/a" through the root's f8).
    {{"a create through an fd another thread closed and an open may have retaken",
      {"mkdir(\"a\", 0755)", "mkdir(\"a/d\", 0755)", "f8 = open(\"/\", O_RDONLY|O_DIRECTORY)"},
      {{0, "openat(f8, \"d/b\", O_RDWR|O_CREAT, 0644)", 10, 100, "ok"}, {1, "close(f8)", 20, 30, "ok"},
       {1, "open(\"/a\", O_RDONLY|O_DIRECTORY)", 40, 50, "ok"}}},
     Verdict::kUnknown},
    {{"a create through an fd another thread closed, no open beside it",
      {"mkdir(\"a\", 0755)", "mkdir(\"a/d\", 0755)", "f8 = open(\"/\", O_RDONLY|O_DIRECTORY)"},
      {{0, "openat(f8, \"d/b\", O_RDWR|O_CREAT, 0644)", 10, 100, "ok"}, {1, "close(f8)", 20, 30, "ok"}}},
     Verdict::kIllegal},
    {{"a create through a register its chain sets is beyond the model", {"mkdir(\"d\", 0755)"},
      {{0, "f4 = open(\"d\", O_RDONLY|O_DIRECTORY) [uring link]", 10, 20, "ok"},
       {0, "openat(f4, \"x\", O_WRONLY|O_CREAT, 0644) [uring]", 10, 20, "EBADF"}}},
     Verdict::kUnknown},
};

TEST(LookupCheck, HandWrittenHistoriesOnTheReferenceModel) {
  for (const LookupCase& c : kCases) {
    LookupCheck k;
    ASSERT_EQ(check_with_lookup_model(build_history(c.history), "", Budget{}, k), "") << c.history.name;
    EXPECT_EQ(k.result.verdict, c.expected) << c.history.name << "\n" << k.result.reason;
  }
}

// A failed mkdir or statx breaks its chain on the kernels whose probed rule says so
// (exec/link_probe.hpp), and only on those: the linked op after it runs, or is cancelled.
TEST(LookupCheck, TheHistorysLinkRuleDecidesWhetherAFailedOpBreaksItsChain) {
  const char* failing[] = {"mkdir(\"d\", 0755) [uring link]", "statx(\"nope\", 0) [uring link]"};
  const char* errors[] = {"EEXIST", "ENOENT"};
  for (int which = 0; which < 2; ++which) {
    for (const char* outcome : {"ok", "ECANCELED"}) {
      HistoryCase c{"a linked mkdir after a failed op", {"mkdir(\"d\", 0755)"},
                    {{0, failing[which], 10, 20, errors[which]}, {0, "mkdir(\"x\", 0755) [uring]", 10, 20, outcome},
                     {1, "statx(\"x\", 0)", 30, 40, std::string(outcome) == "ok" ? "ok" : "ENOENT"}}};
      for (bool breaks : {false, true}) {
        History h = build_history(c);
        (which == 0 ? h.link_rule.fs_ops_break : h.link_rule.statx_breaks) = breaks;
        LookupCheck k;
        ASSERT_EQ(check_with_lookup_model(h, "", Budget{}, k), "");
        const bool cancelled = std::string(outcome) == "ECANCELED";
        EXPECT_EQ(k.result.verdict, cancelled == breaks ? Verdict::kOk : Verdict::kIllegal)
            << failing[which] << " = " << errors[which] << ", then " << outcome << ", rule breaks: " << breaks;
      }
    }
  }
}

TEST(LookupCheck, TargetsMapToProfiles) {
  EXPECT_EQ(profile_for_target("tmpfs"), model::Profile::kTmpfs);
  EXPECT_EQ(profile_for_target("overlay"), model::Profile::kOverlay);
  EXPECT_EQ(profile_for_target("fuse:strict+latency"), model::Profile::kFuse);
  EXPECT_EQ(profile_for_target("dir:/nonexistent/nameifuzz"), model::Profile::kExt4);
  EXPECT_EQ(profile_for_target("generated"), std::nullopt);
  LookupCheck k;
  History h;
  h.target = "generated";
  EXPECT_NE(check_with_lookup_model(h, "", Budget{}, k).find("no model profile"), std::string::npos);
  EXPECT_NE(check_with_lookup_model(h, "nosuchfs", Budget{}, k).find("unknown profile"), std::string::npos);
}

TEST(LookupCheck, GeneratedHistoriesOnEveryProfile) {
  for (int p = 0; p < model::kProfileCount; ++p) {
    const model::LookupModel m(static_cast<model::Profile>(p));
    GenShape shape;
    shape.ops = 3000;
    shape.seed = 100 + p;
    History h = generate_history(m, shape);
    LookupCheck k;
    const std::string profile(model::profile_name(m.profile()));
    ASSERT_EQ(check_with_lookup_model(h, profile, Budget{}, k), "");
    EXPECT_EQ(k.result.verdict, Verdict::kOk) << profile << ": " << k.result.reason;
    h.events[h.events.size() / 2].result = -EPROTO;
    ASSERT_EQ(check_with_lookup_model(h, profile, Budget{}, k), "");
    EXPECT_EQ(k.result.verdict, Verdict::kIllegal) << profile;
  }
}

TEST(LinearizableRun, ViolationTitleAndDetail) {
  History h = build_history(kCases[5].history);
  LinearizableResult r = check_linearizable_run(Program{}, h, "tmpfs");
  EXPECT_EQ(r.checks, 1u);
  EXPECT_EQ(r.unknown, 0u);
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].title, "linearizable: open ok unexplained on tmpfs");
  EXPECT_NE(r.violations[0].detail.find("smallest failing prefix"), std::string::npos) << r.violations[0].detail;
  EXPECT_NE(r.violations[0].detail.find("longest partial linearization"), std::string::npos);
}

TEST(LinearizableRun, UnknownIsACheckNotAViolation) {
  History h = build_history(kCases[0].history);
  Budget none;
  none.max_steps = 0;
  LinearizableResult r = check_linearizable_run(Program{}, h, "tmpfs", none);
  EXPECT_EQ(r.checks, 1u);
  EXPECT_EQ(r.unknown, 1u);
  EXPECT_TRUE(r.violations.empty());
  EXPECT_NE(r.unknown_reason.find("budget"), std::string::npos);
  EXPECT_TRUE(check_linearizable_run(Program{}, h, "tmpfs").violations.empty());
}

TEST(LinearizableRun, SkipsWhatTheModelCannotJudge) {
  History h = build_history(kCases[0].history);
  Program faulty;
  faulty.faults.push_back({FuseFault::Kind::kError, FuseOp::kLookup, 0, 0, EIO, 100});
  LinearizableResult r = check_linearizable_run(faulty, h, "fuse:strict");
  EXPECT_EQ(r.checks, 0u);
  EXPECT_FALSE(r.skipped.empty());
  r = check_linearizable_run(Program{}, h, "fuse:strict");  // judged with the fuse profile
  EXPECT_EQ(r.checks, 1u) << r.skipped;
  r = check_linearizable_run(Program{}, h, "nosuchtarget");
  EXPECT_EQ(r.checks, 0u);
  EXPECT_FALSE(r.skipped.empty());
}

}  // namespace
}  // namespace nfz::oracles::lin
