// unlink and rename (do_unlinkat, do_renameat2 within one directory), shrinking the
// dcache, changes by another client, and the end of every op.
#include "model/dcache/step_context.hpp"

namespace nfz::dcache::detail {
namespace {

// lookup_one_qstr_excl() under the exclusive i_rwsem: a hashed dentry, or d_alloc() +
// ->lookup (no d_alloc_parallel: the exclusive lock keeps parallel lookups out). A stale
// nfs dentry fails ->d_revalidate and is invalidated first. Returns a held dentry.
uint8_t lookup_excl(Ctx& c, uint8_t name) {
  const uint8_t i = d_lookup(c.w, name);
  if (i != kNoDentry && !c.needs_server(i)) {
    dget(c.w, i);
    return i;
  }
  if (i != kNoDentry) d_drop(c.w, i);
  const uint8_t n = d_alloc(c.w, name);
  if (n == kNoDentry) return n;
  d_splice_alias(c.w, c.t, n, c.w.server[name], c.w.server_target[name]);
  return n;
}

void mark_stale(World& w, uint8_t name) {
  for (auto& d : w.d)
    if ((d.flags & kUsed) && d.name == name) d.flags |= kStale;
}

void op_done(Ctx& c) {
  ThreadState& th = c.th;
  // cached.complete: a RESOLVE_CACHED open may answer -EAGAIN only when the walk had a
  // reason to leave RCU mode (or the flags are refused up front).
  if (c.op.kind == kOpOpen && c.op.how == kHowCached && th.result == kEAGAIN && th.cause == kCauseNone)
    violate(c.w, kCachedComplete, c.t);
  // create.error: lookup_open() set aside may_o_create()'s error; -ENOENT must not win.
  if (c.creat() && c.s.readonly && th.result == kENOENT) violate(c.w, kCreateError, c.t);
  const uint8_t result = th.result;
  const uint8_t next = static_cast<uint8_t>(th.op + 1);
  th = ThreadState{};
  th.op = next;
  th.result = result;
}

}  // namespace

const char* start_dir_op(Ctx& c) {
  switch (c.op.kind) {
    case kOpEvict:
      shrink_dcache(c.w);
      op_done(c);
      return "shrink_dcache: unused dentries killed";
    case kOpRemoteCreate:
      if (c.w.server[c.op.name] == kNone) c.w.server[c.op.name] = kFile;
      mark_stale(c.w, c.op.name);
      op_done(c);
      return "another client creates the name";
    case kOpRemoteMkdir:
      if (c.w.server[c.op.name] == kNone) c.w.server[c.op.name] = kDir;
      mark_stale(c.w, c.op.name);
      op_done(c);
      return "another client makes it a directory";
    case kOpRemoteUnlink:
      c.w.server[c.op.name] = kNone;
      mark_stale(c.w, c.op.name);
      op_done(c);
      return "another client removes the name";
    default:
      c.th.pc = kPcDirLock;
      return c.op.kind == kOpUnlink ? "do_unlinkat()" : "do_renameat2()";
  }
}

const char* dir_step(Ctx& c) {
  ThreadState& th = c.th;
  switch (th.pc) {
    case kPcDirLock:
      c.w.writer = 1;
      th.mode |= kLocked | kExclusive;
      th.pc = kPcDirLookupOld;
      return "inode_lock(P)";
    case kPcDirLookupOld:
      th.d = lookup_excl(c, c.op.name);
      th.pc = c.op.kind == kOpRename ? kPcDirLookupNew : kPcDirFsOp;
      return "lookup_one_qstr_excl";
    case kPcDirLookupNew:
      th.d2 = lookup_excl(c, c.op.name2);
      th.pc = kPcDirFsOp;
      return "lookup_one_qstr_excl (new name)";
    case kPcDirFsOp: {
      if (th.d == kNoDentry || (c.op.kind == kOpRename && th.d2 == kNoDentry)) {
        finish_with(c, kOk);  // out of dentries: w.overflow ends the run
        return "out of dentries";
      }
      if (c.dentry().type == kNone) {
        finish_with(c, kENOENT);
        return "negative: -ENOENT";
      }
      if (c.op.kind == kOpUnlink) {
        c.w.server[c.op.name] = kNone;
        d_delete(c.w, th.d);
        finish_with(c, kOk);
        return "->unlink, d_delete";
      }
      if (c.op.name != c.op.name2) {
        c.w.server[c.op.name2] = c.w.server[c.op.name];
        c.w.server_target[c.op.name2] = c.w.server_target[c.op.name];
        c.w.server[c.op.name] = kNone;
        d_move(c.w, th.d, th.d2, c.op.name2);
      }
      finish_with(c, kOk);
      return "->rename, d_move";
    }
    default:
      model_bug("dir_step: pc of a walk");
  }
}

const char* finish_step(Ctx& c) {
  ThreadState& th = c.th;
  if (th.mode & kExclusive) c.w.writer = 0;
  else if (th.mode & kLocked) --c.w.readers;
  if (th.result == kOk && c.op.kind == kOpOpen && (c.op.flags & kODirectory) && th.d != kNoDentry &&
      c.w.d[th.d].type == kFile)
    th.result = kENOTDIR;
  if (!(th.mode & kRcu)) {  // terminate_walk(): RCU mode holds no references
    dput(c.w, c.t, th.d);
    dput(c.w, c.t, th.d2);
  }
  drop_links(c);
  op_done(c);
  return "unlock, dput, return";
}

}  // namespace nfz::dcache::detail
