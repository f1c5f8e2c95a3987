// LookupModel::step_in_steps(): an op as the steps the kernel takes, for the checker.
// The kernel walks a path before it takes any lock: path_parentat() looks each component
// up on its own (lookup_fast() under RCU, or lookup_slow() with the parent's i_rwsem shared
// for that one component), and only then do filename_create(), do_unlinkat(), do_rmdir()
// and do_renameat2() (lock_rename()) lock the parent(s) for the last component. The RCU
// walk's seqcount checks (the parent's d_seq in lookup_fast(), rename_lock for a scoped
// "..") make one lookup consistent with its parent; they do not make the walk consistent
// with the locked last step: a rename between the two is not retried. So the walk that
// ended and the op's last step are two points in the order, with other ops between them.
#include <algorithm>
#include <cerrno>
#include <string>

#include "model/lookup/state_pool.hpp"
#include "model/lookup/step_context.hpp"
#include "model/lookup/tree.hpp"
#include "model/lookup/walk.hpp"

namespace nfz::model {
namespace {

struct WalkSpec {
  std::string_view path;
  bool object = false;  // link()'s lookup of its source: filename_lookup(), not the parent
};

// The walks an op takes before its locks, in the kernel's order.
int walks_of(const Op& op, WalkSpec (&w)[2]) {
  switch (op.kind) {
    case OpKind::kRename: w[0] = {op.path}, w[1] = {op.path2}; return 2;
    case OpKind::kLink: w[0] = {op.path, true}, w[1] = {op.path2}; return 2;
    case OpKind::kMkdir:
    case OpKind::kMknod:
    case OpKind::kUnlink:
    case OpKind::kRmdir: w[0] = {op.path}; return 1;
    case OpKind::kSymlink: w[0] = {op.path2}; return 1;
    default: return 0;
  }
}

// Errors the kernel gives before any walk: do_renameat2()'s flag check, getname() of a
// symlink's empty target. Such an op is one step.
bool fails_before_walking(const Op& op) {
  if (op.kind == OpKind::kRename)
    return (op.flags & kRenameExchange) && (op.flags & (kRenameNoreplace | kRenameWhiteout));
  return op.kind == OpKind::kSymlink && op.path.empty();
}

// A walk's result may differ between its own time and the op's last step only when it
// looks something up: link()'s source always (the name may go), a parent walk when a
// name comes before the last component. These ops always walk from the root (AT_FDCWD).
bool walk_has_gap(const WalkSpec& w) { return w.object || names_before_last(w.path); }

// One step of a walk: from its start, or from where it followed a symlink (`at`), to the
// next symlink it follows or its end (Walker::walk_segment()). pick_link() reads the body
// and link_path_walk() goes on with it under no lock, and nothing retries the walk when a
// rename moves or replaces what the body names in between: each lookup is checked against
// its own parent only (lookup_fast()'s d_seq). So the body's walk is a later step.
int walk_step(Walker& w, const WalkSpec& spec, const WalkCursor* at, std::string& rest) {
  if (!at) {
    if (int err = w.init(spec.path, Start{}); err) return err;
    return w.walk_segment(spec.path, spec.object, rest);
  }
  w.resume(*at);
  const std::string body(name_of(at->rest));
  return w.walk_segment(body, spec.object, rest);
}

// Whether the op's last step takes its parents' locks. A last component ".", ".." or "/"
// fails before any lock: do_rmdir()'s switch, do_unlinkat()'s -EISDIR, filename_create()'s
// "Yucky last component" -EEXIST, do_renameat2()'s -EBUSY / -EEXIST before lock_rename().
bool locks_parents(const WalkSpec* walks, int n) {
  for (int i = 0; i < n; ++i) {
    if (walks[i].object) continue;
    LastType type;
    std::string_view last;
    bool trailing_slash;
    last_component(walks[i].path, type, last, trailing_slash);
    if (type != LastType::kNorm) return false;
  }
  return true;
}

// Whether a parent the op's last step locks is held by another op (an rmdir between
// ->rmdir() and d_delete(), step_rmdir(); a mkdir between its two steps, step_mkdir()):
// inode_lock_nested() and lock_rename() wait.
bool parent_locked(const State& s, Profile profile, const WalkSpec* walks, int n, uint32_t key) {
  const bool any = std::any_of(s.pins.begin(), s.pins.end(), [](uint64_t p) { return pin_tag(p) == kLockedParent; });
  if (!any || !locks_parents(walks, n)) return false;
  for (int i = 0; i < n; ++i) {
    if (walks[i].object) continue;
    Ino dir = tree::pinned(s, key, i);
    if (dir == kNoIno) {
      Walker w(s, profile, 0);
      if (w.parent(walks[i].path, Start{}) != 0) continue;
      dir = w.cur();
    }
    if (tree::locked_by_other(s, dir, key, kLockedParent)) return true;
  }
  return false;
}

}  // namespace

Ino StepContext::pinned(int walk) const { return key == kNoKey ? kNoIno : tree::pinned(s, key, walk); }

const WalkCursor* StepContext::walk_cursor() const { return key == kNoKey ? nullptr : tree::cursor(s, key, 0); }

void StepContext::paused(const Walker& w) const {
  State next = copy();
  tree::set_cursor(next, w.cursor_here(key, 0, w.paused_rest()));
  out.push_back({kWalked, std::move(next)});
}

Ino LookupModel::walk_now(const State& s, const Op& op, int walk) const {
  WalkSpec walks[2];
  uint32_t flags = 0;
  if (op.kind == OpKind::kStatx) {  // vfs_statx(): filename_lookup()
    walks[0] = {op.path, true};
    flags = (op.flags & AT_SYMLINK_NOFOLLOW) ? 0 : kLookupFollow;
  } else if (walk >= walks_of(op, walks)) {
    return kNoIno;
  }
  const WalkSpec& w = walks[walk];
  Walker walker(s, profile_, flags);
  const int err = w.object ? walker.lookup(w.path, Start{}) : walker.parent(w.path, Start{});
  return err ? kNoIno : walker.cur();
}

void LookupModel::step_in_steps(const State& s, const Op& op, uint32_t key, std::vector<Transition>& out,
                                bool counts_apart) const {
  if (op.kind == OpKind::kOpen || op.kind == OpKind::kStatx) return open_in_steps(s, op, key, out);
  WalkSpec walks[2];
  const int n = walks_of(op, walks);
  if (n == 0 || fails_before_walking(op)) return step(s, op, out);
  // An op holding its parent locked (rmdir's and mkdir's two last steps) is past its walks:
  // the checker may let their pins go (a walk now would repeat them), never to be redone.
  const bool locked = tree::pinned(s, key, kLockedParent) != kNoIno;
  for (int i = 0; i < n && !locked; ++i) {
    if (!walk_has_gap(walks[i]) || tree::pinned(s, key, i) != kNoIno) continue;
    recycle_outcomes(out);
    std::string rest;
    Walker w(s, profile_, 0);
    const int r = walk_step(w, walks[i], tree::cursor(s, key, i), rest);
    State next = copy_state(s);
    if (r < 0) {  // the op ends here, with the walk's error
      tree::drop_pins(next, key);
      tree::drop_cursors(next, key);
      out.push_back({r, std::move(next)});
    } else if (r == Walker::kPaused) {
      tree::set_cursor(next, w.cursor_here(key, i, rest));
      out.push_back({kWalked, std::move(next)});
    } else {
      tree::add_pin(next, key, i, w.cur());  // first: the cursor may be all that holds it
      tree::drop_cursors(next, key);
      out.push_back({kWalked, std::move(next)});
    }
    return;
  }
  recycle_outcomes(out);
  if (!locked && parent_locked(s, profile_, walks, n, key)) return;  // no outcome: the op waits for the lock
  StepContext c{*this, s, op, out};
  c.key = key;
  c.counts_apart = counts_apart;
  switch (op.kind) {
    case OpKind::kRename: step_rename(c); break;
    case OpKind::kLink: step_link(c); break;
    case OpKind::kMkdir: step_mkdir(c); break;
    case OpKind::kMknod: step_mknod(c); break;
    case OpKind::kUnlink: step_unlink(c); break;
    case OpKind::kRmdir: step_rmdir(c); break;
    case OpKind::kSymlink: step_symlink(c); break;
    default: break;
  }
  for (Transition& t : out)
    if (t.result != kWalked) tree::drop_pins(t.next, key);
}

void LookupModel::open_start(const State& s, const Op& op, uint32_t key, std::vector<Transition>& out) const {
  recycle_outcomes(out);
  StepContext c{*this, s, op, out};
  c.key = key;
  step_open_start(c);
}

// open, openat2 and statx: their walk takes no lock, and the open or getattr comes with
// its last lookup (path_openat(), vfs_statx()), so the op is one step but where its walk
// follows a symlink (walk_step() says why that is a boundary): a step ends there and the
// next goes on from the cursor. The last step lets the cursor go.
void LookupModel::open_in_steps(const State& s, const Op& op, uint32_t key, std::vector<Transition>& out) const {
  recycle_outcomes(out);
  StepContext c{*this, s, op, out};
  c.key = key;
  if (op.kind == OpKind::kOpen) step_open(c);
  else step_statx(c);
  if (!tree::cursor(s, key, 0)) return;
  for (Transition& t : out)
    if (t.result != kWalked) tree::drop_cursors(t.next, key);
}

bool LookupModel::walk_reaches(const State& s, const Op& op, const WalkCursor& at) const {
  WalkSpec walks[2];
  if (at.walk >= walks_of(op, walks)) return false;
  Walker w(s, profile_, 0);
  std::string rest;
  int r = walk_step(w, walks[at.walk], nullptr, rest);
  for (;;) {
    if (r != Walker::kPaused) return false;
    const WalkCursor here = w.cursor_here(at.key, at.walk, rest);
    if (here == at) return true;
    if (here.links > at.links) return false;
    WalkCursor next = here;
    r = walk_step(w, walks[at.walk], &next, rest);
  }
}

}  // namespace nfz::model
