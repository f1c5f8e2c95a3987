// Ops in steps (LookupModel::step_in_steps(), docs/ORACLES.md "Steps"): a path walk ends
// before the op takes the parent's lock, and other ops may run between. Histories only an
// order of steps explains are linearizable; one whose walk must come after a change it
// did not see is not. And the tmpfs run that showed it (rename_walks_tmpfs.jsonl: stress
// seed 81, program 1182).
#include <gtest/gtest.h>

#include <variant>

#include "oracles/linearizability/lookup_check.hpp"
#include "tests/oracles/lin_history_builder.hpp"

namespace nfz::oracles::lin {
namespace {

using testing::build_history;
using testing::HistoryCase;

struct StepCase {
  HistoryCase history;
  Verdict expected;
};

// rmdir of a name under a name longer than NAME_MAX: its lookup gives ENAMETOOLONG from
// ->lookup(), but ENOENT in a directory already dead.
const std::string kRmdirUnderLongName = "rmdir(\"a/" + std::string(256, 'x') + "/x\")";

const StepCase kCases[] = {
    // mkdir walks "a" to A, a rename moves A to "c" and "c/x" is made in it; mkdir's
    // locked step then finds x in A: EEXIST. Atomic, it would be ok (before the rename)
    // or ENOENT (after it: no "a").
    {{"mkdir's walk before a rename of its parent, its last step after",
      {"mkdir(\"a\", 0755)"},
      {{0, "mkdir(\"a/x\", 0755)", 10, 100, "EEXIST"}, {1, "renameat2(\"a\", \"c\", 0)", 20, 30, "ok"},
       {1, "mknod(\"c/x\", S_IFREG|0644)", 40, 50, "ok"}}},
     Verdict::kOk},
    {{"mkdir called after the rename cannot have walked before it",
      {"mkdir(\"a\", 0755)"},
      {{0, "mkdir(\"a/x\", 0755)", 35, 100, "EEXIST"}, {1, "renameat2(\"a\", \"c\", 0)", 20, 30, "ok"},
       {1, "mknod(\"c/x\", S_IFREG|0644)", 40, 50, "ok"}}},
     Verdict::kIllegal},
    // rename's two walks on either side of another rename: the source's parent resolved
    // through "l" before it moved, the target's after. Both parents are "/".
    {{"rename's walks on either side of a move of the symlink they pass",
      {"mkdir(\"p\", 0755)", "symlink(\"..\", \"p/l\")", "mknod(\"f\", S_IFREG|0644)"},
      {{0, "renameat2(\"p/l/f\", \"q/l/g\", 0)", 10, 100, "ok"}, {1, "mkdir(\"q\", 0755)", 15, 18, "ok"},
       {1, "renameat2(\"p/l\", \"q/l\", 0)", 20, 30, "ok"}}},
     Verdict::kOk},
    {{"rename's walks cannot both come after the move",
      {"mkdir(\"p\", 0755)", "symlink(\"..\", \"p/l\")", "mknod(\"f\", S_IFREG|0644)"},
      {{0, "renameat2(\"p/l/f\", \"q/l/g\", 0)", 35, 100, "ok"}, {1, "mkdir(\"q\", 0755)", 15, 18, "ok"},
       {1, "renameat2(\"p/l\", \"q/l\", 0)", 20, 30, "ok"}}},
     Verdict::kIllegal},
    // link() found its source, then the source was unlinked: vfs_link() says ENOENT
    // ("i_nlink == 0"), and the target name is not made.
    {{"link's source unlinked between its walk and its last step",
      {"mkdir(\"d\", 0755)", "mknod(\"d/f\", S_IFREG|0644)"},
      {{0, "link(\"d/f\", \"d/g\")", 10, 100, "ENOENT"}, {1, "unlink(\"d/f\")", 20, 30, "ok"},
       {1, "statx(\"d/g\", 0)", 110, 120, "ENOENT"}}},
     Verdict::kOk},
    // The stress runs' false alarm: mkdir's walk looked "b" up (the symlink b -> d) and
    // pick_link() read its body; rename moved the symlink onto "d"; the body's walk then
    // looked "d" up and found the symlink d -> d, and followed it until MAXSYMLINKS.
    // Atomic, mkdir gives ok (before the rename) or ENOENT (after it: no "b").
    {{"a followed symlink's body walked after a rename replaced what it names",
      {"mkdir(\"d\", 0755)", "mkdir(\"d/a\", 0755)", "symlink(\"d\", \"b\")"},
      {{0, "mkdir(\"b/a/c/\", 0755)", 10, 100, "ELOOP"}, {1, "renameat2(\"d\", \"e\", 0)", 15, 18, "ok"},
       {1, "renameat2(\"b\", \"d\", 0)", 20, 30, "ok"}}},
     Verdict::kOk},
    {{"a walk called after the symlink moved cannot have read its old body",
      {"mkdir(\"d\", 0755)", "mkdir(\"d/a\", 0755)", "symlink(\"d\", \"b\")"},
      {{0, "mkdir(\"b/a/c/\", 0755)", 35, 100, "ELOOP"}, {1, "renameat2(\"d\", \"e\", 0)", 15, 18, "ok"},
       {1, "renameat2(\"b\", \"d\", 0)", 20, 30, "ok"}}},
     Verdict::kIllegal},
    // ELOOP needs a loop: with the rename that would make d -> d refused, no step meets one.
    {{"a followed symlink's body walked in steps loops only where a loop exists",
      {"mkdir(\"d\", 0755)", "mkdir(\"d/a\", 0755)", "symlink(\"d\", \"b\")"},
      {{0, "mkdir(\"b/a/c/\", 0755)", 10, 100, "ELOOP"}, {1, "renameat2(\"b\", \"d\", RENAME_NOREPLACE)", 20, 30, "EEXIST"}}},
     Verdict::kIllegal},
    {{"link's source found through a symlink moved under it",
      {"mkdir(\"d\", 0755)", "mknod(\"d/f\", S_IFREG|0644)", "symlink(\"d\", \"l\")", "mkdir(\"e\", 0755)"},
      {{0, "link(\"l/f\", \"g\")", 10, 100, "ok"}, {1, "renameat2(\"d\", \"e2\", 0)", 20, 30, "ok"},
       {1, "statx(\"g\", 0)", 110, 120, "ok"}}},
     Verdict::kOk},
    // The executor fills an open's register when it reads the completion: a close of it
    // in between finds it empty, though the kernel opened b before the rmdir (ext4 stress
    // run: open("b", O_PATH) = ok, rmdir("./b") = ok, close(f9) = EBADF between).
    {{"an open's register is filled after the kernel's open",
      {"mkdir(\"b\", 0755)"},
      {{0, "f9 = open(\"b\", O_RDONLY|O_PATH)", 10, 100, "ok"}, {1, "rmdir(\"b\")", 20, 30, "ok"},
       {1, "close(f9)", 40, 50, "EBADF"}}},
     Verdict::kOk},
    {{"an open called after the rmdir returned cannot have opened b",
      {"mkdir(\"b\", 0755)"},
      {{0, "f9 = open(\"b\", O_RDONLY|O_PATH)", 35, 100, "ok"}, {1, "rmdir(\"b\")", 20, 30, "ok"},
       {1, "close(f9)", 40, 50, "EBADF"}}},
     Verdict::kIllegal},
    // open and statx walk with no lock either: the body of a followed symlink is walked in
    // a later step (met on xfs: statx("b/d") = ELOOP, b -> a, while rename("/b", "a") made
    // the symlink a -> a). Atomic, both give ENOENT: before the rename a does not exist,
    // after it b does not.
    {{"statx follows a symlink, then a rename makes its body a loop",
      {"symlink(\"a\", \"b\")"},
      {{0, "statx(\"b/d\", 0)", 10, 100, "ELOOP"}, {1, "renameat2(\"b\", \"a\", 0)", 20, 30, "ok"}}},
     Verdict::kOk},
    {{"a statx called after the rename cannot have read the old body",
      {"symlink(\"a\", \"b\")"},
      {{0, "statx(\"b/d\", 0)", 35, 100, "ELOOP"}, {1, "renameat2(\"b\", \"a\", 0)", 20, 30, "ok"}}},
     Verdict::kIllegal},
    {{"open follows a trailing symlink, then a rename makes its body a loop",
      {"symlink(\"a\", \"b\")"},
      {{0, "open(\"b\", O_RDONLY)", 10, 100, "ELOOP"}, {1, "renameat2(\"b\", \"a\", 0)", 20, 30, "ok"}}},
     Verdict::kOk},
    {{"an open called after the rename cannot have read the old body",
      {"symlink(\"a\", \"b\")"},
      {{0, "open(\"b\", O_RDONLY)", 35, 100, "ELOOP"}, {1, "renameat2(\"b\", \"a\", 0)", 20, 30, "ok"}}},
     Verdict::kIllegal},
    // FdTable::put() closes the file a register held as it stores the new one: an op that
    // read the old fd before looks it up closed (met on xfs in an io_uring chain).
    {{"an open into a register closes the file it held",
      {"mkdir(\"d\", 0755)", "f1 = open(\"d\", O_RDONLY|O_DIRECTORY)"},
      {{0, "f1 = open(\"/\", O_RDONLY)", 10, 100, "ok"}, {1, "openat(f1, \"x\", O_RDONLY)", 20, 30, "EBADF"}}},
     Verdict::kOk},
    {{"after the open returned its register holds the new file",
      {"mkdir(\"d\", 0755)", "f1 = open(\"d\", O_RDONLY|O_DIRECTORY)"},
      {{0, "f1 = open(\"/\", O_RDONLY)", 10, 100, "ok"}, {1, "openat(f1, \"x\", O_RDONLY)", 110, 120, "EBADF"}}},
     Verdict::kIllegal},
    // A parent walk looks each component up on its own: the directory it entered may be
    // removed before its next lookup there (met on btrfs: rmdir("/a/<256 x>/a") = ENOENT
    // while rename("../c", "/a") replaced a). Atomic, the walk gives ENAMETOOLONG in the
    // old a or the new one.
    {{"a parent walk's directory replaced between two of its lookups",
      {"mkdir(\"a\", 0755)", "mkdir(\"c\", 0755)"},
      {{0, kRmdirUnderLongName.c_str(), 10, 100, "ENOENT"}, {1, "renameat2(\"c\", \"a\", 0)", 20, 30, "ok"}}},
     Verdict::kOk},
    {{"a parent walk called after the replace walks the new directory",
      {"mkdir(\"a\", 0755)", "mkdir(\"c\", 0755)"},
      {{0, kRmdirUnderLongName.c_str(), 35, 100, "ENOENT"}, {1, "renameat2(\"c\", \"a\", 0)", 20, 30, "ok"}}},
     Verdict::kIllegal},
    // put_fixed() marks a register as naming its fixed slot when the executor reads the
    // completion: until then a plain close of it closes the plain fd it held (met on
    // fuse:strict), though the kernel's open had made its file.
    {{"a fixed-slot open leaves the register's plain fd until it completes",
      {"f4 = open(\"/\", O_RDONLY)"},
      {{0, "f4 = open(\"a\", O_RDONLY|O_CREAT, 0644) [uring fixed]", 10, 100, "ok"},
       {1, "statx(\"a\", 0)", 20, 30, "ok"}, {1, "close(f4)", 40, 50, "ok"}}},
     Verdict::kOk},
    {{"after a fixed-slot open completed a plain close of its register finds no fd",
      {"f4 = open(\"/\", O_RDONLY)"},
      {{0, "f4 = open(\"a\", O_RDONLY|O_CREAT, 0644) [uring fixed]", 10, 100, "ok"},
       {1, "statx(\"a\", 0)", 20, 30, "ok"}, {1, "close(f4)", 110, 120, "ok"}}},
     Verdict::kIllegal},
    {{"a fixed-slot open's completion closes a plain fd put in its register after its open",
      {"mkdir(\"d\", 0755)"},
      {{0, "f4 = open(\"a\", O_RDONLY|O_CREAT, 0644) [uring fixed]", 10, 100, "ok"},
       {1, "statx(\"a\", 0)", 20, 30, "ok"}, {1, "f4 = open(\"d\", O_RDONLY)", 40, 50, "ok"},
       {1, "close(f4)", 110, 120, "EBADF"}}},
     Verdict::kOk},
    // An open's walk looks each component up on its own: "a" before a rename moved it to
    // "b", "b" after (met on fuse:strict: open("a/../b") = ok beside rename("a", "b")).
    {{"an open's walk on either side of a rename",
      {"mkdir(\"a\", 0755)"},
      {{0, "open(\"a/../b\", O_RDONLY|O_DIRECTORY)", 10, 100, "ok"}, {1, "renameat2(\"a\", \"b\", 0)", 20, 30, "ok"}}},
     Verdict::kOk},
    {{"an open's walk called after the rename finds no a",
      {"mkdir(\"a\", 0755)"},
      {{0, "open(\"a/../b\", O_RDONLY|O_DIRECTORY)", 35, 100, "ok"}, {1, "renameat2(\"a\", \"b\", 0)", 20, 30, "ok"}}},
     Verdict::kIllegal},
    // rename's second walk (the target's parent B through "b") before a move of B, its
    // first walk ("a") and its last step after: y appears in B, now "c/b", only after the
    // statx that found none. No change meets the first walk, so the search takes it
    // together with the second, and must still branch on the pair where the move meets
    // the second: the move lets the first walk go and keeps the second held
    // (RunModel::walk_meets(), still_holds()).
    {{"rename's second walk before a move of its parent, its first walk not met",
      {"mkdir(\"a\", 0755)", "mkdir(\"b\", 0755)", "mkdir(\"c\", 0755)", "mknod(\"a/x\", S_IFREG|0644)"},
      {{0, "renameat2(\"a/x\", \"b/y\", 0)", 10, 100, "ok"}, {1, "renameat2(\"b\", \"c/b\", 0)", 20, 30, "ok"},
       {1, "statx(\"c/b/y\", 0)", 40, 50, "ENOENT"}, {1, "statx(\"c/b/y\", 0)", 110, 120, "ok"}}},
     Verdict::kOk},
    {{"rename called after the move of its target's parent cannot have walked before it",
      {"mkdir(\"a\", 0755)", "mkdir(\"b\", 0755)", "mkdir(\"c\", 0755)", "mknod(\"a/x\", S_IFREG|0644)"},
      {{0, "renameat2(\"a/x\", \"b/y\", 0)", 35, 100, "ok"}, {1, "renameat2(\"b\", \"c/b\", 0)", 20, 30, "ok"},
       {1, "statx(\"c/b/y\", 0)", 40, 50, "ENOENT"}, {1, "statx(\"c/b/y\", 0)", 110, 120, "ok"}}},
     Verdict::kIllegal},
    // An rmdir that fails never takes ->rmdir() (the search refuses that step for it:
    // RunModel::commits_other_outcome()); one beside it that succeeds still does: the
    // failing one waits for the parent's lock, then finds no "a/b".
    {{"an rmdir that fails beside one that succeeds",
      {"mkdir(\"a\", 0755)", "mkdir(\"a/b\", 0755)"},
      {{0, "rmdir(\"a/b\")", 10, 100, "ok"}, {1, "rmdir(\"a/b\")", 20, 90, "ENOENT"},
       {2, "mkdir(\"a/b/c\", 0755)", 30, 40, "ENOENT"}, {3, "statx(\"a/b\", 0)", 30, 40, "ok"}}},
     Verdict::kOk},
    // An open into no register holds its file until the harness closes it, after the
    // completion: a FIFO reader waiting there is met by an O_NONBLOCK writer (met on xfs).
    {{"a FIFO reader into no register is open until it completes",
      {"mknod(\"p\", S_IFIFO|0644)"},
      {{0, "open(\"p\", O_RDONLY)", 10, 100, "ok"}, {1, "open(\"p\", O_WRONLY|O_NONBLOCK)", 20, 120, "ok"}}},
     Verdict::kOk},
    {{"once the reader into no register completed it is closed",
      {"mknod(\"p\", S_IFIFO|0644)"},
      {{0, "open(\"p\", O_RDONLY)", 10, 100, "ok"}, {1, "open(\"p\", O_WRONLY|O_NONBLOCK)", 110, 120, "ok"}}},
     Verdict::kIllegal},
    // A scoped walk (its root the dirfd, held in the cursor) is in steps too (met on
    // btrfs: openat2("b/b", O_CREAT, RESOLVE_BENEATH) = ENOENT while rename("/d", "b/../b")
    // replaced b: its create in the dead old b, lookup_open()'s IS_DEADDIR).
    {{"a scoped walk's directory replaced between two of its lookups",
      {"mkdir(\"b\", 0755)", "mkdir(\"d\", 0755)"},
      {{0, "openat2(\"b/x\", O_RDONLY|O_CREAT, 0644, RESOLVE_BENEATH)", 10, 100, "ENOENT"},
       {1, "renameat2(\"d\", \"b\", 0)", 20, 30, "ok"}}},
     Verdict::kOk},
    {{"a scoped walk called after the replace creates in the new directory",
      {"mkdir(\"b\", 0755)", "mkdir(\"d\", 0755)"},
      {{0, "openat2(\"b/x\", O_RDONLY|O_CREAT, 0644, RESOLVE_BENEATH)", 35, 100, "ENOENT"},
       {1, "renameat2(\"d\", \"b\", 0)", 20, 30, "ok"}}},
     Verdict::kIllegal},
    // A register's fd number read before another thread's close of it may be taken by
    // any file before the kernel looks it up (met on btrfs): an op that changes nothing is
    // taken as observed there (uring_chains.hpp, fd race); not once the close returned.
    {{"an fd number freed by a close beside the op that read it",
      {"mkdir(\"d\", 0755)", "f2 = open(\"d\", O_RDONLY|O_DIRECTORY)"},
      {{0, "openat(f2, \"x\", O_RDONLY)", 10, 100, "ENOTDIR"}, {1, "close(f2)", 20, 30, "ok"}}},
     Verdict::kOk},
    {{"an fd register read after its close returned is empty",
      {"mkdir(\"d\", 0755)", "f2 = open(\"d\", O_RDONLY|O_DIRECTORY)"},
      {{0, "openat(f2, \"x\", O_RDONLY)", 40, 100, "ENOTDIR"}, {1, "close(f2)", 20, 30, "ok"}}},
     Verdict::kIllegal},
    // An exchange of two objects canonical numbering cannot tell apart still moves a walk
    // held across it (met on btrfs): the target's parent B walked, then b and d exchanged,
    // then the source "d" is B, the target's own parent: EINVAL.
    {{"a walk held across an exchange of two alike directories",
      {"mkdir(\"b\", 0755)", "mkdir(\"d\", 0755)"},
      {{0, "renameat2(\"d\", \"b/d\", 0)", 10, 100, "EINVAL"},
       {1, "renameat2(\"b\", \"d\", RENAME_EXCHANGE)", 20, 30, "ok"}}},
     Verdict::kOk},
    {{"a rename called after the exchange walks the exchanged directory",
      {"mkdir(\"b\", 0755)", "mkdir(\"d\", 0755)"},
      {{0, "renameat2(\"d\", \"b/d\", 0)", 35, 100, "EINVAL"},
       {1, "renameat2(\"b\", \"d\", RENAME_EXCHANGE)", 20, 30, "ok"}}},
     Verdict::kIllegal},
    {{"a walk with no component before the last is no step of its own",
      {"mkdir(\"a\", 0755)"},
      {{0, "mkdir(\"x\", 0755)", 10, 100, "EEXIST"}, {1, "mkdir(\"x\", 0755)", 20, 30, "ok"},
       {1, "rmdir(\"x\")", 40, 50, "ok"}}},
     Verdict::kOk},
    {{"the last step is atomic: rmdir and a create in the directory exclude each other",
      {"mkdir(\"a\", 0755)", "mkdir(\"a/b\", 0755)"},
      {{0, "rmdir(\"a/b\")", 10, 20, "ok"}, {1, "mknod(\"a/b/f\", S_IFREG|0644)", 30, 40, "ok"}}},
     Verdict::kIllegal},
    // path_init() reads the dirfd when the walk starts and holds its file: another
    // thread's close(f2) after that does not reach the open, whose create comes later
    // (the statx after the close still finds no "a/b"). Met on xfs: openat2(f6, "b",
    // O_CREAT|O_EXCL) = ok beside a close(f6) and a walk that found no b after it.
    {{"an open's dirfd read before a close, its create after",
      {"mkdir(\"a\", 0755)", "f2 = open(\"a\", O_RDONLY|O_DIRECTORY)"},
      {{0, "f3 = openat(f2, \"b\", O_WRONLY|O_CREAT|O_EXCL, 0644)", 10, 100, "ok"}, {1, "close(f2)", 20, 30, "ok"},
       {1, "statx(\"a/b\", 0)", 40, 50, "ENOENT"}}},
     Verdict::kOk},
    {{"an open called after the close finds no dirfd",
      {"mkdir(\"a\", 0755)", "f2 = open(\"a\", O_RDONLY|O_DIRECTORY)"},
      {{0, "f3 = openat(f2, \"b\", O_WRONLY|O_CREAT|O_EXCL, 0644)", 35, 100, "ok"}, {1, "close(f2)", 20, 30, "ok"},
       {1, "statx(\"a/b\", 0)", 40, 50, "ENOENT"}}},
     Verdict::kIllegal},
};

class Steps : public ::testing::TestWithParam<StepCase> {};

TEST_P(Steps, Verdict) {
  const StepCase& c = GetParam();
  const History h = build_history(c.history);  // the check points into it
  LookupCheck check;
  ASSERT_EQ(check_with_lookup_model(h, "tmpfs", Budget{}, check, nullptr, true), "");
  EXPECT_EQ(check.result.verdict, c.expected) << lookup_report(check) << explain_steps(check);
}

struct CaseName {
  std::string operator()(const ::testing::TestParamInfo<StepCase>& info) const {
    std::string s;
    for (const char* p = info.param.history.name; *p; ++p) s += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
    return s;
  }
};
INSTANTIATE_TEST_SUITE_P(Lookup, Steps, ::testing::ValuesIn(kCases), CaseName());

History history_file(const char* name) {
  auto parsed = read_history_file(std::string(NFZ_SOURCE_DIR) + "/tests/oracles/data/linearizability/" + name);
  if (auto* err = std::get_if<ParseError>(&parsed)) ADD_FAILURE() << err->to_string();
  return std::get<History>(parsed);
}

History rename_walks_history() { return history_file("rename_walks_tmpfs.jsonl"); }

// A stress run on tmpfs (seed 173666414, program 938): T2's close(f4), linked after a
// failed op, was cancelled; the executor took f4 out when it prepared the chain and gave
// it back at the cancellation, so T3's close(f4) after it closes the file.
TEST(StepsOnRecord, CancelledCloseGivesItsFdBack) {
  const History h = history_file("cancelled_close_gives_back_tmpfs.jsonl");
  LookupCheck check;
  ASSERT_EQ(check_with_lookup_model(h, "", Budget{}, check), "");
  EXPECT_EQ(check.result.verdict, Verdict::kOk) << lookup_report(check);
}

// The run on record: renameat2("./d/a", "a/a/b", RENAME_EXCHANGE) walked "./d/a" before
// rename("d/d", "c/a") moved the symlink both walks pass, and "a/a/b" after it.
TEST(StepsOnRecord, RenameWalksTmpfsIsLinearizableAndExplained) {
  const History h = rename_walks_history();
  LookupCheck check;
  ASSERT_EQ(check_with_lookup_model(h, "", Budget{}, check, nullptr, true), "");
  ASSERT_EQ(check.result.verdict, Verdict::kOk) << lookup_report(check);
  const std::string text = explain_steps(check);
  // The first walk's first step (it reads the symlink d before the move; a walk that
  // follows symlinks has a line per symlink), and where the second walk ends.
  const size_t first = text.find("walk of \"./d/a\" for renameat2(\"./d/a\", \"a/a/b\", RENAME_EXCHANGE)");
  const size_t move = text.find("T3 #5  rename(\"d/d\", \"c/a\")");
  const size_t second =
      text.find("walk of \"a/a/b\" for renameat2(\"./d/a\", \"a/a/b\", RENAME_EXCHANGE) [uring]: its parent is");
  ASSERT_NE(first, std::string::npos) << text;
  ASSERT_NE(move, std::string::npos) << text;
  ASSERT_NE(second, std::string::npos) << text;
  EXPECT_LT(first, move) << text;
  EXPECT_LT(move, second) << text;
}

// The same run with the exchange called after the move returned: both its walks come
// after the move, and no order of steps explains it.
TEST(StepsOnRecord, RenameWalksTmpfsWithTheExchangeLateIsNot) {
  History h = rename_walks_history();
  int64_t move_return = -1;
  size_t exchange = h.events.size();
  for (size_t i = 0; i < h.events.size(); ++i) {
    const Event& e = h.events[i];
    if (e.thread == 3 && e.index == 5) move_return = e.return_ns;
    if (e.thread == 2 && e.index == 3) exchange = i;
  }
  ASSERT_GE(move_return, 0);
  ASSERT_LT(exchange, h.events.size());
  Event& e = h.events[exchange];
  ASSERT_LT(e.call_ns, move_return);
  const int64_t took = e.return_ns - e.call_ns;
  e.call_ns = move_return + 1;
  e.return_ns = std::max(e.return_ns, e.call_ns + took);
  LookupCheck check;
  ASSERT_EQ(check_with_lookup_model(h, "", Budget{}, check), "");
  EXPECT_EQ(check.result.verdict, Verdict::kIllegal) << lookup_report(check);
}

}  // namespace
}  // namespace nfz::oracles::lin
