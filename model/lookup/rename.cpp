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

}  // namespace

void step_rename(const StepContext& c) {
  const uint32_t flags = c.op.flags;
  const bool exchange = flags & kRenameExchange, noreplace = flags & kRenameNoreplace,
             whiteout = flags & kRenameWhiteout;
  if ((noreplace || whiteout) && exchange) return c.unchanged(-EINVAL);
  ParentWalk from = walk_parent(c, c.op.path);
  if (from.err) return c.unchanged(from.err);
  ParentWalk to = walk_parent(c, c.op.path2, 1);
  if (to.err) return c.unchanged(to.err);
  if (from.type != LastType::kNorm) return c.unchanged(-EBUSY);
  if (to.type != LastType::kNorm) return c.unchanged(noreplace ? -EEXIST : -EBUSY);
  const Ino trap = rename_trap(c.s, to.dir, from.dir);

  int err = 0;
  const Ino old = lookup_excl(c.s, c.profile(), from.dir, from.last, err);
  if (err) return c.unchanged(err);
  if (old == kNoIno) return c.unchanged(-ENOENT);  // "source must exist"
  const Ino target = lookup_excl(c.s, c.profile(), to.dir, to.last, err);
  if (err) return c.unchanged(err);
  if (noreplace && target != kNoIno) return c.unchanged(-EEXIST);
  const bool old_is_dir = tree::is_dir(c.s, old);
  const bool target_is_dir = target != kNoIno && tree::is_dir(c.s, target);
  if (exchange) {
    if (target == kNoIno) return c.unchanged(-ENOENT);
    if (!target_is_dir && to.trailing_slash) return c.unchanged(-ENOTDIR);
  }
  // "unless the source is a directory trailing slashes give -ENOTDIR"
  if (!old_is_dir && (from.trailing_slash || (!exchange && to.trailing_slash))) return c.unchanged(-ENOTDIR);
  if (old == trap) return c.unchanged(-EINVAL);  // source is an ancestor of the target
  if (target != kNoIno && target == trap) return c.unchanged(exchange ? -EINVAL : -ENOTEMPTY);

  // vfs_rename()
  if (old == target) return c.unchanged(0);  // two names of one inode: nothing happens
  if (target != kNoIno && !exchange) {  // may_delete() of the target
    if (old_is_dir && !target_is_dir) return c.unchanged(-ENOTDIR);
    if (!old_is_dir && target_is_dir) return c.unchanged(-EISDIR);
  }
  // ->rename(): the flags it takes, then a non-empty directory target.
  if (whiteout && !supports_whiteout(c.profile())) return c.unchanged(-EINVAL);
  State next = c.copy();
  const NameId old_name = intern(from.last), new_name = intern(to.last);
  if (exchange) {
    tree::replace_entry(next, from.dir, old_name, target);
    tree::replace_entry(next, to.dir, new_name, old);
    return c.changed(0, std::move(next));
  }
  if (target_is_dir && !tree::dir_empty(c.s, target)) return c.unchanged(rename_nonempty_dir_errno(c.profile()));
  tree::remove_entry(next, from.dir, old_name);
  if (target != kNoIno) tree::replace_entry(next, to.dir, new_name, old);
  else tree::add_entry(next, to.dir, new_name, old);
  if (target != kNoIno) tree::maybe_free(next, target);
  if (whiteout) {  // a 0:0 character device where the source was (shmem_whiteout())
    Ino w = tree::alloc_node(next, NodeType::kChr, 0);
    if (w == kNoIno) return c.unchanged(-ENOSPC);
    tree::add_entry(next, from.dir, old_name, w);
  }
  c.changed(0, std::move(next));
}

}  // namespace nfz::model
