// rename and renameat2 (fs/namei.c do_renameat2(), lock_rename(), vfs_rename()).
#include <cerrno>

#include "model/lookup/create_lookup.hpp"
#include "model/lookup/profile.hpp"
#include "model/lookup/tree.hpp"

namespace nfz::model {
namespace {

// The child of `ancestor` on the way down to `d` (d itself if it is a child).
Ino child_towards(const State& s, Ino ancestor, Ino d) {
  while (s.nodes[d].parent != ancestor) d = s.nodes[d].parent;
  return d;
}

// lock_rename(new_dir, old_dir)'s "trap": when one parent is an ancestor of the other,
// the child of the upper one on the way to the lower one; kNoIno otherwise.
Ino rename_trap(const State& s, Ino new_dir, Ino old_dir) {
  if (new_dir == old_dir) return kNoIno;
  if (tree::is_ancestor(s, old_dir, new_dir)) return child_towards(s, old_dir, new_dir);
  if (tree::is_ancestor(s, new_dir, old_dir)) return child_towards(s, new_dir, old_dir);
  return kNoIno;
}

// What a rename that passed every check changes.
struct RenamePlan {
  Ino from_dir = kNoIno, to_dir = kNoIno, old = kNoIno, target = kNoIno;
  NameId old_name = 0, new_name = 0;
  bool exchange = false, whiteout = false, old_is_dir = false, target_is_dir = false;
};

// The checks of do_renameat2(), lock_rename() and vfs_rename() up to ->rename(): -errno,
// kNothing for two names of one inode (nothing happens), or 0 with `p` filled.
constexpr int kNothing = 1;

int plan_rename(const StepContext& c, RenamePlan& p) {
  const uint32_t flags = c.op.flags;
  p.exchange = flags & kRenameExchange;
  p.whiteout = flags & kRenameWhiteout;
  const bool noreplace = flags & kRenameNoreplace;
  if ((noreplace || p.whiteout) && p.exchange) return -EINVAL;
  ParentWalk from = walk_parent(c, c.op.path);
  if (from.err) return from.err;
  ParentWalk to = walk_parent(c, c.op.path2, 1);
  if (to.err) return to.err;
  if (from.type != LastType::kNorm) return -EBUSY;
  if (to.type != LastType::kNorm) return noreplace ? -EEXIST : -EBUSY;
  const Ino trap = rename_trap(c.s, to.dir, from.dir);

  int err = 0;
  p.old = lookup_excl(c.s, c.profile(), from.dir, from.last, err);
  if (err) return err;
  if (p.old == kNoIno) return -ENOENT;  // "source must exist"
  p.target = lookup_excl(c.s, c.profile(), to.dir, to.last, err);
  if (err) return err;
  if (noreplace && p.target != kNoIno) return -EEXIST;
  p.old_is_dir = tree::is_dir(c.s, p.old);
  p.target_is_dir = p.target != kNoIno && tree::is_dir(c.s, p.target);
  if (p.exchange) {
    if (p.target == kNoIno) return -ENOENT;
    if (!p.target_is_dir && to.trailing_slash) return -ENOTDIR;
  }
  // "unless the source is a directory trailing slashes give -ENOTDIR"
  if (!p.old_is_dir && (from.trailing_slash || (!p.exchange && to.trailing_slash))) return -ENOTDIR;
  if (p.old == trap) return -EINVAL;  // source is an ancestor of the target
  if (p.target != kNoIno && p.target == trap) return p.exchange ? -EINVAL : -ENOTEMPTY;

  // vfs_rename()
  if (p.old == p.target) return kNothing;
  if (p.target != kNoIno && !p.exchange) {  // may_delete() of the target
    if (p.old_is_dir && !p.target_is_dir) return -ENOTDIR;
    if (!p.old_is_dir && p.target_is_dir) return -EISDIR;
  }
  // ->rename(): the flags it takes, then a non-empty directory target.
  if (p.whiteout && !supports_whiteout(c.profile())) return -EINVAL;
  if (!p.exchange && p.target_is_dir && !tree::dir_empty(c.s, p.target)) return rename_nonempty_dir_errno(c.profile());
  p.from_dir = from.dir;
  p.to_dir = to.dir;
  p.old_name = intern(from.last);
  p.new_name = intern(to.last);
  return 0;
}

// The names move (d_move(), d_exchange()) and the counts with them.
void apply_rename(const StepContext& c, State next, const RenamePlan& p) {
  if (p.exchange) {
    tree::replace_entry(next, p.from_dir, p.old_name, p.target);
    tree::replace_entry(next, p.to_dir, p.new_name, p.old);
    return c.changed(0, std::move(next));
  }
  tree::remove_entry(next, p.from_dir, p.old_name);
  if (p.target != kNoIno) tree::replace_entry(next, p.to_dir, p.new_name, p.old);
  else tree::add_entry(next, p.to_dir, p.new_name, p.old);
  if (p.target != kNoIno) tree::maybe_free(next, p.target);
  if (p.whiteout) {  // a 0:0 character device where the source was (shmem_whiteout())
    Ino w = tree::alloc_node(next, NodeType::kChr, 0);
    if (w == kNoIno) return c.unchanged(-ENOSPC);
    tree::add_entry(next, p.from_dir, p.old_name, w);
  }
  c.changed(0, std::move(next));
}

// Whether ->rename() changes a link count a statx reads: a directory moving to another
// parent (one parent loses a subdirectory, the other gains one), or a target it replaces.
bool changes_counts(const RenamePlan& p) {
  if (!p.exchange) return p.target != kNoIno || (p.old_is_dir && p.from_dir != p.to_dir);
  return p.old_is_dir != p.target_is_dir && p.from_dir != p.to_dir;
}

// ->rename() as its own step: the counts as they will be, the names as they were, both
// parents locked. kMkdirUncounted counts a directory off the parent its name is still in,
// kMkdirCounted counts one more in the other (identity.cpp expected_nlink()).
void count_rename(const StepContext& c, const RenamePlan& p) {
  State next = c.copy();
  tree::add_pin(next, c.key, kLockedParent, p.from_dir);
  if (p.to_dir != p.from_dir) tree::add_pin(next, c.key, kLockedParent, p.to_dir);
  if (p.target != kNoIno && !p.exchange) {
    tree::name_counted_off(next, p.target);  // as rmdir's and unlink's first steps leave it
    tree::add_pin(next, c.key, kLockedChild, p.target);
  }
  // The one directory that changes parent (changes_counts(): in an exchange, exactly one
  // of the two is a directory): counted off the parent its name is still in, on the other.
  if (p.from_dir != p.to_dir && (p.old_is_dir || p.exchange)) {
    const bool old_moves = p.old_is_dir;
    tree::add_pin(next, c.key, kMkdirUncounted, old_moves ? p.old : p.target);
    tree::add_pin(next, c.key, kMkdirCounted, old_moves ? p.to_dir : p.from_dir);
  }
  c.changed(kWalked, std::move(next));
}

// The second step: the counts ->rename() took back to what the names say, then the move.
// Both parents stayed locked, so the checks give what they gave.
void move_names(const StepContext& c) {
  State s = c.copy();
  if (Ino t = tree::pinned(s, c.key, kLockedChild); t != kNoIno) tree::name_counted_back(s, t);
  for (int tag : {kLockedParent, kLockedChild, kMkdirCounted, kMkdirUncounted})
    tree::drop_tagged_pins(s, c.key, tag);
  const StepContext restored{c.model, s, c.op, c.out, c.key};
  RenamePlan p;
  const int err = plan_rename(restored, p);
  if (err == 0) return apply_rename(restored, copy_state(s), p);
  restored.unchanged(err == kNothing ? 0 : err);
}

}  // namespace

void step_rename(const StepContext& c) {
  if (c.pinned(kLockedParent) != kNoIno) return move_names(c);
  RenamePlan p;
  const int err = plan_rename(c, p);
  if (err == kNothing) return c.unchanged(0);
  if (err) return c.unchanged(err);
  // vfs_rename(): ->rename() updates the inodes' link counts under the locks, and only
  // after it returns does d_move() (d_exchange()) move the names. A statx takes neither
  // lock, so between the two it reads the new counts through the old names (met on xfs:
  // statx("/") counted one subdirectory less, then open("b") = EISDIR, while
  // rename("b/", "a") replaced the directory "a"). The checker asks for the two steps where
  // a statx runs beside the rename (counts_apart).
  if (c.counts_apart && c.key != StepContext::kNoKey && changes_counts(p)) return count_rename(c, p);
  apply_rename(c, c.copy(), p);
}

}  // namespace nfz::model
