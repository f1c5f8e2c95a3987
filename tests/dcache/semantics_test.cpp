// What the model's ops answer, and which kernel paths they take, on small scenarios
// written in the schedule format: table-driven, one row per kernel behaviour.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "model/dcache/explore.hpp"
#include "model/dcache/oracle.hpp"
#include "model/dcache/schedule_text.hpp"
#include "model/dcache/step.hpp"

namespace nfz::dcache {
namespace {

ScheduleFile parse(const std::string& text) {
  auto parsed = parse_schedule_file(text, "test");
  if (auto* e = std::get_if<ScheduleError>(&parsed)) ADD_FAILURE() << e->to_string();
  return std::holds_alternative<ScheduleFile>(parsed) ? std::get<ScheduleFile>(parsed) : ScheduleFile{};
}

struct Outcome {
  RunResult run;
  World end;
  std::string steps;  // every step's description, one per line
};

Outcome run(const ScheduleFile& f) {
  std::vector<TraceStep> trace;
  Outcome o;
  o.run = run_schedule(f.scenario, f.schedule, &trace);
  o.end = trace.empty() ? initial_world(f.scenario) : trace.back().after;
  for (const auto& s : trace) o.steps += std::string(s.what) + "\n";
  return o;
}

struct Row {
  const char* behaviour;
  const char* file;      // a schedule file
  uint8_t oracle;        // expected violation (kOracleNone: clean)
  int result_thread;     // whose last result to check (-1: none)
  uint8_t result;
  const char* path;      // a step description that must appear ("" for none)
};

const Row kRows[] = {
    {"RESOLVE_CACHED|O_DIRECTORY of a cached directory succeeds",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nserver a=dir\nsetup:\n stat a\nthread 0:\n open a O_DIRECTORY cached\nschedule:\n",
     kOracleNone, 0, kOk, "complete_walk: try_to_unlazy ok"},
    {"2023: the same open gets -EAGAIN and cached.complete fires",
     "nameifuzz dcache schedule v1\nvariant cached-tmpfile-odirectory-2023\nfs ext4\nserver a=dir\nsetup:\n stat a\nthread 0:\n open a O_DIRECTORY cached\nschedule:\n",
     kCachedComplete, -1, kOk, "RESOLVE_CACHED refuses"},
    {"RESOLVE_CACHED of an uncached name: -EAGAIN, legitimately",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nserver a=file\nthread 0:\n open a cached\nschedule:\n",
     kOracleNone, 0, kEAGAIN, "try_to_unlazy: LOOKUP_CACHED: -ECHILD"},
    {"2025: at depth 0 the unlazy succeeds and the walk takes i_rwsem",
     "nameifuzz dcache schedule v1\nvariant legitimize-links-depth0-2025\nfs ext4\nserver a=file\nthread 0:\n open a cached\nschedule:\n",
     kNonblockWalk, -1, kOk, "try_to_unlazy: ref-walk mode now"},
    {"io_uring open of an uncached name is punted to io-wq and succeeds there",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nserver a=file\nthread 0:\n open a uring\nschedule:\n",
     kOracleNone, 0, kOk, "io-wq worker: path_openat(), RCU walk"},
    {"2020: the inline attempt unlazies and goes on to ->lookup",
     "nameifuzz dcache schedule v1\nvariant rcu-is-not-nonblock-2020\nfs ext4\nserver a=file\nthread 0:\n open a uring\nschedule:\n",
     kNonblockWalk, -1, kOk, "try_to_unlazy: ref-walk mode now"},
    {"io_uring O_CREAT is forced to io-wq at prep and creates",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nthread 0:\n open a O_CREAT uring\nschedule:\n",
     kOracleNone, 0, kOk, "->create, d_instantiate"},
    {"a cached negative dentry answers -ENOENT in RCU mode",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nsetup:\n stat a\nthread 0:\n open a cached\nschedule:\n",
     kOracleNone, 0, kENOENT, "lookup_fast (rcu): negative dentry: -ENOENT"},
    {"nfs: a name another client created is found after ->d_revalidate",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs nfs\nsetup:\n stat a\n remote_create a\nthread 0:\n open a\nschedule:\n",
     kOracleNone, 0, kOk, "->d_revalidate: stale, d_invalidate()"},
    {"rename moves the dentry: the new name opens, the old is gone",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nserver a=file\nsetup:\n stat a\n rename a b\nthread 0:\n open b cached\n stat a\nschedule:\n",
     kOracleNone, 0, kENOENT, "lookup_fast (rcu): hit"},
    {"O_DIRECTORY on a file is -ENOTDIR",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nserver a=file\nthread 0:\n open a O_DIRECTORY\nschedule:\n",
     kOracleNone, 0, kENOTDIR, "d_splice_alias, d_lookup_done"},
    // The 2016 mail's race in its two faithful forms (pre-4.7 nfs_atomic_open sends the
    // OPEN on the hashed negative dentry it is handed)...
    {"2016 -ENOENT form: two openers d_drop and d_add(NULL) one hashed negative dentry",
     "nameifuzz dcache schedule v1\nvariant atomic-open-enoent-2016\nfs nfs\nthread 0:\n open a\nthread 1:\n open a\nthread 2:\n open a\n"
     "schedule: 1 1 1 2 2 2 2 2 2 2 0 0 2 2 1 1 0 0 0 1 1 1\n",
     kSpliceTwice, -1, kOk, "nfs_atomic_open: -ENOENT: d_drop"},
    {"2016 -EISDIR form: two openers fall back to nfs_lookup on one dentry",
     "nameifuzz dcache schedule v1\nvariant atomic-open-fallback-2016\nfs nfs\nthread 0:\n open a\nthread 1:\n open a\nthread 2:\n open a\n"
     "thread 3:\n remote_mkdir a\nschedule: 1 1 1 1 0 0 0 2 2 2 1 1 2 2 2 1 1 1 0 0 2 3 2 2 2\n",
     kSpliceTwice, -1, kOk, "nfs_atomic_open: -EISDIR: d_drop, fall back to nfs_lookup"},
    // ...and under today's rules the same schedules go through d_alloc_parallel().
    {"fixed: the -ENOENT schedule takes nfs_atomic_open's d_alloc_parallel fallback",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs nfs\nthread 0:\n open a\nthread 1:\n open a\nthread 2:\n open a\n"
     "schedule: 1 1 1 2 2 2 2 2 2 2 0 0 2 2 1 1 0 0 0 1 1 1\n",
     kOracleNone, 0, kENOENT, "nfs_atomic_open: not in-lookup: d_drop, d_alloc_parallel"},
    {"fixed: the -EISDIR schedule too, and the directory is found",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs nfs\nthread 0:\n open a\nthread 1:\n open a\nthread 2:\n open a\n"
     "thread 3:\n remote_mkdir a\nschedule: 1 1 1 1 0 0 0 2 2 2 1 1 2 2 2 1 1 1 0 0 2 3 2 2 2\n",
     kOracleNone, -1, kOk, "nfs_atomic_open: not in-lookup: d_drop, d_alloc_parallel"},
    {"ceph 2026: a file another client created is d_add()ed to the hashed negative dentry",
     "nameifuzz dcache schedule v1\nvariant ceph-hashed-negative-2026\nfs ceph\nthread 0:\n open a\nthread 1:\n open a\nthread 2:\n remote_create a\n"
     "schedule: 0 0 0 0 0 0 0 0 2 1 1\n",
     kSpliceTwice, -1, kOk, "ceph_fill_trace: d_add of the reply's inode"},
    {"ceph fixed: not d_in_lookup() without O_CREAT is -ENOENT",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs ceph\nthread 0:\n open a\nthread 1:\n open a\nthread 2:\n remote_create a\n"
     "schedule: 0 0 0 0 0 0 0 0 2 1 1\n",
     kOracleNone, 1, kENOENT, "ceph_atomic_open: not d_in_lookup(): -ENOENT"},
    {"lustre 2016: ll_atomic_open d_add()s the hashed negative dentry it was handed",
     "nameifuzz dcache schedule v1\nvariant lustre-atomic-open-2016\nfs lustre\nthread 0:\n open b O_DIRECTORY\nthread 1:\n lstat b\nschedule: 1 1 1 1 1 1\n",
     kSpliceTwice, -1, kOk, "ll_atomic_open: ll_lookup_it on the hashed negative dentry"},
    {"lustre fixed: -ENOENT",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs lustre\nthread 0:\n open b O_DIRECTORY\nthread 1:\n lstat b\nschedule: 1 1 1 1 1 1\n",
     kOracleNone, 0, kENOENT, "ll_atomic_open: not d_in_lookup(): -ENOENT"},
    {"no i_dir_seq recheck: a lookup misses the dentry hashed between its two halves",
     "nameifuzz dcache schedule v1\nvariant d-alloc-parallel-dir-seq-2016\nfs ext4\nserver a=file\nthread 0:\n stat a\nthread 1:\n stat a\n"
     "schedule: 1 1 1 1 1 0 0 0 0 0 0 0 0 0\n",
     kHashedUnique, -1, kOk, "d_alloc_parallel: new in-lookup dentry"},
    {"fixed: i_dir_seq moved, d_alloc_parallel() retries and finds the hashed dentry",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nserver a=file\nthread 0:\n stat a\nthread 1:\n stat a\n"
     "schedule: 1 1 1 1 1 0 0 0 0 0 0 0 0 0\n",
     kOracleNone, 1, kOk, "d_alloc_parallel: i_dir_seq changed: retry"},
    {"PREEMPT_RT 2017: a reader spins while the preempted writer holds i_dir_seq odd",
     "nameifuzz dcache schedule v1\nvariant dir-seq-preempt-rt-2017\nfs ext4\nserver a=file\nthread 0:\n stat a\nthread 1:\n stat a\n"
     "schedule: 0 0 0 0 0 0 0 0 1 1 1 1 1 1 1 1 1 1 1 1 1 1\n",
     kProgress, -1, kOk, "d_alloc_parallel: i_dir_seq odd (a __d_add() in progress): retry"},
    {"fixed: the write side is not preemptible, the reader finds the hashed dentry",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nserver a=file\nthread 0:\n stat a\nthread 1:\n stat a\n"
     "schedule: 0 0 0 0 0 0 0 0 1 1 1 1 1 1 1 1 1 1 1 1 1 1\n",
     kOracleNone, 1, kOk, "lookup_fast (rcu): hit"},
    {"2021: a failed LOOKUP_CACHED unlazy keeps nd->depth and puts the symlink it never held",
     "nameifuzz dcache schedule v1\nvariant nd-depth-cached-unlazy-2021\nfs ext4\nserver a=file b=symlink:a\nsetup:\n lstat b\nthread 0:\n open b cached\nschedule:\n",
     kRefcount, -1, kOk, "try_to_unlazy: legitimize_links: LOOKUP_CACHED: -ECHILD"},
    {"fixed: the same walk answers -EAGAIN and leaves the symlink's count alone",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nserver a=file b=symlink:a\nsetup:\n lstat b\nthread 0:\n open b cached\nschedule:\n",
     kOracleNone, 0, kEAGAIN, "try_to_unlazy: legitimize_links: LOOKUP_CACHED: -ECHILD"},
    {"2013: O_CREAT on a read-only nfs mount answers ->atomic_open's -ENOENT",
     "nameifuzz dcache schedule v1\nvariant atomic-open-create-error-2013\nfs nfs\nreadonly\nthread 0:\n open a O_CREAT\nschedule:\n",
     kCreateError, -1, kOk, "->atomic_open: OPEN"},
    {"fixed: the create error wins: -EROFS",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs nfs\nreadonly\nthread 0:\n open a O_CREAT\nschedule:\n", kOracleNone, 0, kEROFS, "->atomic_open: OPEN"},
    {"ext4 read-only: lookup_open() returns the create error itself",
     "nameifuzz dcache schedule v1\nvariant atomic-open-create-error-2013\nfs ext4\nreadonly\nthread 0:\n open a O_CREAT\nschedule:\n",
     kOracleNone, 0, kEROFS, "d_splice_alias, d_lookup_done"},
    {"lookup_fast_for_open: O_CREAT of a cached file opens it in RCU mode, without i_rwsem",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nserver a=file\nsetup:\n stat a\nthread 0:\n open a O_CREAT\n"
     "thread 1:\n unlink a\nschedule: 0 0 1 1\n",
     kOracleNone, 0, kOk, "complete_walk: try_to_unlazy ok"},
    {"lookup_fast_for_open: a cached negative dentry is discarded and the name created",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nsetup:\n stat a\nthread 0:\n open a O_CREAT\nschedule:\n",
     kOracleNone, 0, kOk, "lookup_fast_for_open (rcu): negative, discarded: the create needs i_rwsem"},
    {"O_CREAT|O_EXCL does not try the dcache first",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nserver a=file\nsetup:\n stat a\nthread 0:\n open a O_CREAT O_EXCL\nschedule:\n",
     kOracleNone, 0, kEEXIST, "path_openat(): O_EXCL create"},
    {"may_lookup: RESOLVE_CACHED in a directory whose ACL is not cached is -EAGAIN, legitimately",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nserver a=file\nacl\nsetup:\n evict\nthread 0:\n open a cached\nschedule:\n",
     kOracleNone, 0, kEAGAIN, "may_lookup: inode_permission(MAY_NOT_BLOCK) on P: -ECHILD"},
    {"may_lookup: open(2) reads the ACL in ref-walk mode; then RESOLVE_CACHED succeeds",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nserver a=file\nacl\nthread 0:\n open a\n open a cached\nschedule:\n",
     kOracleNone, 0, kOk, "may_lookup: inode_permission() reads P's ACL"},
    {"pick_link: RESOLVE_CACHED through a symlink whose atime needs an update is -EAGAIN",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nserver a=file b=symlink:a\natime\nsetup:\n stat a\n lstat b\n"
     "thread 0:\n open b cached\nschedule:\n",
     kOracleNone, 0, kEAGAIN, "pick_link: atime_needs_update(): try_to_unlazy"},
    {"pick_link: open(2) updates the atime after the unlazy; then RESOLVE_CACHED follows it",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nserver a=file b=symlink:a\natime\nsetup:\n stat a\n lstat b\n"
     "thread 0:\n open b\n open b cached\nschedule:\n",
     kOracleNone, 0, kOk, "pick_link: touch_atime() of the symlink"},
    {"read-only: O_CREAT of an existing file opens it",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs nfs\nserver a=file\nreadonly\nthread 0:\n open a O_CREAT\nschedule:\n", kOracleNone, 0, kOk, ""},
    {"open follows a symlink: pick_link, then the body's lookup",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nserver a=file b=symlink:a\nthread 0:\n open b\nschedule:\n",
     kOracleNone, 0, kOk, "pick_link: walk the symlink's body"},
    {"lstat does not follow",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nserver a=file b=symlink:a\nthread 0:\n lstat b\n stat a\nschedule:\n",
     kOracleNone, 0, kOk, ""},
    {"a symlink to a symlink is -ELOOP (the model's depth bound)",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nserver a=symlink:b b=symlink:a\nthread 0:\n open a\nschedule:\n",
     kOracleNone, 0, kELOOP, "-ELOOP"},
    {"RESOLVE_CACHED through a cached symlink to a cached file succeeds",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nserver a=file b=symlink:a\nsetup:\n stat b\nthread 0:\n open b cached\nschedule:\n",
     kOracleNone, 0, kOk, "complete_walk: try_to_unlazy ok"},
    {"2025 at depth 1: legitimize_links() runs and refuses, as it should",
     "nameifuzz dcache schedule v1\nvariant legitimize-links-depth0-2025\nfs ext4\nserver a=file b=symlink:a\nsetup:\n lstat b\n"
     "thread 0:\n open b cached\nschedule:\n",
     kOracleNone, 0, kEAGAIN, "try_to_unlazy: legitimize_links: LOOKUP_CACHED: -ECHILD"},
    {"2025 at depth 0 in the same directory: the unlazy succeeds",
     "nameifuzz dcache schedule v1\nvariant legitimize-links-depth0-2025\nfs ext4\nserver a=file b=symlink:a\nsetup:\n lstat b\n"
     "thread 0:\n open a cached\nschedule:\n",
     kNonblockWalk, -1, kOk, ""},
    {"O_CREAT through a dangling symlink creates its body",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nserver b=symlink:a\nthread 0:\n open b O_CREAT\n open a cached\nschedule:\n",
     kOracleNone, 0, kOk, "->create, d_instantiate"},
    {"O_CREAT|O_EXCL on a symlink is -EEXIST",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs nfs\nserver b=symlink:a\nthread 0:\n open b O_CREAT O_EXCL\nschedule:\n",
     kOracleNone, 0, kEEXIST, ""},
    {"braino: the second lookup misses the first one's in-lookup dentry",
     "nameifuzz dcache schedule v1\nvariant d-alloc-parallel-braino-2016\nfs ext4\nserver a=file\nthread 0:\n stat a\nthread 1:\n stat a\n"
     "schedule: 1 1 1 1 1 1\n",
     kInLookupUnique, -1, kOk, "d_alloc_parallel: new in-lookup dentry"},
    {"fixed: the second lookup waits for the first (d_wait_lookup)",
     "nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nserver a=file\nthread 0:\n stat a\nthread 1:\n stat a\n"
     "schedule: 1 1 1 1 1 1\n",
     kOracleNone, 0, kOk, "d_wait_lookup: woken, hashed match"},
};


TEST(Semantics, TableOfKernelBehaviours) {
  for (const Row& row : kRows) {
    SCOPED_TRACE(row.behaviour);
    const Outcome o = run(parse(row.file));
    EXPECT_EQ(o.run.violation.oracle, row.oracle) << oracle_info(o.run.violation.oracle).name << "\n" << o.steps;
    EXPECT_FALSE(o.run.overflow);
    if (row.result_thread >= 0)
      EXPECT_EQ(result_name(o.end.t[row.result_thread].result), result_name(row.result)) << o.steps;
    if (*row.path) EXPECT_NE(o.steps.find(row.path), std::string::npos) << "no step '" << row.path << "' in\n" << o.steps;
  }
}

// Two O_CREAT|O_EXCL opens of one name: in every interleaving exactly one creates.
TEST(Semantics, ExclusiveCreateHasOneWinnerInEveryRandomSchedule) {
  const ScheduleFile f = parse(
      "nameifuzz dcache schedule v1\nvariant fixed\nfs ext4\nthread 0:\n open a O_CREAT O_EXCL\n"
      "thread 1:\n open a O_CREAT O_EXCL\nthread 2:\n stat a\nschedule:\n");
  Rng rng{3};
  std::vector<uint8_t> schedule;
  for (int i = 0; i < 2000; ++i) {
    random_run(f.scenario, rng, static_cast<int>(i % 3), schedule);
    const Outcome o = run({f.scenario, schedule});
    ASSERT_FALSE(o.run.found());
    const int winners = (o.end.t[0].result == kOk) + (o.end.t[1].result == kOk);
    const int losers = (o.end.t[0].result == kEEXIST) + (o.end.t[1].result == kEEXIST);
    ASSERT_EQ(winners, 1);
    ASSERT_EQ(losers, 1);
    ASSERT_EQ(o.end.server[0], kFile);
  }
}

}  // namespace
}  // namespace nfz::dcache
