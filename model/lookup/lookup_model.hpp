// The reference lookup model (docs/MODEL.md): a pure step function over the
// namespace. step(state, op) appends every outcome the kernel may give for `op` in
// `state`, each with the state it leaves. Most ops have one outcome; sets come from
// RESOLVE_CACHED (-EAGAIN wherever the walk may leave RCU mode), FIFO opens (wait for a
// peer), and per-filesystem freedom (rmdir of a non-empty directory: ENOTEMPTY or EEXIST).
//
// The checker (oracles/linearizability) instantiates its search over this class: no
// virtual dispatch, and State is a compact value (no pointers into other states).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/op.hpp"

namespace nfz::model {

// Filesystems whose documented differences the model knows (docs/MODEL.md).
enum class Profile : uint8_t { kTmpfs, kExt4, kXfs, kBtrfs, kOverlay };
inline constexpr int kProfileCount = 5;

// "tmpfs", "ext4", "xfs", "btrfs", "overlay"; nullopt for any other name.
std::optional<Profile> profile_by_name(std::string_view name);
std::string_view profile_name(Profile profile);

// How much the model may assume about what runs beside the op.
//  kConcurrent (the checker): other threads of the program may run at once, so a FIFO
//    open waiting for a peer may also succeed (the peer arrived while it waited).
//  kSequential (`nameifuzz diff`): ops run one at a time: such an open waits (kBlocks).
// Outcomes caused by the system-wide seqcounts (mount_lock, rename_lock: a mount or
// rename anywhere on the machine) are allowed in both modes: RESOLVE_CACHED's -EAGAIN
// after a walk, and -EAGAIN of a RESOLVE_BENEATH/IN_ROOT ".." (handle_dots()).
enum class Mode : uint8_t { kConcurrent, kSequential };

// The outcome of an op that waits and never returns by itself: an open of a FIFO with no
// peer (fifo(7): "opening for reading blocks until another process opens for writing").
// An executor's hung event (Completion::kHung) matches it. The state it leaves is the
// state before the op: a waiting open holds no fd. Not an errno (those are -1..-4095).
inline constexpr int32_t kBlocks = std::numeric_limits<int32_t>::min();

// Model inode numbers: an index into State::nodes. Root is 0.
using Ino = uint16_t;
inline constexpr Ino kRootIno = 0;
inline constexpr Ino kNoIno = 0xffff;
inline constexpr size_t kMaxNodes = 0xfff0;

enum class NodeType : uint8_t { kFree, kDir, kReg, kSymlink, kFifo, kChr };

struct Node {
  NodeType type = NodeType::kFree;
  uint8_t reserved = 0;
  uint16_t nlink = 0;  // names that point here (a directory: 1 while linked, 0 once removed)
  Ino parent = 0;      // kDir: the directory holding it (root: itself; kept after rmdir)
  uint16_t reserved2 = 0;
  uint32_t data = 0;   // kSymlink: interned target (model/lookup/names.hpp); kChr: major << 20 | minor

  bool operator==(const Node&) const = default;
};

// What an fd register or a fixed-file slot refers to: an open file of node `ino`.
// A register that names a fixed slot (exec/fd_table.hpp kFixed) holds no fd: every use
// of it as an fd gets EBADF, exactly as an empty register, so it is stored as empty.
enum class Access : uint8_t { kNone, kRead, kWrite, kReadWrite, kPath };
struct FileRef {
  Ino ino = kNoIno;
  Access access = Access::kNone;  // kNone: no file

  bool empty() const { return access == Access::kNone; }
  bool operator==(const FileRef&) const = default;
};

// The model's state: the namespace and the program's fd registers. A value: copy, compare
// and hash it freely. Node numbers are reused lowest-first, so that states reached by
// different orders of the same creations tend to be equal.
class State {
 public:
  bool operator==(const State&) const = default;
  size_t hash() const;

  // The representation, used by the model's own files (model/lookup/*.cpp).
  std::vector<Node> nodes;
  // Directory entries, sorted: dir << 48 | name id << 16 | ino (see dirent_key()).
  std::vector<uint64_t> dirents;
  std::array<FileRef, kSlotCount> regs{};   // f0..f15 as the program names them
  std::array<FileRef, kSlotCount> fixed{};  // io_uring fixed-file slots 0..15
};

struct Transition {
  int32_t result;  // 0 for any success (open's fd number is not modelled), -errno, or kBlocks
  State next;
};

class LookupModel {
 public:
  explicit LookupModel(Profile profile, Mode mode = Mode::kConcurrent) : profile_(profile), mode_(mode) {}

  // An empty root directory and no open files.
  State initial() const;

  // Clears `out`, then appends every allowed (outcome, next state) of `op` from `s`.
  // Harness actions (drop_caches, revalidate, usleep): result 0, state unchanged.
  // An op of an io_uring linked chain after a failed one gets -ECANCELED from io_uring
  // without running: that is the executor's and the checker's to apply, not the model's.
  void step(const State& s, const Op& op, std::vector<Transition>& out) const;

  Profile profile() const { return profile_; }
  Mode mode() const { return mode_; }

 private:
  Profile profile_;
  Mode mode_;
};

// A readable dump of a state ("/a dir", "/a/b -> ../c", "f0 = /a rw"), for reports and tests.
std::string describe_state(const State& s);

}  // namespace nfz::model
