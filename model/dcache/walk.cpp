// The open and stat paths of fs/namei.c for the last component, step by step:
// path_openat / filename_lookup -> lookup_fast -> try_to_unlazy -> lookup_open or
// lookup_slow -> d_alloc_parallel -> ->lookup / ->atomic_open -> complete_walk.
#include "model/dcache/step_context.hpp"

namespace nfz::dcache::detail {
namespace {

// -EAGAIN out of a walk that may not block. io_uring retries the request in an io-wq
// worker (io_openat2(): -EAGAIN with IO_URING_F_NONBLOCK); openat2 returns it.
const char* eagain(Ctx& c, const char* what) {
  drop_links(c);
  c.th.d = kNoDentry;  // RCU mode holds no reference
  if (c.op.how == kHowUring && !(c.th.mode & kPunted)) {
    c.th.mode = kPunted;
    c.th.pc = kPcStart;
    return what;
  }
  finish_with(c, kEAGAIN);
  return what;
}

// -ECHILD: the RCU walk gave up. do_filp_open() retries in ref-walk mode; under
// LOOKUP_CACHED path_init() turns that retry into -EAGAIN, and io_uring's inline
// attempt gives up the same way.
const char* echild(Ctx& c, const char* what) {
  if (c.th.mode & kNonblock) return eagain(c, what);
  drop_links(c);
  c.th.d = kNoDentry;
  c.th.name = c.op.name;  // the ref-walk retry starts the whole path again
  c.th.mode &= static_cast<uint8_t>(~kRcu);
  c.th.pc = c.excl_create() ? kPcLock : kPcLookupFast;
  return what;
}

// lookup_fast_for_open(): an O_CREAT open discards a negative dentry (the create needs
// i_rwsem) and goes on to lock the parent.
void discard_negative(Ctx& c) {
  if (!(c.th.mode & kRcu)) dput(c.w, c.t, c.th.d);
  c.th.d = kNoDentry;
  c.th.cause = kCauseCreate;
  c.th.pc = (c.th.mode & kRcu) ? kPcUnlazy : kPcLock;
}

// A hashed, valid dentry (held) under the parent's lock: lookup_slow() returns it;
// lookup_open() opens a positive one and hands a negative one to ->atomic_open or
// ->create.
void dispatch_hashed(Ctx& c) {
  if (!(c.th.mode & kLocked) && c.creat() && c.dentry().type == kNone) return discard_negative(c);
  if (!(c.th.mode & kLocked) || c.lookup_only() || (c.th.mode & kSwitched) || c.dentry().type != kNone)
    return finish_found(c);
  if (fs_is_remote(c.s.fs)) {
    c.th.pc = kPcAtomicOpen;
    return;
  }
  if (c.creating()) {
    c.th.pc = kPcCreate;
    return;
  }
  finish_found(c);  // -ENOENT, or lookup_open()'s create error
}

// A new in-lookup dentry (held): ->lookup, or ->atomic_open on a filesystem that has it.
void dispatch_in_lookup(Ctx& c) {
  if (c.op.kind == kOpOpen && fs_is_remote(c.s.fs)) {
    c.th.pc = (c.th.mode & kSwitched) ? kPcAoRpc : kPcAtomicOpen;
    return;
  }
  c.th.pc = kPcFsLookup;
}

const char* start(Ctx& c) {
  ThreadState& th = c.th;
  th.d = th.d2 = th.link = kNoDentry;
  th.name = c.op.name;
  th.depth = 0;
  th.found = kNone;
  th.cause = kCauseNone;
  th.result = kOk;
  th.spins = 0;
  th.mode = static_cast<uint8_t>((th.mode & kPunted) | kRcu);
  if (c.op.kind == kOpOpen && c.op.how == kHowCached) {
    th.mode |= kCached | kNonblock;
    // build_open_flags(): RESOLVE_CACHED with O_TRUNC|O_CREAT|__O_TMPFILE is -EAGAIN up
    // front. The 2023 bug tested O_TMPFILE, which is __O_TMPFILE|O_DIRECTORY.
    const uint8_t refused = kOCreat | (c.rule(kRuleCachedTmpfileMaskHasDirectory) ? kODirectory : 0);
    if (c.op.flags & refused) {
      if (c.op.flags & kOCreat) th.cause = kCauseFlags;
      finish_with(c, kEAGAIN);
      return "openat2: RESOLVE_CACHED refuses the open flags: -EAGAIN";
    }
  } else if (c.op.kind == kOpOpen && c.op.how == kHowUring && !(th.mode & kPunted)) {
    // io_openat_force_async(): O_CREAT (and, with the 2023 bug's O_TMPFILE test,
    // O_DIRECTORY) goes to io-wq at prep.
    const uint8_t forced = kOCreat | (c.rule(kRuleCachedTmpfileMaskHasDirectory) ? kODirectory : 0);
    if (c.op.flags & forced) {
      th.mode |= kPunted;
    } else {
      // io_openat2() inline: IO_URING_F_NONBLOCK adds LOOKUP_CACHED; before 5.12 it was
      // only the LOOKUP_RCU attempt of do_filp_open().
      th.mode |= kNonblock | (c.rule(kRuleNonblockIsRcuOnly) ? 0 : kCached);
    }
  }
  // may_lookup() on P: inode_permission(MAY_NOT_BLOCK) is -ECHILD while P's ACL is not
  // cached (the ACL must be read: that may block); the walk leaves RCU mode first.
  if (c.s.acl && !c.w.acl_cached) {
    th.cause = kCausePermission;
    th.pc = kPcUnlazy;
    return "may_lookup: inode_permission(MAY_NOT_BLOCK) on P: -ECHILD";
  }
  if (c.excl_create()) {
    th.cause = kCauseCreate;
    th.pc = kPcUnlazy;  // lookup_fast_for_open() does not bother on O_EXCL: leave RCU mode
    return (th.mode & kPunted) ? "io-wq worker: path_openat(), O_EXCL create" : "path_openat(): O_EXCL create";
  }
  th.pc = kPcLookupFast;
  if (th.mode & kPunted) return "io-wq worker: path_openat(), RCU walk";
  return (th.mode & kNonblock) ? "path_openat(), nonblocking RCU walk" : "path_openat() / filename_lookup(), RCU walk";
}

const char* lookup_fast(Ctx& c) {
  ThreadState& th = c.th;
  const uint8_t i = d_lookup(c.w, c.name());
  if (th.mode & kRcu) {
    if (i == kNoDentry) {
      th.cause = kCauseMiss;
      th.pc = kPcUnlazy;
      return "lookup_fast (rcu): dcache miss";
    }
    th.d = i;
    th.seq = c.w.d[i].seq;
    if (c.needs_server(i)) {
      th.cause = kCauseRevalidate;
      th.pc = kPcUnlazy;
      return "lookup_fast (rcu): ->d_revalidate would block: -ECHILD";
    }
    if (c.w.d[i].type == kNone && c.creat()) {
      discard_negative(c);
      return "lookup_fast_for_open (rcu): negative, discarded: the create needs i_rwsem";
    }
    if (c.w.d[i].type == kNone) {
      th.d = kNoDentry;
      finish_with(c, kENOENT);
      return "lookup_fast (rcu): negative dentry: -ENOENT";
    }
    if (c.w.d[i].type == kLink && c.op.kind != kOpLstat) {
      th.pc = kPcFollowLink;
      return "lookup_fast (rcu): hit, a symlink";
    }
    th.pc = kPcCompleteWalk;
    return "lookup_fast (rcu): hit";
  }
  if (i == kNoDentry) {
    th.pc = kPcLock;
    return "lookup_fast: miss";
  }
  dget(c.w, i);
  th.d = i;
  if (c.needs_server(i)) {
    th.pc = kPcRevalidate;
    return "lookup_fast: dget, ->d_revalidate must ask";
  }
  if (c.creat() && c.dentry().type == kNone) {
    discard_negative(c);
    return "lookup_fast_for_open: negative, discarded";
  }
  finish_found(c);
  return "lookup_fast: hit";
}

// legitimize_links(): a reference on the symlink the RCU walk followed, if its d_seq
// still holds.
bool legitimize_link(Ctx& c) {
  const Dentry& l = c.w.d[c.th.link];
  if (!(l.flags & kUsed) || l.seq != c.th.link_seq) {
    c.th.cause = kCauseSeq;
    return false;
  }
  dget(c.w, c.th.link);
  return true;
}

// try_to_unlazy() / try_to_unlazy_next(): take references on what the RCU walk saw.
const char* unlazy(Ctx& c) {
  ThreadState& th = c.th;
  // Fixed (46af9ae1305f): try_to_unlazy() itself refuses under LOOKUP_CACHED. Before,
  // the refusal sat in legitimize_links(), which try_to_unlazy() called only when
  // nd->depth != 0: a walk that follows no symlink was never refused.
  if ((th.mode & kCached) && (!c.rule(kRuleLegitimizeLinksOnlyAtDepth) || th.depth > 0)) {
    // Before eacd9aa8cede the refusal came after `nd->flags &= ~LOOKUP_RCU` and left
    // nd->depth alone: terminate_walk() then path_put()s links never legitimized.
    if (c.rule(kRuleCachedUnlazyKeepsDepth)) th.mode &= static_cast<uint8_t>(~kRcu);
    return echild(c, th.depth ? "try_to_unlazy: legitimize_links: LOOKUP_CACHED: -ECHILD"
                              : "try_to_unlazy: LOOKUP_CACHED: -ECHILD");
  }
  if (th.depth && !legitimize_link(c)) return echild(c, "legitimize_links: d_seq changed: -ECHILD");
  if (th.d != kNoDentry) {
    const Dentry& d = c.dentry();
    if (!(d.flags & kUsed) || d.seq != th.seq) {
      th.cause = kCauseSeq;
      if (th.depth) dput(c.w, c.t, th.link);  // terminate_walk() puts what was legitimized
      return echild(c, "try_to_unlazy_next: d_seq changed: -ECHILD");
    }
    dget(c.w, th.d);
  }
  th.mode &= static_cast<uint8_t>(~kRcu);
  if (th.d != kNoDentry) th.pc = kPcRevalidate;
  else if (th.cause == kCausePermission) th.pc = kPcPermission;
  else th.pc = th.cause == kCauseAtime ? kPcTouchAtime : kPcLock;
  return "try_to_unlazy: ref-walk mode now";
}

const char* revalidate(Ctx& c) {
  Dentry& d = c.dentry();
  d.flags &= static_cast<uint8_t>(~kStale);
  if (c.w.server[d.name] == d.type) {
    dispatch_hashed(c);
    return "->d_revalidate: valid";
  }
  d_drop(c.w, c.th.d);  // d_invalidate()
  dput(c.w, c.t, c.th.d);
  c.th.d = kNoDentry;
  c.th.pc = (c.th.mode & kLocked) ? kPcAllocParallel : kPcLock;
  return "->d_revalidate: stale, d_invalidate()";
}

const char* lock(Ctx& c) {
  if (c.creat()) {
    c.w.writer = 1;
    c.th.mode |= kLocked | kExclusive;
  } else {
    ++c.w.readers;
    c.th.mode |= kLocked;
  }
  c.th.pc = kPcAllocParallel;
  return c.creat() ? "inode_lock(P)" : "inode_lock_shared(P)";
}

// d_alloc_parallel(), first half: i_dir_seq sampled (smp_load_acquire() & ~1), then the
// hashed lookup. A hashed match is returned (and revalidated).
const char* alloc_parallel(Ctx& c) {
  ThreadState& th = c.th;
  th.dir_seq = static_cast<uint8_t>(c.w.dir_seq & ~1);
  const uint8_t i = d_lookup(c.w, c.name());
  if (i != kNoDentry) {
    dget(c.w, i);
    th.d = i;
    if (c.needs_server(i)) {
      th.pc = kPcRevalidate;
      return "d_alloc_parallel: hashed match, must revalidate";
    }
    th.spins = 0;
    dispatch_hashed(c);
    return "d_alloc_parallel: hashed match";
  }
  th.pc = kPcAllocInLookup;
  return "d_alloc_parallel: __d_lookup_rcu() miss";
}

// Retries in a row on an odd i_dir_seq before the progress oracle calls it a livelock:
// the writer between start_dir_add() and end_dir_add() is not running.
constexpr uint8_t kMaxSpins = 3;

// d_alloc_parallel(), second half, under the in-lookup hash bit lock: if i_dir_seq moved
// (a __d_add() of an in-lookup dentry ran or is running) start over; otherwise an
// in-lookup match is waited for, and no match makes a new in-lookup dentry.
const char* alloc_in_lookup(Ctx& c) {
  ThreadState& th = c.th;
  if (!c.rule(kRuleNoDirSeqRecheck) && c.w.dir_seq != th.dir_seq) {
    th.pc = kPcAllocParallel;
    if (!(c.w.dir_seq & 1)) return "d_alloc_parallel: i_dir_seq changed: retry";
    if (++th.spins > kMaxSpins) violate(c.w, kProgress, c.t);
    return "d_alloc_parallel: i_dir_seq odd (a __d_add() in progress): retry";
  }
  th.spins = 0;
  const uint8_t j = d_in_lookup_find(c.w, c.name(), c.rule(kRuleInLookupScanSkipsUnhashed));
  if (j != kNoDentry) {
    dget(c.w, j);
    th.d = j;
    th.pc = kPcWaitLookup;
    return "d_alloc_parallel: in-lookup match, wait";
  }
  const uint8_t n = d_alloc(c.w, c.name());
  if (n == kNoDentry) return "d_alloc: out of dentries";
  c.w.d[n].flags |= kInLookup | kWasInLookup;
  th.d = n;
  dispatch_in_lookup(c);
  return "d_alloc_parallel: new in-lookup dentry";
}

const char* wait_lookup(Ctx& c) {
  const Dentry& d = c.dentry();
  // d_alloc_parallel() after d_wait_lookup(): a hashed match is returned, anything
  // else (dropped, renamed) means starting over.
  if ((d.flags & kHashed) && d.name == c.name()) {
    if (c.needs_server(c.th.d)) {
      c.th.pc = kPcRevalidate;
      return "d_wait_lookup: woken, hashed match, must revalidate";
    }
    dispatch_hashed(c);
    return "d_wait_lookup: woken, hashed match";
  }
  dput(c.w, c.t, c.th.d);
  c.th.d = kNoDentry;
  c.th.pc = kPcAllocParallel;
  return "d_wait_lookup: woken, unhashed: retry";
}

const char* splice(Ctx& c) {
  // On PREEMPT_RT before the 2017 fix, __d_add()'s start_dir_add() .. end_dir_add() ran
  // with preemption enabled: the writer can be preempted with i_dir_seq odd.
  if (c.th.pc == kPcSplice && c.rule(kRuleDirSeqWritePreemptible) && in_lookup(c.dentry())) {
    if (c.w.dir_seq & 1) return "__d_add: start_dir_add(P) spins on an odd i_dir_seq";
    ++c.w.dir_seq;
    c.th.pc = kPcEndDirAdd;
    return "__d_add: start_dir_add(P), preempted (i_dir_seq odd)";
  }
  d_splice_alias(c.w, c.t, c.th.d, c.th.found, c.th.found_target);
  d_lookup_done(c.w, c.th.d);
  if (c.op.kind == kOpOpen && c.th.found == kNone && c.creating()) c.th.pc = kPcCreate;
  else finish_found(c);
  return "d_splice_alias, d_lookup_done";
}

const char* create(Ctx& c) {
  c.w.server[c.name()] = kFile;
  c.dentry().type = kFile;  // d_instantiate()
  finish_with(c, kOk);
  return "->create, d_instantiate";
}

const char* complete_walk(Ctx& c) {
  ThreadState& th = c.th;
  th.mode &= static_cast<uint8_t>(~kCached);  // complete_walk(): the walk itself is over
  if (th.depth && !legitimize_link(c)) return echild(c, "complete_walk: symlink's d_seq changed: -ECHILD");
  const Dentry& d = c.dentry();
  if (!(d.flags & kUsed) || d.seq != th.seq) {
    th.cause = kCauseSeq;
    if (th.depth) dput(c.w, c.t, th.link);
    return echild(c, "complete_walk: d_seq changed: -ECHILD");
  }
  dget(c.w, th.d);
  th.mode &= static_cast<uint8_t>(~(kRcu | kNonblock));
  finish_found(c);
  return "complete_walk: try_to_unlazy ok";
}

// step_into() -> pick_link(): the walk ended on a symlink it follows. In ref-walk mode
// open_last_lookups() has dropped the parent's lock first. The body is one name in P.
const char* follow_link(Ctx& c) {
  ThreadState& th = c.th;
  if (th.depth >= kMaxDepth) {
    if (th.mode & kRcu) th.d = kNoDentry;
    finish_with(c, kELOOP);
    return "pick_link: a symlink to a symlink: -ELOOP (model bound)";
  }
  if (!(th.mode & kRcu)) {
    if (th.mode & kExclusive) c.w.writer = 0;
    else if (th.mode & kLocked) --c.w.readers;
    th.mode &= static_cast<uint8_t>(~(kLocked | kExclusive | kSwitched));
    dput(c.w, c.t, th.d2);
    th.d2 = kNoDentry;
  }
  th.name = c.dentry().target;
  th.link = th.d;  // the reference, if any, moves to nd->stack
  th.link_seq = th.seq;
  th.depth = 1;
  th.d = kNoDentry;
  th.pc = kPcLookupFast;  // an O_CREAT open here has no O_EXCL: lookup_fast_for_open()
  // pick_link(): touch_atime() in ref-walk mode; in RCU mode only if atime_needs_update(),
  // and then after try_to_unlazy() (the symlink is on the stack: it is legitimized too).
  if (c.s.atime && !(c.w.atime_done & (1u << c.w.d[th.link].name))) {
    if (!(th.mode & kRcu)) {
      th.pc = kPcTouchAtime;
    } else {
      th.cause = kCauseAtime;
      th.pc = kPcUnlazy;
      return "pick_link: atime_needs_update(): try_to_unlazy";
    }
  }
  return "pick_link: walk the symlink's body";
}

}  // namespace

const char* walk_step(Ctx& c) {
  switch (c.th.pc) {
    case kPcStart: return start(c);
    case kPcLookupFast: return lookup_fast(c);
    case kPcUnlazy: return unlazy(c);
    case kPcRevalidate: return revalidate(c);
    case kPcPermission:
      c.w.acl_cached = 1;
      c.th.pc = c.excl_create() ? kPcLock : kPcLookupFast;
      return "may_lookup: inode_permission() reads P's ACL";
    case kPcLock: return lock(c);
    case kPcAllocParallel: return alloc_parallel(c);
    case kPcAllocInLookup: return alloc_in_lookup(c);
    case kPcWaitLookup: return wait_lookup(c);
    case kPcFsLookup:
      c.th.found = c.w.server[c.name()];
      c.th.found_target = c.w.server_target[c.name()];
      c.th.pc = kPcSplice;
      return "->lookup reads the directory";
    case kPcSplice:
    case kPcEndDirAdd: return splice(c);
    case kPcCreate: return create(c);
    case kPcAtomicOpen:
    case kPcAoRpc:
    case kPcAoInstantiate:
    case kPcAoFallbackLookup:
    case kPcAoFallbackSplice:
    case kPcAoAddNegative: return atomic_open_step(c);
    case kPcFollowLink: return follow_link(c);
    case kPcTouchAtime:
      c.w.atime_done |= static_cast<uint8_t>(1u << c.w.d[c.th.link].name);
      c.th.pc = kPcLookupFast;
      return "pick_link: touch_atime() of the symlink";
    case kPcCompleteWalk: return complete_walk(c);
    default: model_bug("walk_step: pc of a directory op");
  }
}

}  // namespace nfz::dcache::detail
