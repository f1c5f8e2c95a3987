// Object identity (model/lookup/identity.hpp): what the kernel says an op reached (dev/ino,
// file type, a statx's nlink) is held against the model's objects, by the linearizability
// checker and by `diff`'s sequential check alike. Each case is one thread's ops in order;
// a case must give the same verdict run as a concurrent history (each op alone in time)
// and through check_sequential(). And the per-ring fixed-file tables.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "model/lookup/sequential_check.hpp"
#include "oracles/linearizability/lookup_check.hpp"
#include "tests/oracles/lin_history_builder.hpp"

namespace nfz::oracles::lin {
namespace {

using testing::parse;

struct SeenOp {
  const char* op;
  const char* outcome;  // "ok" or an errno name
  uint64_t ino = 0;     // 0: nothing reported
  uint32_t type = 0;
  int32_t nlink = -1;
};

struct IdentityCase {
  const char* name;
  std::vector<SeenOp> ops;
  bool linearizable;
  const char* names = "";  // a part of the mismatch message (both checkers)
};

constexpr uint32_t kDir = S_IFDIR, kReg = S_IFREG;

const IdentityCase kCases[] = {
    {"two directories keep their inodes",
     {{"mkdir(\"a\", 0755)", "ok"}, {"mkdir(\"b\", 0755)", "ok"}, {"statx(\"a\", 0)", "ok", 10, kDir, 2},
      {"statx(\"b\", 0)", "ok", 11, kDir, 2}, {"statx(\"a\", 0)", "ok", 10, kDir, 2}},
     true},
    {"identities swapped between live objects",
     {{"mkdir(\"a\", 0755)", "ok"}, {"mkdir(\"b\", 0755)", "ok"}, {"statx(\"a\", 0)", "ok", 10, kDir, 2},
      {"statx(\"b\", 0)", "ok", 11, kDir, 2}, {"statx(\"a\", 0)", "ok", 11, kDir, 2}},
     false, "bound to kernel inode 0:0/10 (first reported by "},
    {"an exchange swaps them",
     {{"mkdir(\"a\", 0755)", "ok"}, {"mkdir(\"b\", 0755)", "ok"}, {"statx(\"a\", 0)", "ok", 10, kDir, 2},
      {"statx(\"b\", 0)", "ok", 11, kDir, 2}, {"renameat2(\"a\", \"b\", RENAME_EXCHANGE)", "ok"},
      {"statx(\"a\", 0)", "ok", 11, kDir, 2}, {"statx(\"b\", 0)", "ok", 10, kDir, 2}},
     true},
    {"two objects merged",
     {{"mkdir(\"a\", 0755)", "ok"}, {"mkdir(\"b\", 0755)", "ok"}, {"statx(\"a\", 0)", "ok", 10, kDir, 2},
      {"statx(\"b\", 0)", "ok", 10, kDir, 2}},
     false, "bound to model /a (dir), but the op reached model /b (dir)"},
    {"a hard link is one object",
     {{"mknod(\"a\", S_IFREG|0644)", "ok"}, {"link(\"a\", \"b\")", "ok"}, {"statx(\"a\", 0)", "ok", 10, kReg, 2},
      {"f0 = open(\"b\", O_RDONLY)", "ok", 10, kReg}},
     true},
    {"a file's open answered with a directory's inode",
     {{"mkdir(\"d\", 0755)", "ok"}, {"mknod(\"f\", S_IFREG|0644)", "ok"}, {"statx(\"d\", 0)", "ok", 10, kDir, 2},
      {"f0 = open(\"f\", O_RDONLY)", "ok", 10, kDir}},
     false, "is a directory"},
    {"a file's open answered with a directory's inode, type not recorded",
     {{"mkdir(\"d\", 0755)", "ok"}, {"mknod(\"f\", S_IFREG|0644)", "ok"}, {"statx(\"d\", 0)", "ok", 10, kDir, 2},
      {"f0 = open(\"f\", O_RDONLY)", "ok", 10, 0}},
     false, "bound to model /d (dir), but the op reached model /f (file)"},
    {"an open through a symlink reaches its target",
     {{"mkdir(\"d\", 0755)", "ok"}, {"symlink(\"d\", \"l\")", "ok"}, {"statx(\"d\", 0)", "ok", 10, kDir, 2},
      {"f0 = open(\"l\", O_RDONLY|O_DIRECTORY)", "ok", 10, kDir}, {"statx(\"l\", AT_SYMLINK_NOFOLLOW)", "ok", 12, S_IFLNK, 1}},
     true},
    {"a wrong nlink of a file",
     {{"mknod(\"f\", S_IFREG|0644)", "ok"}, {"link(\"f\", \"g\")", "ok"}, {"statx(\"f\", 0)", "ok", 10, kReg, 1}},
     false, "with 2 links, but kernel inode 0:0/10"},
    {"a wrong nlink of a directory",
     {{"mkdir(\"d\", 0755)", "ok"}, {"mkdir(\"d/e\", 0755)", "ok"}, {"statx(\"d\", 0)", "ok", 10, kDir, 2}},
     false, "with 3 links"},
    {"a directory's nlink counts its subdirectories",
     {{"mkdir(\"d\", 0755)", "ok"}, {"mkdir(\"d/e\", 0755)", "ok"}, {"mknod(\"d/f\", S_IFREG|0644)", "ok"},
      {"statx(\"d\", 0)", "ok", 10, kDir, 3}},
     true},
    {"a number comes back once its object is gone",
     {{"mknod(\"f\", S_IFREG|0644)", "ok"}, {"statx(\"f\", 0)", "ok", 10, kReg, 1}, {"unlink(\"f\")", "ok"},
      {"mkdir(\"g\", 0755)", "ok"}, {"statx(\"g\", 0)", "ok", 10, kDir, 2}},
     true},
    {"a number does not come back while an open file holds its object",
     {{"f0 = open(\"f\", O_RDWR|O_CREAT, 0644)", "ok", 10, kReg}, {"unlink(\"f\")", "ok"},
      {"mkdir(\"g\", 0755)", "ok"}, {"statx(\"g\", 0)", "ok", 10, kDir, 2}},
     false, "bound to model #"},
};

History history_of(const IdentityCase& c) {
  History h;
  h.target = "tmpfs";
  h.ops.resize(2);
  int64_t t = 10;
  for (const SeenOp& o : c.ops) {
    h.ops[1].push_back(parse(o.op));
    Event e;
    e.thread = 0;
    e.index = static_cast<uint32_t>(h.ops[1].size() - 1);
    e.call_ns = t;
    e.return_ns = t + 5;
    t += 10;
    e.result = testing::outcome_value(o.outcome);
    e.ino = o.ino;
    e.type = o.type;
    e.nlink = o.nlink;
    h.events.push_back(e);
  }
  return h;
}

class Identity : public ::testing::TestWithParam<IdentityCase> {};

TEST_P(Identity, LinearizabilityChecker) {
  const IdentityCase& c = GetParam();
  const History h = history_of(c);  // the check points into it
  LookupCheck check;
  ASSERT_EQ(check_with_lookup_model(h, "tmpfs", Budget{}, check), "");
  EXPECT_EQ(check.result.verdict, c.linearizable ? Verdict::kOk : Verdict::kIllegal) << lookup_report(check);
  if (!c.linearizable) EXPECT_NE(check.identity.find(c.names), std::string::npos) << check.identity;
}

TEST_P(Identity, SequentialCheck) {
  const IdentityCase& c = GetParam();
  const model::LookupModel model(model::Profile::kTmpfs, model::Mode::kSequential);
  auto d = model::check_sequential(model, history_of(c), 8);
  EXPECT_EQ(!d, c.linearizable) << (d ? d->identity : "");
  if (d && !c.linearizable) {
    EXPECT_EQ(d->event, c.ops.size() - 1) << "the last op is the one that fails";
    EXPECT_NE(d->identity.find(c.names), std::string::npos) << d->identity;
  }
}

struct CaseName {
  std::string operator()(const ::testing::TestParamInfo<IdentityCase>& info) const {
    std::string s;
    for (const char* p = info.param.name; *p; ++p) s += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
    return s;
  }
};
INSTANTIATE_TEST_SUITE_P(Lookup, Identity, ::testing::ValuesIn(kCases), CaseName());

// Both orders of two creations, each bound when it returns: the canonical states of the
// two orders must still merge (the binding is on the node, which the numbering carries).
TEST(Identity, BindingsSurviveCanonicalNumbering) {
  History h;
  h.target = "tmpfs";
  h.ops.resize(4);
  auto add = [&](int thread, const char* op, int64_t call, int64_t ret, uint64_t ino, uint32_t type) {
    h.ops[thread + 1].push_back(parse(op));
    Event e;
    e.thread = thread;
    e.index = static_cast<uint32_t>(h.ops[thread + 1].size() - 1);
    e.call_ns = call;
    e.return_ns = ret;
    e.ino = ino;
    e.type = type;
    h.events.push_back(e);
  };
  add(0, "f0 = open(\"a\", O_RDWR|O_CREAT, 0644)", 10, 50, 20, kReg);
  add(1, "f1 = open(\"b\", O_RDWR|O_CREAT, 0644)", 10, 50, 21, kReg);
  add(2, "mkdir(\"c\", 0755)", 10, 50, 0, 0);
  add(0, "statx(\"b\", 0)", 60, 70, 21, kReg);
  add(1, "f2 = open(\"a\", O_RDONLY)", 60, 70, 20, kReg);
  LookupCheck check;
  ASSERT_EQ(check_with_lookup_model(h, "tmpfs", Budget{}, check), "");
  EXPECT_EQ(check.result.verdict, Verdict::kOk) << lookup_report(check);
  h.events[3].ino = 20;  // b answered with a's inode
  LookupCheck bad;
  ASSERT_EQ(check_with_lookup_model(h, "tmpfs", Budget{}, bad), "");
  EXPECT_EQ(bad.result.verdict, Verdict::kIllegal) << lookup_report(bad);
}

Event timed(int thread, uint32_t index, int64_t call, int64_t ret) {
  Event e;
  e.thread = thread;
  e.index = index;
  e.call_ns = call, e.return_ns = ret;
  return e;
}

// A history on `target` of setup's ops and two threads' (events still to add).
History history_of(const char* target, std::initializer_list<const char*> setup, std::initializer_list<const char*> t0,
                   std::initializer_list<const char*> t1) {
  History h;
  h.target = target;
  h.ops.resize(3);
  for (const char* op : setup) h.ops[0].push_back(parse(op));
  for (const char* op : t0) h.ops[1].push_back(parse(op));
  for (const char* op : t1) h.ops[2].push_back(parse(op));
  return h;
}

// The checker's verdict on `h` with its target's profile, and its report.
Verdict verdict_of(const History& h, std::string& report) {
  LookupCheck check;
  EXPECT_EQ(check_with_lookup_model(h, "", Budget{}, check), "");
  report = lookup_report(check);
  return check.result.verdict;
}

// statx walks, then reads the attributes with no lock between (vfs_statx()): an rmdir
// between them leaves nlink 0 on a directory the walk found (seen on ext4 in a stress
// run). Not when the statx returned before the rmdir began.
TEST(Identity, StatxReadsTheLinkCountAfterItsWalk) {
  for (bool overlaps : {true, false}) {
    History h;
    h.target = "ext4";
    h.ops.resize(3);
    h.ops[0].push_back(parse("mkdir(\"c\", 0755)"));
    h.ops[1].push_back(parse("rmdir(\"c\")"));
    h.ops[2].push_back(parse("statx(\"c\", 0)"));
    const Event setup = timed(kSetupThread, 0, 1, 2), rmdir = timed(0, 0, overlaps ? 10 : 40, 50);
    Event statx = timed(1, 0, 20, 30);
    statx.ino = 12, statx.type = kDir, statx.nlink = 0;
    h.events = {setup, rmdir, statx};
    std::string report;
    EXPECT_EQ(verdict_of(h, report), overlaps ? Verdict::kOk : Verdict::kIllegal) << report;
  }
}

// shmem_rmdir() and xfs_remove() drop a directory's count one link at a time: a statx
// overlapping the rmdir may read 1 (met on tmpfs: a statx returned nlink 1 while the
// rmdir was in flight). ext4_rmdir() clears it at once, so 1 is no count ext4 shows;
// nor does tmpfs once the rmdir has returned.
TEST(Identity, StatxMayReadARemovedDirectoryBetweenItsTwoDrops) {
  struct Case {
    const char* target;
    int64_t rmdir_return;
    Verdict expected;
  } cases[] = {
      {"tmpfs", 50, Verdict::kOk},
      {"xfs", 50, Verdict::kOk},
      {"ext4", 50, Verdict::kIllegal},
      {"tmpfs", 15, Verdict::kIllegal},
  };
  for (const Case& c : cases) {
    History h = history_of(c.target, {"mkdir(\"c\", 0755)"}, {"rmdir(\"c\")"}, {"statx(\"c\", 0)"});
    const Event setup = timed(kSetupThread, 0, 1, 2), rmdir = timed(0, 0, 10, c.rmdir_return);
    Event statx = timed(1, 0, 20, 30);
    statx.ino = 12, statx.type = kDir, statx.nlink = 1;
    h.events = {setup, rmdir, statx};
    std::string report;
    EXPECT_EQ(verdict_of(h, report), c.expected) << c.target << " " << c.rmdir_return << "\n" << report;
  }
}

// vfs_rmdir(): ->rmdir() drops the counts, then d_delete() unhashes the name, under the
// parent's lock. A walk in between still finds the removed directory while the parent's
// statx counts it gone (met on ext4: open("d", O_RDWR) = EISDIR after statx("/") gave 2).
// Not when the statx returned before the rmdir began, and not for an op that locks the
// parent: mkdir("d") waits for the name to go, so it cannot say EEXIST there.
TEST(Identity, RmdirDropsTheCountsBeforeTheName) {
  struct Case {
    int64_t rmdir_call;
    const char* then_op;
    const char* then_outcome;
    Verdict expected;
  } cases[] = {
      {10, "open(\"d\", O_RDWR)", "EISDIR", Verdict::kOk},
      {35, "open(\"d\", O_RDWR)", "EISDIR", Verdict::kIllegal},
      {10, "mkdir(\"d\", 0755)", "EEXIST", Verdict::kIllegal},
  };
  for (const Case& c : cases) {
    History h;
    h.target = "ext4";
    h.ops.resize(3);
    h.ops[0].push_back(parse("mkdir(\"d\", 0755)"));
    h.ops[1].push_back(parse("rmdir(\"d\")"));
    h.ops[2].push_back(parse("statx(\"/\", 0)"));
    h.ops[2].push_back(parse(c.then_op));
    const Event setup = timed(kSetupThread, 0, 1, 2), rmdir = timed(0, 0, c.rmdir_call, 100);
    Event statx = timed(1, 0, 20, 30), then = timed(1, 1, 40, 50);
    statx.ino = 2, statx.type = kDir, statx.nlink = 2;
    then.result = testing::outcome_value(c.then_outcome);
    h.events = {setup, rmdir, statx, then};
    std::string report;
    EXPECT_EQ(verdict_of(h, report), c.expected) << c.rmdir_call << " " << c.then_op << "\n" << report;
  }
}

// ->mkdir() counts the new directory in its parent and makes its name visible at two
// different times (model::mkdir_order()): ext4 and xfs count first (met on xfs: statx(".")
// counted a directory whose name a walk then did not find, the mkdir in flight), tmpfs
// makes the name first. Once the mkdir returned, both are done.
TEST(Identity, MkdirCountsAndNamesItsDirectoryApart) {
  struct Case {
    const char* target;
    int32_t root_nlink;  // what the statx of "/" read
    const char* open_outcome;
    bool open_first;
    int64_t mkdir_return;
    Verdict expected;
  } cases[] = {
      {"xfs", 3, "ENOENT", false, 100, Verdict::kOk},      // counted, not named yet
      {"ext4", 3, "ENOENT", false, 100, Verdict::kOk},
      {"tmpfs", 3, "ENOENT", false, 100, Verdict::kIllegal},
      {"xfs", 3, "ENOENT", false, 15, Verdict::kIllegal},  // the mkdir returned before the statx
      {"tmpfs", 2, "ok", true, 100, Verdict::kOk},         // named, not counted yet
      {"xfs", 2, "ok", true, 100, Verdict::kIllegal},
  };
  for (const Case& c : cases) {
    History h = history_of(c.target, {}, {"mkdir(\"d\", 0755)"}, {"statx(\"/\", 0)", "open(\"d\", O_RDONLY)"});
    if (c.open_first) std::swap(h.ops[2][0], h.ops[2][1]);
    const Event mkdir = timed(0, 0, 10, c.mkdir_return);
    Event statx = timed(1, c.open_first, 20, 30), open = timed(1, !c.open_first, 40, 50);
    if (c.open_first) statx.call_ns = 40, statx.return_ns = 50, open.call_ns = 20, open.return_ns = 30;
    statx.ino = 2, statx.type = kDir, statx.nlink = c.root_nlink;
    open.result = testing::outcome_value(c.open_outcome);
    if (open.result >= 0) open.ino = 13, open.type = kDir;
    h.events = {mkdir, statx, open};
    if (c.open_first) h.events = {mkdir, open, statx};
    std::string report;
    EXPECT_EQ(verdict_of(h, report), c.expected) << c.target << " nlink " << c.root_nlink << " " << c.open_outcome
                                                << "\n" << report;
  }
}

// vfs_rename(): ->rename() updates the link counts, and only after it returns does d_move()
// move the names, under both parents' locks. A statx in between reads the new counts
// through the old names (met on xfs: statx("/") counted one subdirectory less, then
// open("b") = EISDIR, while rename("b/", "a") replaced the directory "a"). Not once the
// rename returned before the op that sees the old name began.
TEST(Identity, RenameChangesTheCountsBeforeItMovesTheNames) {
  struct Case {
    const char* name;
    std::initializer_list<const char*> setup;
    const char* rename;
    const char* statx;
    int32_t nlink;  // what the statx read
    uint32_t type;
    const char* then_op;
    const char* then_outcome;
    int64_t rename_return;
    Verdict expected;
  } cases[] = {
      {"a directory replacing one in the same parent", {"mkdir(\"a\", 0755)", "mkdir(\"b\", 0755)"},
       "renameat2(\"b/\", \"a\", 0)", "statx(\"/\", 0)", 3, kDir, "open(\"b\", O_WRONLY)", "EISDIR", 100, Verdict::kOk},
      {"... the rename returned first", {"mkdir(\"a\", 0755)", "mkdir(\"b\", 0755)"},
       "renameat2(\"b/\", \"a\", 0)", "statx(\"/\", 0)", 3, kDir, "open(\"b\", O_WRONLY)", "EISDIR", 35, Verdict::kIllegal},
      {"a directory moving to another parent", {"mkdir(\"p\", 0755)", "mkdir(\"q\", 0755)", "mkdir(\"p/d\", 0755)"},
       "renameat2(\"p/d\", \"q/d\", 0)", "statx(\"q\", 0)", 3, kDir, "statx(\"q/d\", 0)", "ENOENT", 100, Verdict::kOk},
      {"... the rename returned first", {"mkdir(\"p\", 0755)", "mkdir(\"q\", 0755)", "mkdir(\"p/d\", 0755)"},
       "renameat2(\"p/d\", \"q/d\", 0)", "statx(\"q\", 0)", 3, kDir, "statx(\"q/d\", 0)", "ENOENT", 35, Verdict::kIllegal},
      {"a file it replaces", {"mknod(\"f\", S_IFREG|0644)", "mknod(\"g\", S_IFREG|0644)"},
       "renameat2(\"f\", \"g\", 0)", "statx(\"g\", 0)", 0, kReg, "statx(\"f\", 0)", "ok", 100, Verdict::kOk},
      {"... the rename returned first", {"mknod(\"f\", S_IFREG|0644)", "mknod(\"g\", S_IFREG|0644)"},
       "renameat2(\"f\", \"g\", 0)", "statx(\"g\", 0)", 0, kReg, "statx(\"f\", 0)", "ok", 15, Verdict::kIllegal},
  };
  for (const Case& c : cases) {
    History h = history_of("xfs", c.setup, {c.rename}, {c.statx, c.then_op});
    for (uint32_t i = 0; i < c.setup.size(); ++i) h.events.push_back(timed(kSetupThread, i, 1 + 2 * i, 2 + 2 * i));
    Event statx = timed(1, 0, 20, 30), then = timed(1, 1, 40, 50);
    statx.ino = 50, statx.type = c.type, statx.nlink = c.nlink;
    then.result = testing::outcome_value(c.then_outcome);
    h.events.push_back(timed(0, 0, 10, c.rename_return));
    h.events.push_back(statx);
    h.events.push_back(then);
    std::string report;
    EXPECT_EQ(verdict_of(h, report), c.expected) << c.name << "\n" << report;
  }
}

// vfs_unlink(): ->unlink() drops the file's count, then d_delete() unhashes the name, under
// the parent's lock. A walk in between still finds the file while a statx through its name
// reads the count gone (met on btrfs: statx("b") = nlink 0, then mkdir("/b/../c") =
// ENOTDIR, while unlink("../b") was in flight). Not once the unlink returned first, and
// not for an op that locks the parent: mknod("b") waits for the name to go.
TEST(Identity, UnlinkDropsTheCountBeforeTheName) {
  struct Case {
    const char* target;
    const char* then_op;
    const char* then_outcome;
    int64_t unlink_return;
    Verdict expected;
  } cases[] = {
      {"btrfs", "mkdir(\"/b/../c\", 0755)", "ENOTDIR", 100, Verdict::kOk},
      {"ext4", "mkdir(\"/b/../c\", 0755)", "ENOTDIR", 100, Verdict::kOk},
      {"btrfs", "mkdir(\"/b/../c\", 0755)", "ENOTDIR", 35, Verdict::kIllegal},
      {"btrfs", "mknod(\"b\", S_IFREG|0644)", "EEXIST", 100, Verdict::kIllegal},
  };
  for (const Case& c : cases) {
    History h = history_of(c.target, {"mknod(\"b\", S_IFREG|0644)"}, {"unlink(\"b\")"}, {"statx(\"b\", 0)", c.then_op});
    Event statx = timed(1, 0, 20, 30), then = timed(1, 1, 40, 50);
    statx.ino = 50, statx.type = kReg, statx.nlink = 0;
    then.result = testing::outcome_value(c.then_outcome);
    h.events = {timed(kSetupThread, 0, 1, 2), timed(0, 0, 10, c.unlink_return), statx, then};
    std::string report;
    EXPECT_EQ(verdict_of(h, report), c.expected) << c.target << " " << c.then_op << " " << c.unlink_return << "\n" << report;
  }
}

// ->link() counts the new link before the new name appears: a statx through the old name
// may read 2 while a walk of the new one finds nothing yet. Not once the link returned.
TEST(Identity, LinkCountsBeforeTheNewNameAppears) {
  for (int64_t link_return : {100, 35}) {
    History h = history_of("ext4", {"mknod(\"f\", S_IFREG|0644)"}, {"link(\"f\", \"g\")"},
                           {"statx(\"f\", 0)", "statx(\"g\", 0)"});
    Event statx = timed(1, 0, 20, 30), then = timed(1, 1, 40, 50);
    statx.ino = 50, statx.type = kReg, statx.nlink = 2;
    then.result = -ENOENT;
    h.events = {timed(kSetupThread, 0, 1, 2), timed(0, 0, 10, link_return), statx, then};
    std::string report;
    EXPECT_EQ(verdict_of(h, report), link_return == 100 ? Verdict::kOk : Verdict::kIllegal) << link_return << "\n" << report;
  }
}

// vfs_rmdir() takes the directory's own i_rwsem before ->rmdir() looks inside it, and a
// mkdir in it holds that lock across its two steps: an rmdir of "d" while ext4's mkdir of
// "d/x" has counted x but not yet named it waits, then finds x (ENOTEMPTY). The statx of
// "d" reading 3 puts the mkdir between its steps before the rmdir began.
TEST(Identity, RmdirWaitsForAMkdirInTheDirectory) {
  struct Case {
    const char* rmdir_outcome;
    int64_t rmdir_return;
    Verdict expected;
  } cases[] = {
      {"ok", 50, Verdict::kIllegal},
      {"ENOTEMPTY", 120, Verdict::kOk},
  };
  for (const Case& c : cases) {
    History h = history_of("ext4", {"mkdir(\"d\", 0755)"}, {"mkdir(\"d/x\", 0755)"},
                           {"statx(\"d\", 0)", "rmdir(\"d\")"});
    const Event setup = timed(kSetupThread, 0, 1, 2), mkdir = timed(0, 0, 10, 100);
    Event statx = timed(1, 0, 20, 30), rmdir = timed(1, 1, 40, c.rmdir_return);
    statx.ino = 12, statx.type = kDir, statx.nlink = 3;
    rmdir.result = testing::outcome_value(c.rmdir_outcome);
    h.events = {setup, mkdir, statx, rmdir};
    std::string report;
    EXPECT_EQ(verdict_of(h, report), c.expected) << c.rmdir_outcome << "\n" << report;
  }
}

// do_renameat2() says -EBUSY for a last component "." before lock_rename(): an rmdir
// holding the parent locked (between ->rmdir() and d_delete()) does not hold it up (met on
// xfs: renameat2("/a/././", ...) = EBUSY beside rmdir("a")). After the rmdir, "a" is gone.
TEST(Identity, AnErrorBeforeTheLocksDoesNotWaitForThem) {
  for (const int64_t rmdir_return : {100, 15}) {
    History h =
        history_of("ext4", {"mkdir(\"a\", 0755)"}, {"rmdir(\"a\")"}, {"statx(\"/\", 0)", "rename(\"a/.\", \"b\")"});
    const Event setup = timed(kSetupThread, 0, 1, 2), rmdir = timed(0, 0, 10, rmdir_return);
    Event statx = timed(1, 0, 20, 30), rename = timed(1, 1, 40, 50);
    statx.ino = 2, statx.type = kDir, statx.nlink = 2;  // the rmdir's ->rmdir() is done
    rename.result = -EBUSY;
    h.events = {setup, rmdir, statx, rename};
    std::string report;
    EXPECT_EQ(verdict_of(h, report), rmdir_return == 100 ? Verdict::kOk : Verdict::kIllegal)
        << rmdir_return << "\n" << report;
  }
}

// A ring per thread has a fixed-file table per thread: T1's slot 0 is not T0's.
History fixed_history(bool shared_ring, const char* close_outcome) {
  History h;
  h.target = "tmpfs";
  h.shared_ring = shared_ring;
  h.ops.resize(3);
  h.ops[1].push_back(parse("f0 = open(\"a\", O_RDWR|O_CREAT, 0644) [uring fixed]"));
  h.ops[2].push_back(parse("close(f0) [uring fixed]"));
  Event open;
  open.thread = 0;
  open.call_ns = 10, open.return_ns = 20;
  Event close;
  close.thread = 1;
  close.call_ns = 30, close.return_ns = 40;
  close.result = testing::outcome_value(close_outcome);
  h.events = {open, close};
  return h;
}

TEST(RingTables, OneTablePerRing) {
  struct Case {
    bool shared;
    const char* close;
    Verdict expected;
  } cases[] = {
      {false, "EBADF", Verdict::kOk},   // T1's ring has nothing in slot 0
      {false, "ok", Verdict::kIllegal},
      {true, "ok", Verdict::kOk},       // one ring: T0's file is in its slot 0
      {true, "EBADF", Verdict::kIllegal},
  };
  for (const Case& c : cases) {
    const History h = fixed_history(c.shared, c.close);
    LookupCheck check;
    ASSERT_EQ(check_with_lookup_model(h, "tmpfs", Budget{}, check), "");
    EXPECT_EQ(check.result.verdict, c.expected) << (c.shared ? "shared ring, " : "ring per thread, ") << c.close
                                                << "\n" << lookup_report(check);
  }
}

// A thread's ring lets its fixed files go once the thread's ops are done (the pooled
// worker clears its table), so a FIFO reader it held may be gone for another thread's
// writer then; not while the thread still runs an op (met on ext4: a file's inode number
// came back in another thread once the thread holding it in a fixed slot was done).
TEST(RingTables, AThreadsRingLetsGoAfterItsLastOp) {
  for (const int64_t last_return : {25, 100}) {
    History h = history_of("tmpfs", {"mknod(\"p\", S_IFIFO|0644)"},
                           {"f0 = open(\"p\", O_RDONLY|O_NONBLOCK) [uring fixed]", "statx(\"p\", 0)"},
                           {"f1 = open(\"p\", O_WRONLY|O_NONBLOCK)"});
    const Event setup = timed(kSetupThread, 0, 1, 2), reader = timed(0, 0, 10, 20);
    const Event last = timed(0, 1, 21, last_return);
    Event writer = timed(1, 0, 30, 40);
    writer.result = -ENXIO;  // no reader left
    h.events = {setup, reader, last, writer};
    std::string report;
    EXPECT_EQ(verdict_of(h, report), last_return == 25 ? Verdict::kOk : Verdict::kIllegal) << last_return << "\n"
                                                                                           << report;
  }
}

// Setup's ring is gone once the threads run: its fixed files are put at some time after
// (io_ring_exit_work()), so a FIFO reader it held may still be there or not.
TEST(RingTables, SetupRingExitsSometimeAfterSetup) {
  for (const char* outcome : {"ok", "ENXIO"}) {
    History h;
    h.target = "tmpfs";
    h.ops.resize(2);
    h.ops[0].push_back(parse("mknod(\"p\", S_IFIFO|0644)"));
    h.ops[0].push_back(parse("f0 = open(\"p\", O_RDONLY|O_NONBLOCK) [uring fixed]"));
    h.ops[1].push_back(parse("f1 = open(\"p\", O_WRONLY|O_NONBLOCK)"));
    h.ops[1].push_back(parse("close(f0) [uring fixed]"));
    Event a, b, c, d;
    a.thread = b.thread = kSetupThread;
    b.index = 1;
    a.call_ns = 1, a.return_ns = 2, b.call_ns = 3, b.return_ns = 4;
    c.thread = d.thread = 0;
    d.index = 1;
    c.call_ns = 10, c.return_ns = 20, c.result = testing::outcome_value(outcome);
    d.call_ns = 30, d.return_ns = 40, d.result = -EBADF;  // this thread's ring: nothing there
    h.events = {a, b, c, d};
    LookupCheck check;
    ASSERT_EQ(check_with_lookup_model(h, "tmpfs", Budget{}, check), "");
    EXPECT_EQ(check.result.verdict, Verdict::kOk) << outcome << "\n" << lookup_report(check);
  }
}

}  // namespace
}  // namespace nfz::oracles::lin
