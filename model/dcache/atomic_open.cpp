// ->atomic_open() of the remote filesystems, called by lookup_open() under the parent's
// i_rwsem (exclusive with O_CREAT, shared without) on an in-lookup dentry or on a hashed
// negative one that passed revalidation; and the VFS's atomic_open() around it
// (d_lookup_done(), the create error). What each filesystem does with a dentry that is not
// in-lookup is where the historical bugs are.
#include "model/dcache/step_context.hpp"

namespace nfz::dcache::detail {
namespace {

bool old_nfs_open(const Ctx& c) {
  return c.s.fs == kFsNfs && c.rule(kRuleAtomicOpenRpcFallback | kRuleAtomicOpenEnoentRehash);
}

// c94c09535c4d: d_drop() then d_alloc_parallel(), so that only an in-lookup dentry is
// ever spliced; the dentry handed in is kept in d2 until the walk ends.
const char* switch_to_in_lookup(Ctx& c, const char* what) {
  d_drop(c.w, c.th.d);
  c.th.d2 = c.th.d;
  c.th.d = kNoDentry;
  c.th.mode |= kSwitched;
  c.th.pc = kPcAllocParallel;
  return what;
}

// A hashed negative dentry, no O_CREAT (or one may_o_create() refused).
const char* hashed_negative(Ctx& c) {
  switch (c.s.fs) {
    case kFsNfs:
      if (old_nfs_open(c)) {
        c.th.pc = kPcAoRpc;  // pre-4.7: the OPEN goes out on the dentry as handed
        return "nfs_atomic_open: OPEN on the hashed negative dentry";
      }
      return switch_to_in_lookup(c, "nfs_atomic_open: not in-lookup: d_drop, d_alloc_parallel");
    case kFsCeph:
      if (c.rule(kRuleCephSplicesHashedNegative)) {
        c.th.pc = kPcAoRpc;
        return "ceph_atomic_open: OPEN on the hashed negative dentry";
      }
      finish_found(c);
      return "ceph_atomic_open: not d_in_lookup(): -ENOENT (it was revalidated)";
    default:
      if (c.rule(kRuleLustreAddsHashedNegative)) {
        c.th.pc = kPcAoFallbackLookup;
        return "ll_atomic_open: ll_lookup_it on the hashed negative dentry";
      }
      finish_found(c);
      return "ll_atomic_open: not d_in_lookup(): -ENOENT (it was revalidated)";
  }
}

const char* atomic_open(Ctx& c) {
  c.th.mode |= kViaAtomicOpen;
  if (c.creating()) {
    c.th.pc = kPcAoRpc;
    return "->atomic_open: OPEN|CREATE";
  }
  if (in_lookup(c.dentry())) {
    c.th.pc = kPcAoRpc;
    return "->atomic_open: OPEN";
  }
  return hashed_negative(c);
}

const char* atomic_open_rpc(Ctx& c) {
  uint8_t& truth = c.w.server[c.name()];
  if (c.creating() && truth == kNone) truth = kFile;
  else if (c.creating() && (c.op.flags & kOExcl)) c.th.result = kEEXIST;
  c.th.found = truth;
  c.th.found_target = c.w.server_target[c.name()];
  c.th.pc = kPcAoInstantiate;
  return "->atomic_open: OPEN round trip";
}

// The OPEN's answer for the dentry that was hashed negative, under the old nfs rules or
// ceph's bug.
const char* reply_on_hashed(Ctx& c) {
  const uint8_t i = c.th.d;
  if (c.s.fs == kFsCeph) {
    // ceph_fill_trace(): a positive reply is d_add()ed to the dentry, hashed or not.
    if (c.th.found != kNone) d_add(c.w, c.t, i, c.th.found, c.th.found_target);
    finish_found(c);
    return c.th.found != kNone ? "ceph_fill_trace: d_add of the reply's inode" : "->atomic_open: -ENOENT";
  }
  if (c.th.found == kNone) {
    if (!c.rule(kRuleAtomicOpenEnoentRehash)) {
      finish_found(c);
      return "nfs_atomic_open: -ENOENT, the dentry stays";
    }
    d_drop(c.w, i);  // one d_lock section; d_add(dentry, NULL) is the next
    c.th.pc = kPcAoAddNegative;
    return "nfs_atomic_open: -ENOENT: d_drop";
  }
  if (c.th.found != kFile) {  // -EISDIR, -ENOTDIR, -ELOOP: NFS opens only regular files
    if (!c.rule(kRuleAtomicOpenRpcFallback))
      return switch_to_in_lookup(c, "nfs_atomic_open: -EISDIR: d_drop, d_alloc_parallel");
    d_drop(c.w, i);
    c.th.pc = kPcAoFallbackLookup;
    return "nfs_atomic_open: -EISDIR: d_drop, fall back to nfs_lookup";
  }
  d_drop(c.w, i);  // _nfs4_open_and_get_state(): d_drop() + d_add_unique() of the inode
  d_add(c.w, c.t, i, c.th.found, c.th.found_target);
  finish_found(c);
  return "nfs_atomic_open: opened: d_drop, d_add_unique";
}

const char* atomic_open_instantiate(Ctx& c) {
  const uint8_t i = c.th.d;
  Dentry& d = c.dentry();
  // Not in-lookup and no O_CREAT: the hashed negative dentry lookup_open() handed in
  // (another opener may have d_drop()ped it since); only the old rules get here.
  if (!in_lookup(d) && !c.creating()) return reply_on_hashed(c);
  if (c.th.found == kNone) {
    // nfs_atomic_open() on -ENOENT: d_drop(); d_add(dentry, NULL). The dentry is
    // in-lookup, so unhashed: nobody else can hash it in between.
    d_drop(c.w, i);
    d_add(c.w, c.t, i, kNone);
  } else if (c.creating() && hashed(d)) {
    d.type = c.th.found;  // O_CREAT on a hashed negative, exclusive lock: d_instantiate()
  } else {
    d_splice_alias(c.w, c.t, i, c.th.found, c.th.found_target);
  }
  d_lookup_done(c.w, i);  // atomic_open() in fs/namei.c, after ->atomic_open
  if (c.th.result == kEEXIST) c.th.pc = kPcFinish;
  else finish_found(c);  // nfs opens only regular files: a symlink is left to the VFS
  return "->atomic_open: instantiate, d_lookup_done";
}

}  // namespace

const char* atomic_open_step(Ctx& c) {
  switch (c.th.pc) {
    case kPcAtomicOpen: return atomic_open(c);
    case kPcAoRpc: return atomic_open_rpc(c);
    case kPcAoInstantiate: return atomic_open_instantiate(c);
    case kPcAoFallbackLookup:
      c.th.found = c.w.server[c.name()];
      c.th.found_target = c.w.server_target[c.name()];
      c.th.pc = kPcAoFallbackSplice;
      return "->atomic_open fallback: the fs's own lookup";
    case kPcAoFallbackSplice:
      d_splice_alias(c.w, c.t, c.th.d, c.th.found, c.th.found_target);
      d_lookup_done(c.w, c.th.d);
      finish_found(c);
      return "->atomic_open fallback: d_splice_alias";
    case kPcAoAddNegative:
      d_add(c.w, c.t, c.th.d, kNone);
      finish_found(c);
      return "nfs_atomic_open: d_add(dentry, NULL)";
    default: model_bug("atomic_open_step: pc outside ->atomic_open");
  }
}

}  // namespace nfz::dcache::detail
