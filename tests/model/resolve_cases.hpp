// Named cases of openat2's RESOLVE_ flags (openat2(2), fs/namei.c nd_jump_root(),
// handle_dots(), pick_link()) and of RESOLVE_CACHED's contract (docs/ARCHITECTURE.md#kernel-facts), and of FIFO
// opens (fifo(7), fs/pipe.c fifo_open()).
#pragma once

#include <cerrno>
#include <string>
#include <vector>

#include "tests/model/model_test_util.hpp"

namespace nfz::model::testing {

inline std::vector<Case> resolve_cases() {
  const std::string mkfile = "open(\"f\", O_WRONLY|O_CREAT, 0644)";
  const std::string mkdir = "mkdir(\"d\", 0755)";
  return {
      {"BeneathAbsoluteExdev", "openat2(2) RESOLVE_BENEATH: absolute pathnames are EXDEV", {mkdir},
       {{"openat2(\"/d\", O_RDONLY, 0, RESOLVE_BENEATH)", {-EXDEV}}}},
      // "d/../..": the first ".." passes handle_dots()'s seqcount check, which a mount or
      // rename anywhere on the machine fails (-EAGAIN); the second is EXDEV.
      {"BeneathDotDotEscapeExdev", "follow_dotdot(): \"..\" at nd->root under LOOKUP_BENEATH", {mkdir},
       {{"openat2(\"..\", O_RDONLY, 0, RESOLVE_BENEATH)", {-EXDEV}},
        {"openat2(\"d/../..\", O_RDONLY, 0, RESOLVE_BENEATH)", {-EXDEV, -EAGAIN}}}},
      {"BeneathDotDotInside", "openat2(2) RESOLVE_BENEATH: \"..\" is allowed while it stays below dirfd", {mkdir},
       {{"openat2(\"d/..\", O_RDONLY, 0, RESOLVE_BENEATH)", {0, -EAGAIN}}}},
      {"BeneathAbsoluteSymlinkExdev", "openat2(2) RESOLVE_BENEATH: absolute symbolic links are EXDEV",
       {mkfile, "symlink(\"/f\", \"s\")", "symlink(\"f\", \"r\")"},
       {{"openat2(\"s\", O_RDONLY, 0, RESOLVE_BENEATH)", {-EXDEV}}, {"openat2(\"r\", O_RDONLY, 0, RESOLVE_BENEATH)", {0}}}},
      {"BeneathAndInRootEinval", "openat2(2) EINVAL: RESOLVE_BENEATH and RESOLVE_IN_ROOT together", {},
       {{"openat2(\".\", O_RDONLY, 0, RESOLVE_BENEATH|RESOLVE_IN_ROOT)", {-EINVAL}}}},
      {"InRootAbsoluteFromDirfd", "openat2(2) RESOLVE_IN_ROOT: absolute paths are relative to dirfd",
       {mkdir, "mkdir(\"d/e\", 0755)", "f0 = open(\"d\", O_RDONLY)"},
       {{"openat2(f0, \"/e\", O_RDONLY, 0, RESOLVE_IN_ROOT)", {0}}, {"openat2(f0, \"/d\", O_RDONLY, 0, RESOLVE_IN_ROOT)", {-ENOENT}},
        {"openat2(f0, \"/d\", O_RDONLY, 0, 0)", {0}}}},
      {"InRootDotDotClamped", "openat2(2) RESOLVE_IN_ROOT: \"..\" at dirfd stays at dirfd",
       {mkdir, "mkdir(\"d/e\", 0755)", "f0 = open(\"d\", O_RDONLY)", "symlink(\"/e\", \"d/s\")"},
       {{"openat2(f0, \"../../e\", O_RDONLY, 0, RESOLVE_IN_ROOT)", {0, -EAGAIN}},
        {"openat2(f0, \"s\", O_RDONLY, 0, RESOLVE_IN_ROOT)", {0}}}},
      {"InRootEmptyDirfdEbadf", "path_init(): RESOLVE_IN_ROOT takes even an absolute path from dirfd", {mkdir},
       {{"openat2(f5, \"/d\", O_RDONLY, 0, RESOLVE_IN_ROOT)", {-EBADF}}, {"openat2(f5, \"/d\", O_RDONLY, 0, 0)", {0}}}},
      {"NoSymlinksEloop", "openat2(2) RESOLVE_NO_SYMLINKS: ELOOP for any symbolic link", {mkdir, "symlink(\"d\", \"s\")"},
       {{"openat2(\"s\", O_RDONLY, 0, RESOLVE_NO_SYMLINKS)", {-ELOOP}}, {"openat2(\"s/.\", O_RDONLY, 0, RESOLVE_NO_SYMLINKS)", {-ELOOP}},
        {"openat2(\"d\", O_RDONLY, 0, RESOLVE_NO_SYMLINKS)", {0}}}},
      {"NoSymlinksPathNofollow", "openat2(2): O_PATH|O_NOFOLLOW opens a trailing link even under RESOLVE_NO_SYMLINKS",
       {"symlink(\"t\", \"s\")"}, {{"openat2(\"s\", O_RDONLY|O_NOFOLLOW|O_PATH, 0, RESOLVE_NO_SYMLINKS)", {0}}}},
      {"NoXdevAbsoluteSymlinkFirstJumpExdev", "nd_jump_root(): LOOKUP_NO_XDEV sees nd->root.mnt unset (NULL) on a first jump",
       {mkfile, "symlink(\"/f\", \"s\")"},
       {{"openat2(\"s\", O_RDONLY, 0, RESOLVE_NO_XDEV)", {-EXDEV}}, {"openat2(\"/s\", O_RDONLY, 0, RESOLVE_NO_XDEV)", {0}},
        {"openat2(\"../s\", O_RDONLY, 0, RESOLVE_NO_XDEV)", {0}}, {"openat2(\"/f\", O_RDONLY, 0, RESOLVE_NO_XDEV)", {0}}}},
      {"CachedCreatEagain", "build_open_flags(): RESOLVE_CACHED with O_CREAT, O_TRUNC or O_TMPFILE is EAGAIN", {mkfile, mkdir},
       {{"openat2(\"f\", O_WRONLY|O_CREAT, 0644, RESOLVE_CACHED)", {-EAGAIN}}, {"openat2(\"f\", O_WRONLY|O_TRUNC, 0, RESOLVE_CACHED)", {-EAGAIN}},
        {"openat2(\"d\", O_WRONLY|O_TMPFILE, 0644, RESOLVE_CACHED)", {-EAGAIN}}}},
      {"CachedMissingOnTmpfsEagain", "kernel facts: tmpfs keeps no negative dentry (always_delete_dentry())", {},
       {{"openat2(\"x\", O_RDONLY, 0, RESOLVE_CACHED)", {-EAGAIN}}}},
      {"CachedMissingOnExt4", "kernel facts: a cached negative dentry is ENOENT, an evicted one EAGAIN", {},
       {{"openat2(\"x\", O_RDONLY, 0, RESOLVE_CACHED)", {-EAGAIN, -ENOENT}}}, Profile::kExt4},
      // Success is allowed, never required: complete_walk()'s try_to_unlazy() fails when
      // mount_lock moved (a mount anywhere on the machine), and the retry is -EAGAIN.
      {"CachedExistingOnTmpfs", "shmem pins its dentries: a cached walk finds every name", {mkfile},
       {{"openat2(\"f\", O_RDONLY, 0, RESOLVE_CACHED)", {0, -EAGAIN}}}},
      {"CachedExistingOnXfs", "kernel facts: any dcache miss is EAGAIN", {mkfile},
       {{"openat2(\"f\", O_RDONLY, 0, RESOLVE_CACHED)", {-EAGAIN, 0}}}, Profile::kXfs},
      {"CachedDirectoryIsNotTmpfile", "historical bug 5 (2023 fix): O_DIRECTORY is not O_TMPFILE under RESOLVE_CACHED", {mkdir},
       {{"openat2(\"d\", O_RDONLY|O_DIRECTORY, 0, RESOLVE_CACHED)", {0, -EAGAIN}}}},
      {"CachedFileInTheMiddleEagain", "link_path_walk(): ENOTDIR needs try_to_unlazy(), which LOOKUP_CACHED refuses",
       {mkfile}, {{"openat2(\"f/x\", O_RDONLY, 0, RESOLVE_CACHED)", {-EAGAIN}}, {"openat2(\"f/x\", O_RDONLY, 0, 0)", {-ENOTDIR}}}},
      {"CachedBeneathDotDotEagain", "follow_dotdot_rcu(): -ECHILD at the root under RESOLVE_BENEATH becomes EAGAIN", {},
       {{"openat2(\"..\", O_RDONLY, 0, RESOLVE_BENEATH|RESOLVE_CACHED)", {-EAGAIN}}}},
      {"CachedBeneathAbsoluteExdev", "nd_jump_root() says EXDEV in RCU mode too", {mkdir},
       {{"openat2(\"/d\", O_RDONLY, 0, RESOLVE_BENEATH|RESOLVE_CACHED)", {-EXDEV}}}},
      {"CachedSymlinkMayEagain", "pick_link(): atime_needs_update() makes the RCU walk unlazy",
       {mkfile, "symlink(\"f\", \"s\")"}, {{"openat2(\"s\", O_RDONLY, 0, RESOLVE_CACHED)", {-EAGAIN, 0}}}},
      // do_open() decides these after complete_walk(), whose try_to_unlazy() fails (-ECHILD)
      // when mount_lock's seqcount moved since path_init(); path_init() of the non-RCU
      // retry then refuses LOOKUP_CACHED (-EAGAIN). A mount anywhere on the machine does it.
      {"CachedAfterWalkErrorsMayEagain", "do_open() after complete_walk()/try_to_unlazy(): the error or EAGAIN", {mkfile, mkdir},
       {{"openat2(\"f\", O_RDONLY|O_DIRECTORY, 0, RESOLVE_CACHED)", {-ENOTDIR, -EAGAIN}},
        {"openat2(\"d\", O_WRONLY, 0, RESOLVE_CACHED)", {-EISDIR, -EAGAIN}}}},
      // Errors met during the walk itself come before complete_walk(): never EAGAIN.
      {"CachedWalkErrorsStay", "nd_jump_root() (in RCU mode) and build_open_flags() decide before complete_walk()", {mkdir},
       {{"openat2(\"/d\", O_RDONLY, 0, RESOLVE_BENEATH|RESOLVE_CACHED)", {-EXDEV}},
        {"openat2(\"d\", O_RDONLY, 0, RESOLVE_BENEATH|RESOLVE_IN_ROOT|RESOLVE_CACHED)", {-EINVAL}}}},
      // rename_lock and mount_lock are system-wide: so in Mode::kSequential too.
      {"CachedMissMayMeetAConcurrentCreate", "simple_lookup(): a create in flight holds a hashed negative dentry",
       {},
       {{"openat2(\"x\", O_RDONLY, 0, RESOLVE_CACHED)", {-EAGAIN, -ENOENT}}}, Profile::kTmpfs, Mode::kConcurrent},
      {"ScopedDotDotMayRaceConcurrently", "handle_dots(): a racing rename makes a scoped \"..\" EAGAIN", {mkdir},
       {{"openat2(\"d/..\", O_RDONLY, 0, RESOLVE_BENEATH)", {-EAGAIN, 0}}}, Profile::kTmpfs, Mode::kConcurrent},
  };
}

inline std::vector<Case> fifo_cases() {
  const std::string mkfifo = "mknod(\"p\", S_IFIFO|0644)";
  return {
      {"FifoReaderWithoutWriterBlocks", "fifo(7): opening for reading blocks until a writer opens", {mkfifo},
       {{"open(\"p\", O_RDONLY)", {kBlocks}}}},
      {"FifoReaderNonblock", "open(2) O_NONBLOCK: a FIFO opened for reading succeeds at once", {mkfifo},
       {{"f0 = open(\"p\", O_RDONLY|O_NONBLOCK)", {0}}, {"open(\"p\", O_WRONLY)", {0}}}},
      {"FifoWriterNonblockWithoutReaderEnxio", "open(2) ENXIO: O_NONBLOCK|O_WRONLY, FIFO with no reader", {mkfifo},
       {{"open(\"p\", O_WRONLY|O_NONBLOCK)", {-ENXIO}}, {"open(\"p\", O_WRONLY)", {kBlocks}}}},
      {"FifoReadWriteNeverBlocks", "fifo(7): under Linux, opening a FIFO for read and write succeeds", {mkfifo},
       {{"f0 = open(\"p\", O_RDWR)", {0}}, {"open(\"p\", O_RDONLY)", {0}}, {"open(\"p\", O_WRONLY|O_NONBLOCK)", {0}}}},
      {"FifoPeerGoneAgain", "fifo_open(): only open files count as peers",
       {mkfifo, "f1 = open(\"p\", O_RDONLY|O_NONBLOCK)"},
       {{"open(\"p\", O_WRONLY|O_NONBLOCK)", {0}}, {"close(f1)", {0}}, {"open(\"p\", O_WRONLY|O_NONBLOCK)", {-ENXIO}}}},
      {"FifoPathDoesNotOpen", "open(2) O_PATH: the file itself is not opened", {mkfifo},
       {{"open(\"p\", O_RDONLY|O_PATH)", {0}}}},
      {"FifoWaitMayEndConcurrently", "fifo_open(): a waiting opener counts, a peer arriving meanwhile wakes it", {mkfifo},
       {{"open(\"p\", O_RDONLY)", {kBlocks, 0}}}, Profile::kTmpfs, Mode::kConcurrent},
      {"FifoInlineUringIsNonblocking", "io_openat2(): an inline issue adds O_NONBLOCK; a punted one does not", {mkfifo},
       {{"open(\"p\", O_RDONLY) [uring]", {kBlocks, 0}}, {"open(\"p\", O_WRONLY) [uring]", {kBlocks, -ENXIO}},
        {"open(\"p\", O_RDONLY) [uring-async]", {kBlocks}}, {"open(\"p\", O_RDONLY|O_CREAT, 0644) [uring]", {kBlocks}}}},
      {"FifoWriterKeptInFixedSlot", "io_uring direct descriptors are open files too",
       {mkfifo, "f2 = open(\"p\", O_RDWR) [uring fixed]"}, {{"open(\"p\", O_RDONLY)", {0}}, {"close(f2) [uring fixed]", {0}},
                                                              {"open(\"p\", O_RDONLY)", {kBlocks}}}},
  };
}

inline std::vector<Case> profile_cases() {
  std::string long_target;  // 1260 bytes: over xfs's limit, under PATH_MAX
  for (char c : std::string("abcde")) long_target += "/" + std::string(251, c);
  return {
      {"XfsSymlinkBodyLimit", "xfs_symlink(): XFS_SYMLINK_MAXLEN is 1024", {},
       {{"symlink(\"" + long_target + "\", \"s\")", {-ENAMETOOLONG}}}, Profile::kXfs},
      {"XfsRenameOverNonEmptyDirEexist", "xfs_rename(): a target directory that cannot be destroyed is EEXIST",
       {"mkdir(\"c\", 0755)", "mkdir(\"a\", 0755)", "open(\"a/d\", O_RDONLY|O_CREAT, 0644)"},
       {{"rename(\"c\", \"a\")", {-EEXIST}}, {"rmdir(\"a\")", {-ENOTEMPTY}}}, Profile::kXfs},
      {"TmpfsLongSymlinkBody", "shmem_symlink(): up to PAGE_SIZE", {}, {{"symlink(\"" + long_target + "\", \"s\")", {0}}}},
      {"OverlayNoWhiteoutRename", "ovl_rename(): only RENAME_NOREPLACE and RENAME_EXCHANGE", {"open(\"f\", O_WRONLY|O_CREAT, 0644)"},
       {{"renameat2(\"f\", \"g\", RENAME_WHITEOUT)", {-EINVAL}}}, Profile::kOverlay},
      {"Ext4TmpfileInRemovedDirEperm", "__ext4_new_inode(): \"Cannot create files in a deleted directory\"",
       {"mkdir(\"d\", 0755)", "f0 = open(\"d\", O_RDONLY)", "rmdir(\"d\")"},
       {{"openat(f0, \".\", O_WRONLY|O_TMPFILE, 0644)", {-EPERM}}}, Profile::kExt4},
      {"XfsTmpfileInRemovedDir", "xfs_create_tmpfile() does not test the directory's link count",
       {"mkdir(\"d\", 0755)", "f0 = open(\"d\", O_RDONLY)", "rmdir(\"d\")"},
       {{"openat(f0, \".\", O_WRONLY|O_TMPFILE, 0644)", {0}}}, Profile::kXfs},
      {"TmpfsTmpfileInRemovedDir", "shmem_tmpfile() does not test the directory's link count",
       {"mkdir(\"d\", 0755)", "f0 = open(\"d\", O_RDONLY)", "rmdir(\"d\")"},
       {{"openat(f0, \".\", O_WRONLY|O_TMPFILE, 0644)", {0}}}, Profile::kTmpfs},
      {"Ext4PositiveMayMiss", "a dentry evicted by memory pressure or drop_caches: the cached walk misses",
       {"mkdir(\"d\", 0755)"}, {{"openat2(\"d\", O_RDONLY, 0, RESOLVE_CACHED)", {-EAGAIN, 0}}}, Profile::kExt4},
  };
}

}  // namespace nfz::model::testing
