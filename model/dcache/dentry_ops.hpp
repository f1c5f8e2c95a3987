// fs/dcache.c primitives on the model's dentries: d_lookup, d_alloc, dget/dput,
// __d_drop, __d_add, d_splice_alias, d_lookup_done, d_delete, d_move, shrinking.
// Inline: they run in the explorers' inner loop.
#pragma once

#include "model/dcache/oracle.hpp"
#include "model/dcache/world.hpp"

namespace nfz::dcache {

// __d_lookup(): the hashed dentry for name, or kNoDentry.
inline uint8_t d_lookup(const World& w, uint8_t name) {
  for (int i = 0; i < w.slots; ++i)
    if ((w.d[i].flags & (kUsed | kHashed)) == (kUsed | kHashed) && w.d[i].name == name)
      return static_cast<uint8_t>(i);
  return kNoDentry;
}

// The in-lookup hash scan of d_alloc_parallel(). `skip_unhashed` is the 2016 braino:
// every in-lookup dentry is unhashed, so that test skips them all.
inline uint8_t d_in_lookup_find(const World& w, uint8_t name, bool skip_unhashed) {
  for (int i = 0; i < w.slots; ++i) {
    const Dentry& d = w.d[i];
    if (!(d.flags & kInLookup) || d.name != name) continue;
    if (skip_unhashed && !(d.flags & kHashed)) continue;
    return static_cast<uint8_t>(i);
  }
  return kNoDentry;
}

// d_alloc(): a new unhashed negative dentry holding one reference. d_seq survives in
// the slot, so an RCU walker's sampled seq never matches a reused slot.
inline uint8_t d_alloc(World& w, uint8_t name) {
  for (int i = 0; i < kMaxDentries; ++i) {
    Dentry& d = w.d[i];
    if (d.flags & kUsed) continue;
    d.flags = kUsed;
    d.name = name;
    d.count = 1;
    d.type = kNone;
    if (i >= w.slots) w.slots = static_cast<uint8_t>(i + 1);
    return static_cast<uint8_t>(i);
  }
  w.overflow = 1;
  return kNoDentry;
}

inline void dget(World& w, uint8_t i) { ++w.d[i].count; }

// __dentry_kill(): the slot becomes free.
inline void d_kill(World& w, uint8_t i) {
  w.d[i].flags = 0;
  w.d[i].count = 0;
  ++w.d[i].seq;
}

// dput(): an unhashed dentry dies with its last reference; a hashed one stays cached.
inline void dput(World& w, int thread, uint8_t i) {
  if (i == kNoDentry) return;
  Dentry& d = w.d[i];
  if (!(d.flags & kUsed) || d.count == 0) {
    violate(w, kRefcount, thread, i);
    return;
  }
  if (--d.count == 0 && !(d.flags & kHashed)) d_kill(w, i);
}

// __d_drop(): off the primary hash; RCU walkers that sampled d_seq must retry.
inline void d_drop(World& w, uint8_t i) {
  if (w.d[i].flags & kHashed) {
    w.d[i].flags &= static_cast<uint8_t>(~kHashed);
    ++w.d[i].seq;
  }
}

// __d_lookup_unhash() + wake-up: the end of the in-lookup state.
inline void d_lookup_done(World& w, uint8_t i) { w.d[i].flags &= static_cast<uint8_t>(~kInLookup); }

// __d_add(): leave the in-lookup state, set the inode, hash. Hashing a dentry that is
// already hashed is the "spliced twice" bug (d_splice_alias's BUG_ON, or a d_add that
// makes the hash chain loop onto itself).
inline void d_add(World& w, int thread, uint8_t i, uint8_t type, uint8_t target = 0) {
  Dentry& d = w.d[i];
  if (d.flags & kHashed) violate(w, kSpliceTwice, thread, i);
  // start_dir_add() .. end_dir_add() around an in-lookup dentry's hashing: i_dir_seq goes
  // up by two (by one if a preempted start_dir_add() already made it odd).
  if (d.flags & kInLookup) w.dir_seq = static_cast<uint8_t>((w.dir_seq | 1) + 1);
  d_lookup_done(w, i);
  d.type = type;
  d.target = type == kLink ? target : 0;
  d.flags = static_cast<uint8_t>((d.flags | kHashed) & ~kStale);
}

// d_splice_alias() for a non-directory inode: __d_add() after BUG_ON(!d_unhashed()).
inline void d_splice_alias(World& w, int thread, uint8_t i, uint8_t type, uint8_t target = 0) {
  d_add(w, thread, i, type, target);
}

// d_delete(): the last user turns the dentry negative in place; otherwise it is dropped.
inline void d_delete(World& w, uint8_t i) {
  Dentry& d = w.d[i];
  if (d.count == 1) {
    d.type = kNone;
    ++d.seq;  // dentry_unlink_inode() bumps d_seq
  } else {
    d_drop(w, i);
  }
}

// d_move() within one directory: `from` takes the new name, `target` goes off the hash.
inline void d_move(World& w, uint8_t from, uint8_t target, uint8_t new_name) {
  if (target != kNoDentry) d_drop(w, target);
  w.d[from].name = new_name;
  ++w.d[from].seq;
}

// shrink_dcache_sb() / drop_caches: every unused dentry dies.
inline void shrink_dcache(World& w) {
  for (int i = 0; i < w.slots; ++i)
    if ((w.d[i].flags & kUsed) && w.d[i].count == 0) d_kill(w, static_cast<uint8_t>(i));
}

}  // namespace nfz::dcache
