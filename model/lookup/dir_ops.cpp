// mkdir, mknod, symlink, link, unlink, rmdir and statx (fs/namei.c do_mkdirat(),
// do_mknodat(), do_symlinkat(), do_linkat(), do_unlinkat(), do_rmdir(); fs/stat.c).
#include <cerrno>

#include "model/lookup/create_lookup.hpp"
#include "model/lookup/profile.hpp"
#include "model/lookup/tree.hpp"

namespace nfz::model {
namespace {

// The last component of an op's path, for its step after the first.
std::string_view last_of(std::string_view path) {
  LastType type;
  std::string_view last;
  bool trailing_slash;
  last_component(path, type, last, trailing_slash);
  return last;
}

// vfs_mkdir() / vfs_mknod() / vfs_symlink() once filename_create() said yes.
void make_node(const StepContext& c, const ParentWalk& p, NodeType type, uint32_t data) {
  State next = c.copy();
  Ino ino = tree::alloc_node(next, type, data);
  if (ino == kNoIno) return c.unchanged(-ENOSPC);
  tree::add_entry(next, p.dir, intern(p.last), ino);
  c.changed(0, std::move(next));
}

// The second step of rmdir and unlink, d_delete(): the name of what ->rmdir() (its count
// at 0) or ->unlink() (one link less) counted off goes.
void unhash_removed(const StepContext& c, Ino dir) {
  const Ino child = c.pinned(kLockedChild);
  State next = c.copy();
  tree::name_counted_back(next, child);  // remove_entry() counts the name off
  tree::remove_entry(next, dir, intern(last_of(c.op.path)));
  tree::drop_pins(next, c.key);
  c.changed(0, std::move(next));
}

// link's d_instantiate(): the new name of the file ->link() counted appears.
void link_instantiate(const StepContext& c, Ino dir) {
  const Ino old = c.pinned(kLockedChild);
  State next = c.copy();
  next.nodes[old].nlink--;  // add_entry() counts the name in
  tree::add_entry(next, dir, intern(last_of(c.op.path2)), old);
  tree::drop_pins(next, c.key);
  c.changed(0, std::move(next));
}

// A mkdir's second step (step_mkdir()): the name appears, or the parent counts it.
void mkdir_finish(const StepContext& c, Ino dir) {
  State next = c.copy();
  if (c.pinned(kMkdirCounted) != kNoIno) {
    const Ino ino = tree::alloc_node(next, NodeType::kDir, 0);
    if (ino == kNoIno) {
      tree::drop_pins(next, c.key);
      return c.changed(-ENOSPC, std::move(next));
    }
    tree::add_entry(next, dir, intern(last_of(c.op.path)), ino);
  }
  tree::drop_pins(next, c.key);
  c.changed(0, std::move(next));
}

}  // namespace

void step_mkdir(const StepContext& c) {
  if (const Ino dir = c.pinned(kLockedParent); dir != kNoIno) return mkdir_finish(c, dir);
  ParentWalk p;
  if (int err = filename_create(c, c.op.path, /*want_dir=*/true, p); err) return c.unchanged(err);
  const MkdirOrder order = c.counts_apart ? mkdir_order(c.profile()) : MkdirOrder::kAtOnce;
  if (order == MkdirOrder::kAtOnce) return make_node(c, p, NodeType::kDir, 0);
  // Two steps under the parent's i_rwsem (mkdir_order()): the count or the name first.
  // In between the parent stays locked to ops that lock it, as the kernel holds it.
  State next = c.copy();
  tree::add_pin(next, c.key, kLockedParent, p.dir);
  if (order == MkdirOrder::kCountFirst) {
    tree::add_pin(next, c.key, kMkdirCounted, p.dir);
  } else {
    const Ino ino = tree::alloc_node(next, NodeType::kDir, 0);
    if (ino == kNoIno) return c.unchanged(-ENOSPC);
    tree::add_entry(next, p.dir, intern(p.last), ino);
    tree::add_pin(next, c.key, kMkdirUncounted, ino);
  }
  c.changed(kWalked, std::move(next));
}

void step_mknod(const StepContext& c) {
  // may_mknod() accepts S_IFREG, S_IFCHR, S_IFIFO (the only types an Op may carry).
  ParentWalk p;
  if (int err = filename_create(c, c.op.path, false, p); err) return c.unchanged(err);
  switch (c.op.mode & S_IFMT) {
    case S_IFIFO: return make_node(c, p, NodeType::kFifo, 0);
    case S_IFCHR: return make_node(c, p, NodeType::kChr, c.op.major << 20 | c.op.minor);
    default: return make_node(c, p, NodeType::kReg, 0);
  }
}

void step_symlink(const StepContext& c) {
  if (c.op.path.empty()) return c.unchanged(-ENOENT);  // getname() of the target
  ParentWalk p;
  if (int err = filename_create(c, c.op.path2, false, p); err) return c.unchanged(err);
  // The filesystem's limit on a symlink body (->symlink()).
  if (c.op.path.size() > max_symlink_length(c.profile())) return c.unchanged(-ENAMETOOLONG);
  make_node(c, p, NodeType::kSymlink, intern(c.op.path));
}

void step_link(const StepContext& c) {
  if (const Ino dir = c.pinned(kLockedParent); dir != kNoIno) return link_instantiate(c, dir);
  // link(2) is linkat(..., 0): the old name is not followed if it is a symlink.
  Ino old = c.pinned(0);
  if (old == kNoIno) {
    Walker w(c.s, c.profile(), 0);
    if (int err = w.lookup(c.op.path, Start{}); err) return c.unchanged(err);
    old = w.cur();
  }
  ParentWalk p;
  if (int err = filename_create(c, c.op.path2, false, p, 1); err) return c.unchanged(err);
  if (tree::is_dir(c.s, old)) return c.unchanged(-EPERM);  // vfs_link(): no links to directories
  // vfs_link(): a source unlinked since do_linkat() found it (its walk held it) is gone.
  if (c.s.nodes[old].nlink == 0) return c.unchanged(-ENOENT);
  State next = c.copy();
  if (c.counts_apart && c.key != StepContext::kNoKey) {
    // ->link() counts the new link before it instantiates the name (shmem_link()'s
    // inc_nlink() then d_instantiate(); ext4_link(), xfs_link(), btrfs_link() the same):
    // a statx through the old name may read the new count while the new name is not
    // there yet. The new parent stays locked between the two.
    next.nodes[old].nlink++;
    tree::add_pin(next, c.key, kLockedParent, p.dir);
    tree::add_pin(next, c.key, kLockedChild, old);
    return c.changed(kWalked, std::move(next));
  }
  tree::add_entry(next, p.dir, intern(p.last), old);
  c.changed(0, std::move(next));
}

void step_unlink(const StepContext& c) {
  if (const Ino dir = c.pinned(kLockedParent); dir != kNoIno) return unhash_removed(c, dir);
  ParentWalk p = walk_parent(c, c.op.path);
  if (p.err) return c.unchanged(p.err);
  if (p.type != LastType::kNorm) return c.unchanged(-EISDIR);
  int err = 0;
  Ino child = lookup_excl(c.s, c.profile(), p.dir, p.last, err);
  if (err) return c.unchanged(err);
  if (child == kNoIno) return c.unchanged(-ENOENT);
  // "Why not before? Because we want correct error value": a trailing slash.
  if (p.trailing_slash) return c.unchanged(tree::is_dir(c.s, child) ? -EISDIR : -ENOTDIR);
  if (tree::is_dir(c.s, child)) return c.unchanged(-EISDIR);  // may_delete()
  State next = c.copy();
  if (c.counts_apart && c.key != StepContext::kNoKey) {
    // vfs_unlink(): ->unlink() drops the file's link count (shmem_unlink(), ext4_unlink(),
    // xfs_remove(), btrfs_unlink_inode() under the parent's and the file's i_rwsem), and
    // only after it d_delete_notify() unhashes the name. A walk takes neither lock, so
    // between the two it finds the name while a statx through it counts the link gone
    // (met on btrfs: statx("b") = nlink 0, then mkdir("/b/../c") = ENOTDIR, while
    // unlink("../b") was in flight). The parent stays locked until the name goes.
    tree::name_counted_off(next, child);
    tree::add_pin(next, c.key, kLockedParent, p.dir);
    tree::add_pin(next, c.key, kLockedChild, child);
    return c.changed(kWalked, std::move(next));
  }
  tree::remove_entry(next, p.dir, intern(p.last));
  tree::maybe_free(next, child);
  c.changed(0, std::move(next));
}

void step_rmdir(const StepContext& c) {
  if (const Ino dir = c.pinned(kLockedParent); dir != kNoIno) return unhash_removed(c, dir);
  ParentWalk p = walk_parent(c, c.op.path);
  if (p.err) return c.unchanged(p.err);
  switch (p.type) {
    case LastType::kDotDot: return c.unchanged(-ENOTEMPTY);
    case LastType::kDot: return c.unchanged(-EINVAL);
    case LastType::kRoot: return c.unchanged(-EBUSY);
    case LastType::kNorm: break;
  }
  int err = 0;
  Ino child = lookup_excl(c.s, c.profile(), p.dir, p.last, err);
  if (err) return c.unchanged(err);
  if (child == kNoIno) return c.unchanged(-ENOENT);
  if (!tree::is_dir(c.s, child)) return c.unchanged(-ENOTDIR);  // may_delete()
  // vfs_rmdir() takes the child's i_rwsem before it looks inside: a mkdir in it between
  // its two steps (step_mkdir()) holds it, and the rmdir waits (no outcome yet).
  if (c.key != StepContext::kNoKey && tree::locked_by_other(c.s, child, c.key, kLockedParent)) return;
  // ->rmdir(): simple_rmdir(), ext4_rmdir(), xfs_remove(), btrfs_rmdir() all say ENOTEMPTY.
  if (!tree::dir_empty(c.s, child)) return c.unchanged(-ENOTEMPTY);
  State next = c.copy();
  if (c.key != StepContext::kNoKey) {
    // vfs_rmdir(): ->rmdir() drops the counts (the directory's to 0, its parent's by one:
    // simple_rmdir(), ext4_rmdir() under the parent's and the child's i_rwsem), and only
    // after it d_delete_notify() unhashes the name. A walk takes neither lock
    // (lookup_fast()), so between the two it finds the name, a dead directory, while a
    // statx of the parent already counts one subdirectory less (met on ext4: an rmdir
    // that took 3.6 ms). The parent stays locked to ops that lock it until the name goes.
    tree::name_counted_off(next, child);
    tree::add_pin(next, c.key, kLockedParent, p.dir);
    tree::add_pin(next, c.key, kLockedChild, child);
    return c.changed(kWalked, std::move(next));
  }
  tree::remove_entry(next, p.dir, intern(p.last));
  tree::maybe_free(next, child);
  c.changed(0, std::move(next));
}

void step_statx(const StepContext& c) {
  // vfs_statx(): filename_lookup() with LOOKUP_FOLLOW unless AT_SYMLINK_NOFOLLOW.
  Walker w(c.s, c.profile(), (c.op.flags & AT_SYMLINK_NOFOLLOW) ? 0 : kLookupFollow);
  if (c.key != StepContext::kNoKey) w.pause_at_links();
  const WalkCursor* at = c.walk_cursor();
  const int err = at ? w.lookup_from(*at) : w.lookup(c.op.path, Start{});
  if (err == Walker::kPaused) return c.paused(w);
  if (!err) c.reached = w.cur();
  c.unchanged(err);
}

}  // namespace nfz::model
