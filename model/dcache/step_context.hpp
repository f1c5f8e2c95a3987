// Internal to the step function: the context of one step and the helpers that the
// walk (walk.cpp) and the directory ops (dir_ops.cpp) share.
#pragma once

#include "model/dcache/dentry_ops.hpp"
#include "model/dcache/scenario.hpp"
#include "model/dcache/step.hpp"
#include "model/dcache/variant.hpp"

namespace nfz::dcache::detail {

// A state the step function cannot be in: our bug, not the kernel's.
[[noreturn]] void model_bug(const char* what);

inline bool is_walk_op(uint8_t kind) { return kind == kOpOpen || kind == kOpStat || kind == kOpLstat; }

struct Ctx {
  World& w;
  const Scenario& s;
  int t;
  ThreadState& th;
  const Op& op;

  bool rule(uint32_t r) const { return s.rules & r; }
  bool creat() const { return op.kind == kOpOpen && (op.flags & kOCreat); }
  // lookup_open(): O_CREAT, and may_o_create() allows it (else create_error is set aside
  // and O_CREAT is cleared before ->atomic_open / the lookup).
  bool creating() const { return creat() && !s.readonly; }
  // O_CREAT|O_EXCL: lookup_fast_for_open() does not try the dcache first.
  bool excl_create() const { return creat() && (op.flags & kOExcl); }
  bool lookup_only() const { return op.kind == kOpStat || op.kind == kOpLstat; }
  // The name the walk is resolving now: the op's, or the body of the symlink it follows.
  uint8_t name() const { return th.name; }
  Dentry& dentry() { return w.d[th.d]; }
  // ->d_revalidate must ask the server: only nfs has one, and only a name the server
  // changed behind our back needs it.
  bool needs_server(uint8_t i) const { return fs_is_remote(s.fs) && (w.d[i].flags & kStale); }
};

inline void finish_with(Ctx& c, uint8_t result) {
  c.th.result = result;
  c.th.pc = kPcFinish;
}

// A negative last component: -ENOENT, or the create error lookup_open() set aside for an
// O_CREAT open that may not create. atomic_open() in fs/namei.c turns ->atomic_open()'s
// -ENOENT into that error; the 2013 bug returned the -ENOENT.
inline uint8_t negative_result(const Ctx& c) {
  if (!c.creat() || !c.s.readonly) return kENOENT;
  const bool lost = (c.th.mode & kViaAtomicOpen) && c.rule(kRuleAtomicOpenLosesCreateError);
  return lost ? kENOENT : kEROFS;
}

// The op's result from the dentry the walk ended on (held, or seen under RCU):
// negative -ENOENT, an O_CREAT|O_EXCL open of a positive one -EEXIST (symlinks
// included: do_open() refuses to follow), a symlink is followed (open, stat).
inline void finish_found(Ctx& c) {
  const Dentry& d = c.dentry();
  if (d.type == kNone) return finish_with(c, negative_result(c));
  if (c.creat() && (c.op.flags & kOExcl)) return finish_with(c, kEEXIST);
  if (d.type == kLink && c.op.kind != kOpLstat) {
    c.th.pc = kPcFollowLink;
    return;
  }
  finish_with(c, kOk);
}

// drop_links(): the symlink on the stack holds a reference only in ref-walk mode.
inline void drop_links(Ctx& c) {
  if (c.th.link != kNoDentry && !(c.th.mode & kRcu)) dput(c.w, c.t, c.th.link);
  c.th.link = kNoDentry;
  c.th.depth = 0;
}

// walk.cpp
const char* walk_step(Ctx& c);
// atomic_open.cpp
const char* atomic_open_step(Ctx& c);
// dir_ops.cpp
const char* dir_step(Ctx& c);
const char* start_dir_op(Ctx& c);
const char* finish_step(Ctx& c);

}  // namespace nfz::dcache::detail
