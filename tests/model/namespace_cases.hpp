// Named cases of mkdir, mknod, symlink, link, unlink, rmdir, rename and statx: their man
// pages, and fs/namei.c filename_create(), do_unlinkat(), do_rmdir(), do_renameat2(),
// vfs_rename(), vfs_link().
#pragma once

#include <cerrno>
#include <string>
#include <vector>

#include "tests/model/model_test_util.hpp"

namespace nfz::model::testing {

inline std::vector<Case> namespace_cases() {
  const std::string mkfile = "open(\"f\", O_WRONLY|O_CREAT, 0644)";
  const std::string mkdir = "mkdir(\"d\", 0755)";
  return {
      {"MkdirExistingEexist", "mkdir(2) EEXIST", {mkdir, mkfile},
       {{"mkdir(\"d\", 0755)", {-EEXIST}}, {"mkdir(\"f\", 0755)", {-EEXIST}}}},
      {"MkdirTrailingSlash", "filename_create(): LOOKUP_DIRECTORY keeps LOOKUP_CREATE with a trailing slash", {},
       {{"mkdir(\"d/\", 0755)", {0}}, {"mkdir(\"d//e//\", 0755)", {0}}}},
      {"MkdirDotsEexist", "filename_create(): \"foo/.\", \"foo/..\" and \"/\" are EEXIST", {mkdir},
       {{"mkdir(\".\", 0755)", {-EEXIST}}, {"mkdir(\"d/..\", 0755)", {-EEXIST}}, {"mkdir(\"/\", 0755)", {-EEXIST}}}},
      {"MkdirMissingParentEnoent", "mkdir(2) ENOENT: a directory component does not exist", {},
       {{"mkdir(\"x/y\", 0755)", {-ENOENT}}}},
      {"MkdirOnDanglingSymlinkEexist", "mkdir(2) EEXIST: includes a symbolic link, dangling or not",
       {"symlink(\"t\", \"s\")"}, {{"mkdir(\"s\", 0755)", {-EEXIST}}, {"mkdir(\"s/\", 0755)", {-EEXIST}}}},
      {"MkdirThroughSymlinkedParent", "path_resolution(7): symlinks in the middle are followed",
       {mkdir, "symlink(\"d\", \"s\")"}, {{"mkdir(\"s/e\", 0755)", {0}}, {"statx(\"d/e\", 0)", {0}}}},
      {"MknodTrailingSlashEnoent", "filename_create(): a trailing slash drops LOOKUP_CREATE for non-directories", {},
       {{"mknod(\"x/\", S_IFREG|0644)", {-ENOENT}}, {"mknod(\"p\", S_IFIFO|0644)", {0}}, {"mknod(\"p/\", S_IFIFO|0644)", {-EEXIST}}}},
      {"SymlinkEmptyTargetEnoent", "symlink(2) ENOENT: target is an empty string", {},
       {{"symlink(\"\", \"s\")", {-ENOENT}}}},
      {"SymlinkExistingEexist", "symlink(2) EEXIST: linkpath already exists", {mkdir},
       {{"symlink(\"x\", \"d\")", {-EEXIST}}, {"symlink(\"x\", \"d/\")", {-EEXIST}}, {"symlink(\"x\", \"/\")", {-EEXIST}}}},
      {"SymlinkTargetIsNotResolved", "symlink(2): the target need not exist", {},
       {{"symlink(\"/no/such/thing\", \"s\")", {0}}, {"statx(\"s\", AT_SYMLINK_NOFOLLOW)", {0}}, {"statx(\"s\", 0)", {-ENOENT}}}},
      {"LinkToDirectoryEperm", "link(2) EPERM: oldpath is a directory", {mkdir}, {{"link(\"d\", \"e\")", {-EPERM}}}},
      {"LinkDoesNotFollowSymlink", "link(2): Linux does not dereference oldpath if it is a symbolic link",
       {mkfile, "symlink(\"f\", \"s\")"},
       {{"link(\"s\", \"h\")", {0}}, {"unlink(\"f\")", {0}}, {"statx(\"h\", AT_SYMLINK_NOFOLLOW)", {0}}, {"statx(\"h\", 0)", {-ENOENT}}}},
      {"LinkExistingEexist", "link(2) EEXIST", {mkfile, mkdir}, {{"link(\"f\", \"d\")", {-EEXIST}}}},
      {"LinkMissingEnoent", "link(2) ENOENT", {}, {{"link(\"f\", \"g\")", {-ENOENT}}}},
      {"LinkKeepsTheInode", "link(2): both names refer to the same file", {mkfile},
       {{"link(\"f\", \"g\")", {0}}, {"unlink(\"f\")", {0}}, {"open(\"g\", O_RDONLY)", {0}}}},
      {"UnlinkDirectoryEisdir", "unlink(2) EISDIR: pathname refers to a directory (Linux)", {mkdir},
       {{"unlink(\"d\")", {-EISDIR}}, {"unlink(\"d/\")", {-EISDIR}}}},
      {"UnlinkTrailingSlashOnFileEnotdir", "do_unlinkat(): trailing slashes give ENOTDIR for non-directories",
       {mkfile, "symlink(\"d\", \"s\")", mkdir}, {{"unlink(\"f/\")", {-ENOTDIR}}, {"unlink(\"s/\")", {-ENOTDIR}}}},
      {"UnlinkDotsEisdir", "do_unlinkat(): a last component other than a name is EISDIR", {mkdir},
       {{"unlink(\".\")", {-EISDIR}}, {"unlink(\"d/..\")", {-EISDIR}}, {"unlink(\"/\")", {-EISDIR}}}},
      {"UnlinkedOpenFileStaysOpen", "unlink(2): the file lives while a descriptor refers to it",
       {mkfile, "f0 = open(\"f\", O_RDONLY)"}, {{"unlink(\"f\")", {0}}, {"open(\"f\", O_RDONLY)", {-ENOENT}}, {"close(f0)", {0}}}},
      {"UnlinkSymlinkNotTarget", "unlink(2): a symbolic link itself is removed", {mkfile, "symlink(\"f\", \"s\")"},
       {{"unlink(\"s\")", {0}}, {"statx(\"f\", 0)", {0}}}},
      {"RmdirNonEmptyEnotempty", "rmdir(2) ENOTEMPTY (simple_rmdir(): simple_empty())", {mkdir, "mkdir(\"d/e\", 0755)"},
       {{"rmdir(\"d\")", {-ENOTEMPTY}}}},
      {"RmdirDotEinval", "rmdir(2) EINVAL: pathname has . as last component", {mkdir},
       {{"rmdir(\".\")", {-EINVAL}}, {"rmdir(\"d/.\")", {-EINVAL}}}},
      {"RmdirDotDotEnotempty", "rmdir(2) ENOTEMPTY: pathname has .. as its final component", {mkdir},
       {{"rmdir(\"d/..\")", {-ENOTEMPTY}}}},
      {"RmdirRootEbusy", "do_rmdir(): LAST_ROOT is EBUSY", {}, {{"rmdir(\"/\")", {-EBUSY}}}},
      {"RmdirFileEnotdir", "rmdir(2) ENOTDIR", {mkfile}, {{"rmdir(\"f\")", {-ENOTDIR}}, {"rmdir(\"f/\")", {-ENOTDIR}}}},
      {"RmdirSymlinkToDirEnotdir", "may_delete(): the last component is not followed", {mkdir, "symlink(\"d\", \"s\")"},
       {{"rmdir(\"s\")", {-ENOTDIR}}, {"rmdir(\"s/\")", {-ENOTDIR}}}},
      {"RmdirTrailingSlash", "do_rmdir(): trailing slashes are fine for a directory", {mkdir},
       {{"rmdir(\"d//\")", {0}}}},
      {"RenameIntoOwnSubtreeEinval", "rename(2) EINVAL: an attempt to make a directory a subdirectory of itself",
       {"mkdir(\"a\", 0755)", "mkdir(\"a/b\", 0755)"}, {{"rename(\"a\", \"a/b/c\")", {-EINVAL}}, {"rename(\"a\", \"a/c\")", {-EINVAL}}}},
      {"RenameOverAncestorEnotempty", "do_renameat2(): the target is an ancestor of the source (lock_rename() trap)",
       {"mkdir(\"a\", 0755)", "mkdir(\"a/b\", 0755)"}, {{"rename(\"a/b\", \"a\")", {-ENOTEMPTY}}}},
      {"RenameDirOverNonEmptyDirEnotempty", "rename(2) ENOTEMPTY", {"mkdir(\"a\", 0755)", "mkdir(\"b\", 0755)", "mkdir(\"b/x\", 0755)"},
       {{"rename(\"a\", \"b\")", {-ENOTEMPTY}}}},
      {"RenameDirOverEmptyDir", "rename(2): an empty directory newpath is replaced", {"mkdir(\"a\", 0755)", "mkdir(\"b\", 0755)"},
       {{"rename(\"a\", \"b\")", {0}}, {"statx(\"a\", 0)", {-ENOENT}}, {"statx(\"b\", 0)", {0}}}},
      {"RenameFileOverDirEisdir", "rename(2) EISDIR: newpath is a directory, oldpath is not", {mkfile, mkdir},
       {{"rename(\"f\", \"d\")", {-EISDIR}}}},
      {"RenameDirOverFileEnotdir", "rename(2) ENOTDIR: oldpath is a directory and newpath exists but is not", {mkfile, mkdir},
       {{"rename(\"d\", \"f\")", {-ENOTDIR}}}},
      {"RenameHardLinksDoesNothing", "rename(2): two hard links to one file: does nothing, returns success",
       {mkfile, "link(\"f\", \"g\")"}, {{"rename(\"f\", \"g\")", {0}}, {"statx(\"f\", 0)", {0}}, {"statx(\"g\", 0)", {0}}}},
      {"RenameNoreplaceExistingEexist", "rename(2) EEXIST: RENAME_NOREPLACE and newpath exists", {mkfile, mkdir},
       {{"renameat2(\"f\", \"d\", RENAME_NOREPLACE)", {-EEXIST}}, {"renameat2(\"f\", \"f\", RENAME_NOREPLACE)", {-EEXIST}}}},
      {"RenameExchangeMissingEnoent", "rename(2) ENOENT: RENAME_EXCHANGE and newpath does not exist", {mkfile},
       {{"renameat2(\"f\", \"g\", RENAME_EXCHANGE)", {-ENOENT}}}},
      {"RenameExchangeSwaps", "rename(2) RENAME_EXCHANGE: atomically exchange oldpath and newpath", {mkfile, mkdir},
       {{"renameat2(\"f\", \"d\", RENAME_EXCHANGE)", {0}}, {"open(\"f\", O_RDONLY|O_DIRECTORY)", {0}}, {"open(\"d\", O_WRONLY)", {0}}}},
      {"RenameExchangeWithNoreplaceEinval", "rename(2) EINVAL: RENAME_NOREPLACE or RENAME_WHITEOUT with RENAME_EXCHANGE",
       {mkfile}, {{"renameat2(\"f\", \"g\", RENAME_NOREPLACE|RENAME_EXCHANGE)", {-EINVAL}},
                  {"renameat2(\"f\", \"g\", RENAME_EXCHANGE|RENAME_WHITEOUT)", {-EINVAL}}}},
      {"RenameWhiteoutLeavesCharDevice", "rename(2) RENAME_WHITEOUT: a whiteout (0:0 char device) at the source",
       {mkfile}, {{"renameat2(\"f\", \"g\", RENAME_WHITEOUT)", {0}}, {"statx(\"f\", 0)", {0}}, {"open(\"f\", O_RDONLY)", {-ENXIO}},
                  {"open(\"f\", O_RDONLY|O_PATH)", {0}}}},
      {"RenameTrailingSlashOnFileEnotdir", "do_renameat2(): unless the source is a directory trailing slashes give ENOTDIR",
       {mkfile}, {{"rename(\"f/\", \"g\")", {-ENOTDIR}}, {"rename(\"f\", \"g/\")", {-ENOTDIR}}}},
      {"RenameDirTrailingSlash", "do_renameat2(): trailing slashes are fine for a directory", {mkdir},
       {{"rename(\"d/\", \"e/\")", {0}}, {"statx(\"e\", 0)", {0}}}},
      {"RenameDotsEbusy", "do_renameat2(): a last component other than a name is EBUSY (EEXIST with NOREPLACE)",
       {mkfile, mkdir}, {{"rename(\".\", \"x\")", {-EBUSY}}, {"rename(\"f\", \"d/..\")", {-EBUSY}},
                         {"renameat2(\"f\", \"/\", RENAME_NOREPLACE)", {-EEXIST}}}},
      {"RenameMissingEnoent", "rename(2) ENOENT: oldpath does not exist", {}, {{"rename(\"a\", \"b\")", {-ENOENT}}}},
      {"RenameOpenDirectoryFdFollows", "vfs_rename(): the directory moves, an fd on it goes along",
       {mkdir, "f0 = open(\"d\", O_RDONLY)"}, {{"rename(\"d\", \"e\")", {0}}, {"openat(f0, \"..\", O_RDONLY)", {0}},
                                               {"openat(f0, \"x\", O_WRONLY|O_CREAT, 0644)", {0}}, {"statx(\"e/x\", 0)", {0}}}},
      {"StatxNofollowDangling", "statx(2) AT_SYMLINK_NOFOLLOW", {"symlink(\"t\", \"s\")"},
       {{"statx(\"s\", AT_SYMLINK_NOFOLLOW)", {0}}, {"statx(\"s\", 0)", {-ENOENT}}}},
      {"StatxTrailingSlashFollows", "lookup_last(): a trailing slash follows even with AT_SYMLINK_NOFOLLOW",
       {mkdir, "symlink(\"d\", \"s\")", "symlink(\"f\", \"t\")", mkfile},
       {{"statx(\"s/\", AT_SYMLINK_NOFOLLOW)", {0}}, {"statx(\"t/\", AT_SYMLINK_NOFOLLOW)", {-ENOTDIR}}}},
      {"SymlinkChainOf40", "path_resolution(7): at most 40 symbolic links in one resolution (MAXSYMLINKS)", {},
       {}},  // filled in by symlink_chain_case()
  };
}

// 40 links in a row resolve; a 41st is ELOOP.
inline Case symlink_chain_case() {
  Case c{"SymlinkChainOf40", "path_resolution(7) / reserve_stack(): at most 40 symbolic links (MAXSYMLINKS)", {}, {}};
  c.setup.push_back("open(\"f\", O_WRONLY|O_CREAT, 0644)");
  c.setup.push_back("symlink(\"f\", \"l1\")");
  for (int i = 2; i <= 41; ++i)
    c.setup.push_back("symlink(\"l" + std::to_string(i - 1) + "\", \"l" + std::to_string(i) + "\")");
  c.steps = {{"open(\"l40\", O_RDONLY)", {0}}, {"open(\"l41\", O_RDONLY)", {-ELOOP}}, {"statx(\"l41\", AT_SYMLINK_NOFOLLOW)", {0}}};
  return c;
}

inline std::vector<Case> all_namespace_cases() {
  std::vector<Case> cases = namespace_cases();
  cases.back() = symlink_chain_case();
  return cases;
}

}  // namespace nfz::model::testing
