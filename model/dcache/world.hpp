// The state of the dcache protocol model: dentries of one parent directory, the
// parent's i_rwsem, the filesystem's own view of the directory (the disk or the
// server), and each thread's walk. Everything is a fixed-size array of bytes, so a
// World copies with memcpy, hashes as bytes, and a step allocates nothing.
//
// One parent directory P is modelled (always cached, positive, reached by the RCU
// walk without event); the interesting component is the last one, a name in P.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nfz::dcache {

inline constexpr int kMaxDentries = 16;
inline constexpr int kMaxThreads = 4;
inline constexpr int kMaxNames = 4;
inline constexpr int kMaxOps = 4;          // per thread (and in setup)
inline constexpr int kSetupSlot = kMaxThreads;  // thread slot that runs the setup ops
inline constexpr int kSlots = kMaxThreads + 1;
inline constexpr uint8_t kNoDentry = 0xff;

// What a name is on the disk or server (and what a positive dentry points to).
enum Type : uint8_t { kNone = 0, kFile = 1, kDir = 2, kLink = 3, kTypeCount = 4 };

// Dentry flag bits. d_flags in the kernel; kUsed says the slot holds a dentry at all.
enum DentryFlag : uint8_t {
  kUsed = 1,
  kHashed = 2,    // on the primary hash (d_unhashed() is false)
  kInLookup = 4,  // DCACHE_PAR_LOOKUP, on the in-lookup hash
  kStale = 8,     // the server changed the name behind our back: ->d_revalidate must ask
  kWasInLookup = 16,  // entered the in-lookup state once (for the d_lookup_done oracle)
};

struct Dentry {
  uint8_t flags = 0;
  uint8_t name = 0;
  uint8_t count = 0;  // d_lockref.count
  uint8_t seq = 0;    // d_seq: bumped by __d_drop, d_move, dentry_unlink_inode, kill
  uint8_t type = kNone;  // d_inode's type; kNone is a negative dentry
  uint8_t target = 0;    // a symlink's body: a name in P (fast symlinks: no IO to read it)
};

// Walk mode bits of a thread (nd->flags and what io_uring added).
enum Mode : uint8_t {
  kRcu = 1,        // LOOKUP_RCU
  kCached = 2,     // LOOKUP_CACHED
  kNonblock = 4,   // the walk runs inline for io_uring or for RESOLVE_CACHED: may not block
  kPunted = 8,     // io_uring retried the op in an io-wq worker
  kLocked = 16,    // holds the parent's i_rwsem (shared or exclusive)
  kExclusive = 32, // ... exclusively
  kSwitched = 64,  // nfs_atomic_open's d_drop + d_alloc_parallel fallback (c94c09535c4d)
  kViaAtomicOpen = 128,  // the last component went through ->atomic_open (its -ENOENT is the fs's)
};

// Why a walk may legitimately answer -EAGAIN under LOOKUP_CACHED.
enum EagainCause : uint8_t {
  kCauseNone = 0,
  kCauseFlags,     // O_CREAT/O_TRUNC/__O_TMPFILE are refused up front (do_open_execat, openat2)
  kCauseMiss,      // dcache miss: leaving RCU mode is required
  kCauseRevalidate,// ->d_revalidate would have to block
  kCauseSeq,       // a d_seq changed under the RCU walk (rename, unlink, drop)
  kCauseCreate,    // the create side of open_last_lookups must leave RCU mode
  kCausePermission,// may_lookup(): inode_permission(MAY_NOT_BLOCK) needs an uncached ACL
  kCauseAtime,     // pick_link(): the symlink's atime needs an update (touch_atime() may block)
};

// Results an op may end with; errno names in print.
enum Result : uint8_t { kOk = 0, kENOENT, kEEXIST, kENOTDIR, kEAGAIN, kELOOP, kEROFS, kResultCount };

// The model follows one symlink per walk (nd->depth <= 1); a symlink to a symlink is
// -ELOOP here (the kernel allows 40 levels).
inline constexpr uint8_t kMaxDepth = 1;

struct ThreadState {
  uint8_t op = 0;         // index of the running op
  uint8_t pc = 0;         // Pc label of the next step
  uint8_t d = kNoDentry;  // the dentry the walk holds (or, in RCU mode, looks at)
  uint8_t d2 = kNoDentry; // rename target; atomic_open's original dentry after a switch
  uint8_t seq = 0;        // d_seq of d sampled in RCU mode
  uint8_t mode = 0;       // Mode bits
  uint8_t found = kNone;  // what the filesystem answered
  uint8_t found_target = 0;  // ... and the symlink body, when it is one
  uint8_t name = 0;       // the component being looked up (the op's, or a symlink's body)
  uint8_t depth = 0;      // nd->depth: symlinks on the stack
  uint8_t link = kNoDentry;  // nd->stack[0].link (held only in ref-walk mode)
  uint8_t link_seq = 0;   // its d_seq sampled in RCU mode
  uint8_t cause = kCauseNone;
  uint8_t result = kOk;   // the running (then last finished) op's result
  uint8_t dir_seq = 0;    // P's i_dir_seq sampled by d_alloc_parallel() (even)
  uint8_t spins = 0;      // d_alloc_parallel() retries in a row on an odd i_dir_seq
};

// Oracle ids; names, descriptions and kernel references are in oracle.cpp.
enum Oracle : uint8_t {
  kOracleNone = 0,
  kSpliceTwice,      // d_splice_alias()/__d_add() on a hashed dentry
  kInLookupUnique,   // at most one in-lookup dentry per (parent, name)
  kInLookupHashed,   // never in-lookup and hashed at once
  kLookupDone,       // every in-lookup dentry leaves that state (d_lookup_done)
  kRefcount,         // no underflow, nothing held at quiescence
  kNonblockWalk,     // a LOOKUP_CACHED / nonblocking walk never takes a blocking step
  kCachedComplete,   // RESOLVE_CACHED answers -EAGAIN only for a reason
  kProgress,         // some thread can always run until all are done
  kHashedUnique,     // at most one hashed dentry per (parent, name)
  kCreateError,      // an O_CREAT open that may not create answers the create error, not -ENOENT
  kOracleCount,
};

struct Violation {
  uint8_t oracle = kOracleNone;
  uint8_t thread = 0;
  uint8_t dentry = kNoDentry;
};

struct World {
  Dentry d[kMaxDentries];
  ThreadState t[kSlots];
  uint8_t server[kMaxNames] = {};  // the filesystem's truth per name
  uint8_t server_target[kMaxNames] = {};  // symlink bodies
  uint8_t readers = 0;             // i_rwsem of P held shared by this many
  uint8_t writer = 0;              // i_rwsem of P held exclusively (0 or 1)
  uint8_t dir_seq = 0;             // P's i_dir_seq: odd while __d_add() of an in-lookup dentry runs
  uint8_t acl_cached = 0;          // P's ACL has been read (get_inode_acl() caches it)
  uint8_t atime_done = 0;          // per name: the symlink's atime was updated (relatime: once)
  uint8_t slots = 0;               // dentry slots ever used (d_alloc() takes the lowest free):
                                   // the scans stop here
  uint8_t overflow = 0;            // ran out of dentry slots: the run says nothing
  Violation violation;
};

static_assert(sizeof(World) < 200, "World must stay small: it is copied per explored state");

inline bool hashed(const Dentry& d) { return d.flags & kHashed; }
inline bool in_lookup(const Dentry& d) { return d.flags & kInLookup; }

}  // namespace nfz::dcache
