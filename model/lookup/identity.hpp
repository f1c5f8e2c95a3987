// Object identity: the checkers hold what the kernel reported about the object an op
// reached (its dev and ino, its file type, a statx's link count) against the model node
// the op reached (Transition::reached). The kernel's inode numbers and the model's are
// kept in a partial bijection, learned as ops return: a node takes the first kernel inode
// reported for it (Node::kid), and from then on every op that reaches it must report that
// inode, and no op that reaches another live node may. A kernel number may come back only
// once the node that held it is gone (no name, no open file: the model frees it, and the
// binding goes with it), as ext4 and xfs reuse freed inode numbers. The binding lives in
// the State, so equal states carry equal bindings and the search's memo stays exact.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/lookup/lookup_model.hpp"

namespace nfz::model {

using KernelId = uint16_t;  // a kernel inode of one history, numbered from 1; 0: none
inline constexpr KernelId kNoKernelId = 0;

// The kernel inodes (dev, ino) one history reports, numbered in the order first reported.
class KernelIds {
 public:
  // The number of (dev, ino), `reporter` (the caller's index of the op) noted if new;
  // kNoKernelId for ino 0 (not recorded) or when more than 65535 are known.
  KernelId intern(uint64_t dev, uint64_t ino, size_t reporter);
  size_t first_reporter(KernelId id) const { return entries_[id - 1].reporter; }
  // "inode 0:39/17"
  std::string name(KernelId id) const;

 private:
  struct Entry {
    uint64_t dev, ino;
    size_t reporter;
  };
  struct KeyHash {
    size_t operator()(const std::pair<uint64_t, uint64_t>& k) const { return k.first * 0x9e3779b97f4a7c15ull ^ k.second; }
  };
  std::unordered_map<std::pair<uint64_t, uint64_t>, KernelId, KeyHash> ids_;
  std::vector<Entry> entries_;
};

// What the kernel said about the object a successful op reached.
struct Seen {
  KernelId kid = kNoKernelId;
  uint32_t type = 0;   // S_IFMT bits; 0: not recorded
  int32_t nlink = -1;  // a statx's link count; -1: not recorded
};

// Which link counts the target reports the way the model counts them.
struct NlinkRule {
  bool files = true;  // non-directories: one per name
  bool dirs = true;   // directories: 2 + subdirectories while linked, 0 once removed
  // ->rmdir() takes a directory's count from 2 to 0 one link at a time, so a statx
  // between the two drops reads 1: shmem_rmdir() (drop_nlink(), then shmem_unlink()'s),
  // xfs_remove() (xfs_droplink() for "." and for the name). ext4_rmdir() clears it at once.
  bool dirs_dropped_one_at_a_time = false;
};
// tmpfs, ext4, xfs: both (tmpfs, xfs: one drop at a time). btrfs: files (a directory's i_nlink is always 1,
// btrfs_mkdir() / btrfs_add_link()). overlay: files (ovl_getattr() gives a merged
// directory 1). A FUSE target (`fuse`): neither, the attributes are the kernel's cache
// of the server's (fuse_update_get_attr() keeps them until they time out).
NlinkRule nlink_rule(Profile profile, bool fuse);

enum class IdentityError : uint8_t {
  kNone,
  kTaken,       // the kernel inode is bound to another live node
  kRebound,     // the node is bound to another kernel inode
  kType,        // the file type differs
  kNlink,       // the link count differs
};

struct IdentityCheck {
  IdentityError error = IdentityError::kNone;
  Ino other = kNoIno;             // kTaken, kRebound: the node the kernel inode is bound to, if any
  KernelId bound = kNoKernelId;   // kRebound: the kernel inode the node is bound to
  int32_t expected_nlink = -1;    // kNlink
};

// Holds `seen` against node `reached` of `s` (kNoIno or a freed node: nothing to hold)
// and binds the node to seen.kid when it is unbound and the check passes.
IdentityCheck bind_identity(State& s, Ino reached, const Seen& seen, NlinkRule rule);

// Why the kernel's answer cannot be node `reached` of `s` (the state before the binding):
// names both objects and the ops that reported the kernel inodes, as `op_name(reporter)`
// gives them.
template <typename OpName>
std::string describe_identity_error(const State& s, Ino reached, const Seen& seen, const IdentityCheck& c,
                                    const KernelIds& ids, OpName op_name);

// The link count the kernel reports for node `ino`: its names, or for a directory 2 +
// its subdirectories while linked (0 once removed).
int32_t expected_nlink(const State& s, Ino ino);

// S_IFMT bits of a node type; 0 for kFree.
uint32_t file_type_bits(NodeType type);
std::string file_type_name(uint32_t type_bits);

template <typename OpName>
std::string describe_identity_error(const State& s, Ino reached, const Seen& seen, const IdentityCheck& c,
                                    const KernelIds& ids, OpName op_name) {
  const std::string kernel = "kernel " + ids.name(seen.kid) + " (first reported by " + op_name(ids.first_reporter(seen.kid)) + ")";
  const std::string model = "model " + node_name(s, reached);
  switch (c.error) {
    case IdentityError::kTaken:
      return kernel + " is bound to " + "model " + node_name(s, c.other) + ", but the op reached " + model;
    case IdentityError::kRebound:
      return "the op reached " + model + ", bound to kernel " + ids.name(c.bound) + " (first reported by " +
             op_name(ids.first_reporter(c.bound)) + "), but the kernel answered with " + ids.name(seen.kid) +
             " (first reported by " + op_name(ids.first_reporter(seen.kid)) +
             (c.other == kNoIno ? ")" : ", bound to model " + node_name(s, c.other) + ")");
    case IdentityError::kType:
      return "the op reached " + model + ", but " + kernel + " is a " + file_type_name(seen.type);
    case IdentityError::kNlink:
      return "the op reached " + model + " with " + std::to_string(c.expected_nlink) + " links, but " + kernel +
             " has nlink " + std::to_string(seen.nlink);
    case IdentityError::kNone: break;
  }
  return "";
}

}  // namespace nfz::model
