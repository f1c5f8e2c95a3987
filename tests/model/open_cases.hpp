// Named cases of open, openat and openat2 (without RESOLVE_ flags): open(2), openat2(2),
// fs/open.c build_open_flags(), fs/namei.c path_openat() and do_open().
#pragma once

#include <cerrno>
#include <string>
#include <vector>

#include "tests/model/model_test_util.hpp"

namespace nfz::model::testing {

inline const std::string kLong(256, 'x');  // one byte over NAME_MAX

inline std::vector<Case> open_cases() {
  const std::string mkfile = "open(\"f\", O_WRONLY|O_CREAT, 0644)";
  return {
      {"CreatMakesFile", "open(2) O_CREAT", {}, {{"open(\"f\", O_WRONLY|O_CREAT, 0644)", {0}}, {"statx(\"f\", 0)", {0}}}},
      {"MissingIsEnoent", "open(2) ENOENT", {}, {{"open(\"f\", O_RDONLY)", {-ENOENT}}}},
      {"CreatExclExisting", "open(2) EEXIST: pathname already exists and O_CREAT and O_EXCL were used", {mkfile},
       {{"open(\"f\", O_WRONLY|O_CREAT|O_EXCL, 0644)", {-EEXIST}}}},
      {"CreatExclDanglingSymlink", "open(2) O_EXCL: a symbolic link fails with EEXIST regardless of where it points",
       {"symlink(\"t\", \"s\")"}, {{"open(\"s\", O_WRONLY|O_CREAT|O_EXCL, 0644)", {-EEXIST}}, {"statx(\"t\", 0)", {-ENOENT}}}},
      {"CreatFollowsDanglingSymlink", "path_openat(): O_CREAT without O_EXCL follows the link and creates its target",
       {"symlink(\"t\", \"s\")"}, {{"open(\"s\", O_WRONLY|O_CREAT, 0644)", {0}}, {"statx(\"t\", 0)", {0}}}},
      {"CreatNofollowSymlinkEloop", "do_open() -> may_open(): S_IFLNK is ELOOP", {"symlink(\"t\", \"s\")"},
       {{"open(\"s\", O_WRONLY|O_CREAT|O_NOFOLLOW, 0644)", {-ELOOP}}}},
      {"NofollowSymlinkEloop", "open(2) ELOOP: O_NOFOLLOW and the trailing component is a symbolic link",
       {mkfile, "symlink(\"f\", \"s\")"}, {{"open(\"s\", O_RDONLY|O_NOFOLLOW)", {-ELOOP}}}},
      {"PathNofollowOpensTheLink", "open(2) O_PATH: with O_NOFOLLOW a symbolic link itself is opened",
       {"symlink(\"t\", \"s\")"}, {{"open(\"s\", O_RDONLY|O_NOFOLLOW|O_PATH)", {0}}}},
      {"NofollowDirectoryOnSymlinkEnotdir", "do_open(): the LOOKUP_DIRECTORY test comes before may_open()",
       {"mkdir(\"d\", 0755)", "symlink(\"d\", \"s\")"}, {{"open(\"s\", O_RDONLY|O_DIRECTORY|O_NOFOLLOW)", {-ENOTDIR}}}},
      {"DirectoryOnFileEnotdir", "open(2) ENOTDIR: O_DIRECTORY and pathname is not a directory", {mkfile},
       {{"open(\"f\", O_RDONLY|O_DIRECTORY)", {-ENOTDIR}}}},
      {"WriteDirectoryEisdir", "open(2) EISDIR: pathname refers to a directory and write access was requested",
       {"mkdir(\"d\", 0755)"}, {{"open(\"d\", O_WRONLY)", {-EISDIR}}, {"open(\"d\", O_RDWR)", {-EISDIR}}}},
      {"TruncDirectoryEisdir", "build_open_flags(): O_TRUNC implies MAY_WRITE; may_open() of a directory",
       {"mkdir(\"d\", 0755)"}, {{"open(\"d\", O_RDONLY|O_TRUNC)", {-EISDIR}}}},
      {"ReadDirectoryOk", "open(2): a directory opens read-only", {"mkdir(\"d\", 0755)"},
       {{"open(\"d\", O_RDONLY)", {0}}, {"open(\"d\", O_RDONLY|O_DIRECTORY)", {0}}}},
      {"CreatOnDirectoryEisdir", "do_open(): O_CREAT on a directory", {"mkdir(\"d\", 0755)"},
       {{"open(\"d\", O_RDONLY|O_CREAT, 0644)", {-EISDIR}}}},
      {"CreatExclOnDirectoryEexist", "do_open(): O_EXCL before the directory test", {"mkdir(\"d\", 0755)"},
       {{"open(\"d\", O_RDONLY|O_CREAT|O_EXCL, 0644)", {-EEXIST}}}},
      {"CreatTrailingSlashEisdir", "open_last_lookups(): O_CREAT with trailing slashes", {"mkdir(\"d\", 0755)"},
       {{"open(\"x/\", O_WRONLY|O_CREAT, 0644)", {-EISDIR}}, {"open(\"d/\", O_RDONLY|O_CREAT, 0644)", {-EISDIR}}}},
      {"CreatDotEisdir", "open_last_lookups(): \".\" goes to handle_dots(), then do_open() says EISDIR", {},
       {{"open(\".\", O_RDONLY|O_CREAT, 0644)", {-EISDIR}}, {"open(\"/\", O_RDONLY|O_CREAT|O_EXCL, 0644)", {-EEXIST}}}},
      {"TrailingSlashOnFileEnotdir", "lookup_last(): a trailing slash sets LOOKUP_DIRECTORY", {mkfile},
       {{"open(\"f/\", O_RDONLY)", {-ENOTDIR}}, {"open(\"f//\", O_RDONLY|O_PATH)", {-ENOTDIR}}}},
      {"TrailingSlashFollowsSymlink", "lookup_last(): a trailing slash sets LOOKUP_FOLLOW, O_NOFOLLOW or not",
       {"mkdir(\"d\", 0755)", "symlink(\"d\", \"s\")"}, {{"open(\"s/\", O_RDONLY|O_NOFOLLOW)", {0}}}},
      {"DirectoryWithCreatEinval", "build_open_flags(): O_DIRECTORY|O_CREAT is refused since 6.4", {},
       {{"open(\"x\", O_RDONLY|O_CREAT|O_DIRECTORY, 0644)", {-EINVAL}}}},
      {"TmpfileReadOnlyEinval", "open(2) EINVAL: O_TMPFILE without O_WRONLY or O_RDWR", {"mkdir(\"d\", 0755)"},
       {{"open(\"d\", O_RDONLY|O_TMPFILE, 0644)", {-EINVAL}}}},
      {"TmpfileInDirectory", "open(2) O_TMPFILE: an unnamed file in the directory", {"mkdir(\"d\", 0755)"},
       {{"f0 = open(\"d\", O_WRONLY|O_TMPFILE, 0644)", {0}}, {"rmdir(\"d\")", {0}}, {"close(f0)", {0}}}},
      {"TmpfileOnFileEnotdir", "do_tmpfile(): path_lookupat() with LOOKUP_DIRECTORY", {mkfile},
       {{"open(\"f\", O_RDWR|O_TMPFILE, 0600)", {-ENOTDIR}}, {"open(\"x\", O_RDWR|O_TMPFILE, 0600)", {-ENOENT}}}},
      {"Openat2PathWithAccessEinval", "openat2(2) EINVAL: O_PATH with flags outside O_PATH_FLAGS", {mkfile},
       {{"openat2(\"f\", O_WRONLY|O_PATH, 0, 0)", {-EINVAL}}}},
      {"OpenatPathDropsOtherFlags", "build_open_how(): \"O_PATH beats everything else\"", {},
       {{"open(\"x\", O_WRONLY|O_CREAT|O_PATH, 0644)", {-ENOENT}}, {"statx(\"x\", 0)", {-ENOENT}}}},
      {"Openat2ModeWithoutCreatEinval", "openat2(2) EINVAL: mode non-zero without O_CREAT or O_TMPFILE", {mkfile},
       {{"openat2(\"f\", O_RDONLY, 0644, 0)", {-EINVAL}}, {"open(\"f\", O_RDONLY, 0644)", {0}}}},
      {"SymlinkToItselfEloop", "path_resolution(7): too many symbolic links", {"symlink(\"s\", \"s\")"},
       {{"open(\"s\", O_RDONLY)", {-ELOOP}}, {"open(\"s/x\", O_RDONLY)", {-ELOOP}}}},
      {"DotDotAtRootStays", "path_resolution(7): \"..\" of the root is the root", {"mkdir(\"d\", 0755)"},
       {{"open(\"/../../d\", O_RDONLY|O_DIRECTORY)", {0}}, {"open(\"..\", O_RDONLY)", {0}}}},
      {"FileInTheMiddleEnotdir", "link_path_walk(): d_can_lookup() after each component", {mkfile},
       {{"open(\"f/x\", O_RDONLY)", {-ENOTDIR}}, {"open(\"f/.\", O_RDONLY)", {-ENOTDIR}}, {"open(\"f/..\", O_RDONLY)", {-ENOTDIR}}}},
      {"LongNameEnametoolong", "shmem (simple_lookup()) refuses names over NAME_MAX", {"mkdir(\"d\", 0755)"},
       {{"open(\"d/" + kLong + "\", O_RDONLY)", {-ENAMETOOLONG}},
        {"open(\"m/" + kLong + "\", O_RDONLY)", {-ENOENT}},
        {"open(\"" + kLong + "\", O_WRONLY|O_CREAT, 0644)", {-ENAMETOOLONG}}}},
      {"DirfdEmptyRegisterEbadf", "openat(2) EBADF: dirfd is not a valid file descriptor", {"mkdir(\"d\", 0755)"},
       {{"openat(f0, \"d\", O_RDONLY)", {-EBADF}}, {"openat(f0, \"/d\", O_RDONLY)", {0}}}},
      {"DirfdOnFileEnotdir", "openat(2) ENOTDIR: pathname is relative and dirfd refers to a file", {mkfile, "f1 = open(\"f\", O_RDONLY)"},
       {{"openat(f1, \"x\", O_RDONLY)", {-ENOTDIR}}}},
      {"DirfdRelative", "openat(2): a relative path from the directory dirfd refers to",
       {"mkdir(\"d\", 0755)", "open(\"d/x\", O_WRONLY|O_CREAT, 0644)", "f2 = open(\"d\", O_RDONLY|O_PATH)"},
       {{"openat(f2, \"x\", O_RDONLY)", {0}}, {"openat(f2, \"../d/x\", O_RDONLY)", {0}}}},
      {"DirfdRemovedDirectory", "lookup_open(): IS_DEADDIR() is ENOENT",
       {"mkdir(\"d\", 0755)", "f3 = open(\"d\", O_RDONLY)", "rmdir(\"d\")"},
       {{"openat(f3, \"x\", O_WRONLY|O_CREAT, 0644)", {-ENOENT}}, {"openat(f3, \".\", O_RDONLY)", {0}},
        {"openat(f3, \"..\", O_RDONLY|O_DIRECTORY)", {0}}}},
      {"DirfdRemovedDirectoryLongName", "__lookup_slow(): a dead directory is ENOENT before ->lookup()'s ENAMETOOLONG",
       {"mkdir(\"d\", 0755)", "f3 = open(\"d\", O_RDONLY)", "rmdir(\"d\")"},
       {{"openat(f3, \"" + std::string(256, 'x') + "\", O_RDONLY|O_PATH)", {-ENOENT}},
        {"openat(f3, \"" + std::string(256, 'x') + "/\", O_RDONLY)", {-ENOENT}}}},
      {"DevNullOpens", "drivers/char/mem.c: 1:3 is /dev/null", {"mknod(\"n\", S_IFCHR|0666, 1, 3)"},
       {{"open(\"n\", O_RDWR)", {0}}, {"open(\"n\", O_WRONLY|O_TRUNC)", {0}}}},
      {"CloseTwiceEbadf", "close(2) EBADF", {mkfile, "f0 = open(\"f\", O_RDONLY)"},
       {{"close(f0)", {0}}, {"close(f0)", {-EBADF}}, {"close(f1)", {-EBADF}}}},
  };
}

}  // namespace nfz::model::testing
