// The step function: one atomic step of one thread. Each op is a small state machine
// whose labels (Pc) follow fs/namei.c: path_openat -> lookup_fast -> try_to_unlazy ->
// lookup_open / lookup_slow -> d_alloc_parallel -> ->lookup / ->atomic_open -> ...
// A step runs under whatever lock the kernel holds there (a spinlock, the in-lookup
// hash bit lock, rcu_read_lock) or is one call that the kernel makes as a unit.
#pragma once

#include <cstdint>
#include <string_view>

#include "model/dcache/scenario.hpp"
#include "model/dcache/world.hpp"

namespace nfz::dcache {

enum Pc : uint8_t {
  kPcStart,            // path_openat()/filename_lookup() set-up, openat2/io_uring flag checks;
                       // evict and the remote changes are this one step
  kPcLookupFast,       // lookup_fast(): __d_lookup_rcu() or d_lookup() + ->d_revalidate
  kPcUnlazy,           // try_to_unlazy() / try_to_unlazy_next()
  kPcRevalidate,       // ->d_revalidate() asking the server (blocks)
  kPcPermission,       // may_lookup() in ref-walk mode: inode_permission() reads P's ACL (blocks)
  kPcLock,             // inode_lock_shared() / inode_lock() on the parent (may sleep)
  kPcAllocParallel,    // d_lookup(), then d_alloc_parallel()'s __d_lookup_rcu() (i_dir_seq sampled)
  kPcAllocInLookup,    // d_alloc_parallel() under the in-lookup hash bit lock: i_dir_seq
                       // recheck, the in-lookup scan, a new in-lookup dentry
  kPcWaitLookup,       // d_wait_lookup(): sleeps until the dentry leaves in-lookup
  kPcFsLookup,         // ->lookup() reads the directory (blocks)
  kPcSplice,           // d_splice_alias() + d_lookup_done()
  kPcEndDirAdd,        // ... the rest of __d_add() after a preempted start_dir_add() (PREEMPT_RT)
  kPcCreate,           // ->create() + d_instantiate() (blocks)
  kPcAtomicOpen,       // ->atomic_open(): which way the filesystem goes
  kPcAoRpc,            // ->atomic_open(): the OPEN round trip (blocks)
  kPcAoInstantiate,    // ->atomic_open(): d_splice_alias() / d_add(NULL), d_lookup_done()
  kPcAoFallbackLookup, // ->atomic_open() fell back to its own ->lookup (blocks)
  kPcAoFallbackSplice, // ... and splices the dentry it was handed
  kPcAoAddNegative,    // ->atomic_open(): d_add(dentry, NULL) after its d_drop() (pre-c94c09535c4d)
  kPcFollowLink,       // step_into() -> pick_link(): push the symlink, walk its body
  kPcTouchAtime,       // pick_link(): touch_atime() of the symlink in ref-walk mode (blocks)
  kPcCompleteWalk,     // complete_walk(): try_to_unlazy() with LOOKUP_CACHED cleared
  kPcFinish,           // inode_unlock, dput, the op's result (and ->open)
  kPcDirLock,          // unlink/rename: inode_lock() on the parent (may sleep)
  kPcDirLookupOld,     // lookup_one_qstr_excl() of the (old) name (may call ->lookup)
  kPcDirLookupNew,     // ... of rename's new name
  kPcDirFsOp,          // ->unlink + d_delete() / ->rename + d_move() (blocks)
  kPcCount,
};

std::string_view pc_name(uint8_t pc);
// A step that may sleep: a walk that promised not to block must never take one.
bool pc_blocks(uint8_t pc);

inline bool thread_done(const World& w, const Scenario& s, int t) { return w.t[t].op >= s.nops[t]; }

// Can thread t take its next step now? (Not done, and not waiting for a lock or for
// an in-lookup dentry.)
inline bool runnable(const World& w, const Scenario& s, int t) {
  const ThreadState& th = w.t[t];
  if (th.op >= s.nops[t]) return false;
  switch (th.pc) {
    case kPcLock:
      return (s.ops[t][th.op].flags & kOCreat) ? (w.writer == 0 && w.readers == 0) : w.writer == 0;
    case kPcDirLock:
      return w.writer == 0 && w.readers == 0;
    case kPcWaitLookup:
      return !(w.d[th.d].flags & kInLookup);
    default:
      return true;
  }
}

// Runs thread t's next step (t must be runnable), checks the per-step oracles, and
// returns a short description of what it did (a static string).
const char* step(World& w, const Scenario& s, int t);

// The world a scenario starts from: the server's contents, then the setup ops run
// alone to completion.
World initial_world(const Scenario& s);

}  // namespace nfz::dcache
