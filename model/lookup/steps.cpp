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

void add_pin(State& s, uint32_t key, int walk, Ino ino) {
  const uint64_t pin = pin_key(key, walk) << 16 | ino;
  s.pins.insert(std::lower_bound(s.pins.begin(), s.pins.end(), pin), pin);
}

// The op's last step is over: what its walks held may go (a removed directory a walk
// held, or a source unlinked meanwhile, is freed now if nothing else holds it).
void drop_pins(State& s, uint32_t key) {
  Ino held[2];
  int n = 0;
  auto mine = [&](uint64_t p) { return (p >> 17) == key; };
  for (uint64_t p : s.pins)
    if (mine(p)) held[n++] = static_cast<Ino>(p);
  if (n == 0) return;
  s.pins.erase(std::remove_if(s.pins.begin(), s.pins.end(), mine), s.pins.end());
  for (int i = 0; i < n; ++i) tree::maybe_free(s, held[i]);
}

Ino pin_of(const State& s, uint32_t key, int walk) {
  const uint64_t lo = pin_key(key, walk) << 16;
  auto it = std::lower_bound(s.pins.begin(), s.pins.end(), lo);
  return it != s.pins.end() && (*it >> 16) == (lo >> 16) ? static_cast<Ino>(*it) : kNoIno;
}

}  // namespace

Ino StepContext::pinned(int walk) const { return key == kNoKey ? kNoIno : pin_of(s, key, walk); }

void LookupModel::step_in_steps(const State& s, const Op& op, uint32_t key, std::vector<Transition>& out) const {
  WalkSpec walks[2];
  const int n = walks_of(op, walks);
  if (n == 0 || fails_before_walking(op)) return step(s, op, out);
  for (int i = 0; i < n; ++i) {
    if (!walk_has_gap(walks[i]) || pin_of(s, key, i) != kNoIno) continue;
    recycle_outcomes(out);
    Walker w(s, profile_, 0);
    const int err = walks[i].object ? w.lookup(walks[i].path, Start{}) : w.parent(walks[i].path, Start{});
    State next = copy_state(s);
    if (err) {  // the op ends here, with the walk's error
      drop_pins(next, key);
      out.push_back({err, std::move(next)});
    } else {
      add_pin(next, key, i, w.cur());
      out.push_back({kWalked, std::move(next)});
    }
    return;
  }
  recycle_outcomes(out);
  StepContext c{*this, s, op, out};
  c.key = key;
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
  for (Transition& t : out) drop_pins(t.next, key);
}

}  // namespace nfz::model
