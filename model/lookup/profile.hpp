// Per-filesystem differences the model knows (docs/MODEL.md, "Profiles"). Each answer
// cites where the filesystem decides it.
#pragma once

#include <cerrno>
#include <cstddef>

#include "model/lookup/lookup_model.hpp"

namespace nfz::model {

// Every positive dentry stays in the dcache: tmpfs pins them (d_make_persistent() in
// shmem_mknod()), so neither memory pressure nor drop_caches evicts one. Elsewhere a
// RESOLVE_CACHED walk may miss any name.
constexpr bool pins_dentries(Profile p) { return p == Profile::kTmpfs; }

// Whether a negative dentry may stay cached after a lookup or unlink. tmpfs's dentries
// have always_delete_dentry() (simple_dentry_operations): a negative one dies at its last
// dput(), so RESOLVE_CACHED of a missing name is always -EAGAIN there.
constexpr bool keeps_negative_dentries(Profile p) { return p != Profile::kTmpfs; }

// ->tmpfile(): shmem_tmpfile, ext4_tmpfile, xfs_vn_tmpfile, btrfs_tmpfile, and
// ovl_tmpfile (since 6.6). fuse_tmpfile() sends FUSE_TMPFILE, which the observer does not
// implement (ENOSYS): -EOPNOTSUPP, and fc->no_tmpfile from then on.
constexpr bool supports_tmpfile(Profile p) { return p != Profile::kFuse; }

// O_TMPFILE in a directory already removed (a walk that reached it before the rmdir): the
// VFS does not test IS_DEADDIR() (vfs_tmpfile() takes no lock), so ->tmpfile() decides.
// ext4_tmpfile() -> __ext4_new_inode() refuses a directory whose i_nlink is 0 ("Cannot
// create files in a deleted directory": -EPERM); shmem_tmpfile(), xfs_create_tmpfile() and
// btrfs_tmpfile() make the file; overlay's upper layer is a tmpfs here. Checked on 6.18:
// openat(fd of a removed directory, ".", O_TMPFILE|O_WRONLY).
constexpr int tmpfile_in_dead_dir_errno(Profile p) { return p == Profile::kExt4 ? -EPERM : 0; }

// RENAME_WHITEOUT: shmem_rename2, ext4_rename2, xfs_vn_rename and btrfs_rename2 take it;
// ovl_rename() refuses every flag but NOREPLACE and EXCHANGE (-EINVAL), and so does the
// FUSE observer's RENAME2 (exec/fuse/observer_namespace.cpp).
constexpr bool supports_whiteout(Profile p) { return p != Profile::kOverlay && p != Profile::kFuse; }

// The longest name ->lookup() takes: NAME_MAX (255) for tmpfs (simple_lookup), ext4, xfs,
// btrfs and overlay; a FUSE server sees names up to FUSE_NAME_MAX (1024, fuse_lookup()).
constexpr size_t name_max(Profile p) { return p == Profile::kFuse ? 1024 : 255; }

// Renaming over a non-empty directory: xfs_rename() says -EEXIST ("check that whether
// it can be destroyed"); shmem_rename2() (simple_empty()), ext4_rename() (empty_dir()),
// btrfs_rename() and ovl_rename() say -ENOTEMPTY. rename(2) allows either.
constexpr int rename_nonempty_dir_errno(Profile p) { return p == Profile::kXfs ? -EEXIST : -ENOTEMPTY; }

// The longest symlink body ->symlink() takes (the op language caps paths at 4095 bytes):
// xfs_symlink() refuses XFS_SYMLINK_MAXLEN (1024) and over; ext4_symlink() refuses a body
// whose length + 1 exceeds the block size (the harness's images use 4 KiB blocks);
// shmem_symlink() and btrfs_symlink() take anything up to PATH_MAX.
constexpr size_t max_symlink_length(Profile p) { return p == Profile::kXfs ? 1023 : 4095; }

// Where ->mkdir() counts the new directory in its parent against where its name appears
// (d_instantiate()), which a statx of the parent (no lock: vfs_getattr()) can tell apart:
// ext4_mkdir() does ext4_inc_count(dir) before d_instantiate_new(), xfs_create() bumps
// the parent (xfs_dir_create_child(): xfs_bumplink()) in its transaction and
// xfs_generic_create() d_instantiate()s after it: the count first. shmem_mkdir() has
// shmem_mknod() d_instantiate() the name, then inc_nlink(dir): the name first. btrfs,
// overlay and FUSE directories' counts are not the model's to check (identity.hpp).
enum class MkdirOrder : uint8_t { kAtOnce, kCountFirst, kNameFirst };
constexpr MkdirOrder mkdir_order(Profile p) {
  switch (p) {
    case Profile::kExt4:
    case Profile::kXfs: return MkdirOrder::kCountFirst;
    case Profile::kTmpfs: return MkdirOrder::kNameFirst;
    default: return MkdirOrder::kAtOnce;
  }
}

}  // namespace nfz::model
