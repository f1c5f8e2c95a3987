// A scenario: the filesystem personality, the seeded variant's rules, what the
// directory holds on disk/server, setup ops run alone, and up to kMaxThreads threads of
// ops. Fixed-size arrays: a Scenario is plain data the explorers copy freely.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/dcache/world.hpp"

namespace nfz::dcache {

enum OpKind : uint8_t {
  kOpOpen,          // open(2) / openat2 / io_uring open of P/name
  kOpStat,          // a lookup without open: walk_component -> lookup_fast / lookup_slow
  kOpLstat,         // the same, not following a trailing symlink
  kOpUnlink,        // do_unlinkat: i_rwsem exclusive, lookup_one_qstr_excl, ->unlink, d_delete
  kOpRename,        // do_renameat2 within P: ->rename, d_move
  kOpEvict,         // shrink the dcache: every unused dentry is killed (drop_caches 2)
  kOpRemoteCreate,  // another client creates the name on the server (nfs only)
  kOpRemoteUnlink,  // another client removes it (nfs only)
  kOpRemoteMkdir,   // another client makes it a directory
  kOpKindCount,
};

// Open flags the model distinguishes.
enum OpenFlag : uint8_t { kOCreat = 1, kOExcl = 2, kODirectory = 4 };

// How an open is issued.
enum How : uint8_t {
  kHowSync,    // open(2): RCU walk, on -ECHILD a ref-walk retry
  kHowCached,  // openat2(RESOLVE_CACHED): LOOKUP_CACHED, -EAGAIN instead of leaving RCU
  kHowUring,   // io_uring: inline with IO_URING_F_NONBLOCK, punted to io-wq on -EAGAIN
  kHowCount,
};

// Filesystem personalities. The three remote ones have ->atomic_open and a
// ->d_revalidate that asks the server about names another client changed; they differ
// in what ->atomic_open does with a dentry that is not in-lookup (a hashed negative one
// that lookup_open() revalidated) when O_CREAT is not given.
enum Fs : uint8_t {
  kFsExt4,    // ->lookup reads the disk (blocks); no ->atomic_open, no ->d_revalidate
  kFsNfs,     // nfs_atomic_open(): d_drop() + d_alloc_parallel(), then the OPEN (c94c09535c4d)
  kFsCeph,    // ceph_atomic_open(): -ENOENT (the dentry was revalidated)
  kFsLustre,  // ll_atomic_open(): -ENOENT, like ceph
  kFsCount,
};

inline bool fs_is_remote(uint8_t fs) { return fs != kFsExt4; }

struct Op {
  uint8_t kind = kOpOpen;
  uint8_t name = 0;
  uint8_t name2 = 0;  // rename's new name
  uint8_t flags = 0;  // OpenFlag bits
  uint8_t how = kHowSync;
  bool operator==(const Op&) const = default;
};

struct Scenario {
  uint8_t fs = kFsExt4;
  uint8_t variant = 0;  // index into variants()
  uint32_t rules = 0;   // the variant's Rule bits, copied here for the step function
  uint8_t server[kMaxNames] = {};
  uint8_t server_target[kMaxNames] = {};  // body of each kLink name
  uint8_t readonly = 0;  // P is on a read-only mount: may_o_create() says -EROFS
  uint8_t acl = 0;       // P has a POSIX ACL, not cached yet: the RCU walk's permission check gives up
  uint8_t atime = 0;     // relatime, and every symlink's atime is older than its ctime: the
                         // first follow must update it
  uint8_t nthreads = 0;
  uint8_t nops[kSlots] = {};     // nops[kSetupSlot] is the setup's length
  Op ops[kSlots][kMaxOps] = {};  // ops[kSetupSlot] is the setup
  bool operator==(const Scenario&) const = default;
};

std::string_view name_of(uint8_t name);  // "a", "b", ...
std::string_view op_kind_name(uint8_t kind);
std::string_view how_name(uint8_t how);
std::string_view fs_name(uint8_t fs);
std::string_view type_name(uint8_t type);
std::string_view result_name(uint8_t result);
// "open a O_CREAT uring", as in the schedule format.
std::string print_op(const Op& op);
// Empty if the op is valid in the scenario, else why not.
std::string validate_op(const Op& op, uint8_t fs);

}  // namespace nfz::dcache
