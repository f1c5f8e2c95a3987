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
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/op.hpp"

namespace nfz::model {

// Filesystems whose documented differences the model knows (docs/MODEL.md).
enum class Profile : uint8_t { kTmpfs, kExt4, kXfs, kBtrfs, kOverlay, kFuse };
inline constexpr int kProfileCount = 6;

// "tmpfs", "ext4", "xfs", "btrfs", "overlay", "fuse"; nullopt for any other name.
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
  uint16_t kid = 0;    // the kernel inode bound to it by a checker (model/lookup/identity.hpp); 0: none
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
// The slot of State::fixed a fixed-file open or close names. A run has a fixed-file table
// per io_uring (setup's ring, each thread's or the one they share); the model keeps one
// table, and a checker of a run with several rings numbers their slots apart by putting
// the model slot + 1 in `arg` of its copy of the op (open and close do not use `arg`).
// Otherwise the slot is the op's register number.
inline int fixed_slot(const Op& op) { return op.arg ? static_cast<int>(op.arg) - 1 : op.fd; }

// A walk stopped where it followed a symlink (LookupModel::step_in_steps()): pick_link()
// read the body and the walk goes on with it in a later step. What nd holds then: the
// directory it is in, the body with the rest of the path after it (interned), the links
// followed (nd->total_link_count), its lookup flags and whether nd->root is set.
struct WalkCursor {
  uint32_t key = 0;   // the op's key
  uint8_t walk = 0;   // which of its walks
  uint8_t links = 0;
  uint8_t flags = 0;
  bool root_set = false;
  bool scoped_dotdot = false;  // a scoped walk passed a ".." (CachedTrace::scoped_dotdot)
  Ino cur = 0;
  Ino root = kRootIno;  // nd->root: the dirfd of a scoped walk (RESOLVE_BENEATH, RESOLVE_IN_ROOT)
  uint32_t rest = 0;  // an interned name (model/lookup/names.hpp)

  bool operator==(const WalkCursor&) const = default;
};

// Two vectors compared as bytes (no padding in the element type, so equal bytes are equal
// values).
template <typename T>
bool same_bytes(const std::vector<T>& a, const std::vector<T>& b) {
  static_assert(std::has_unique_object_representations_v<T>);
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

class State {
 public:
  // Every member equal (as `= default` would say), the entries and nodes first and as bytes:
  // a search compares states often, and a change of the namespace changes them first.
  bool operator==(const State& o) const {
    return same_bytes(dirents, o.dirents) && same_bytes(nodes, o.nodes) && same_bytes(pins, o.pins) &&
           regs == o.regs && fixed == o.fixed && cursors == o.cursors;
  }
  size_t hash() const;

  // The representation, used by the model's own files (model/lookup/*.cpp).
  std::vector<Node> nodes;
  // Directory entries, sorted: dir << 48 | name id << 16 | ino (see dirent_key()).
  std::vector<uint64_t> dirents;
  std::array<FileRef, kSlotCount> regs{};   // f0..f15 as the program names them
  std::array<FileRef, kSlotCount> fixed{};  // io_uring fixed-file slots 0..15
  // Walks that ended, of ops not finished (LookupModel::step_in_steps()): what each holds
  // until its op's last step (the parent a path_parentat() left in nd->path, or link()'s
  // source; a checker's own steps may hold files too), as make_pin(), sorted. A held node
  // is not freed.
  std::vector<uint64_t> pins;
  // Walks in progress past a followed symlink, sorted by (key, walk). Their node is held.
  std::vector<WalkCursor> cursors;
};

// The result of a step that is not an op's last (step_in_steps()): the op goes on.
inline constexpr int32_t kWalked = std::numeric_limits<int32_t>::min() + 2;
// A pin: the op's key, a tag (0 and 1: its walks; a checker may use 2..15), the node.
inline constexpr uint64_t make_pin(uint32_t key, int tag, Ino ino) {
  return uint64_t{key} << 20 | static_cast<uint64_t>(tag) << 16 | ino;
}
inline constexpr uint32_t pin_op(uint64_t pin) { return static_cast<uint32_t>(pin >> 20); }
inline constexpr int pin_tag(uint64_t pin) { return static_cast<int>(pin >> 16 & 15); }
inline constexpr Ino pin_ino(uint64_t pin) { return static_cast<Ino>(pin); }
// Pins a checker holds an open file with that no register shows yet or any more (the
// executor has its fd: one taken for a cancelled close, an open's before its register):
// tag kHeldTaken + access or kHeldOpened + access. The model counts such a file as open
// (a FIFO's readers and writers: tree::fifo_readers()).
inline constexpr int kHeldTaken = 2, kHeldOpened = 10;
inline constexpr Access held_access(int tag) {
  const int base = tag > kHeldOpened ? kHeldOpened : tag > kHeldTaken && tag <= kHeldTaken + 4 ? kHeldTaken : -1;
  return base < 0 || tag - base > static_cast<int>(Access::kPath) ? Access::kNone : static_cast<Access>(tag - base);
}

// The access a successful open of `op` holds its file with (O_PATH: kPath; open() and
// openat() drop what O_PATH does not take, build_open_how()).
Access open_access(const Op& op);

struct Transition {
  int32_t result;  // 0 for any success (open's fd number is not modelled), -errno, or kBlocks
  State next;
  // A successful open or statx: the node it reached, in `next` (kNoIno otherwise). The
  // checkers hold it against the inode the kernel reported (model/lookup/identity.hpp).
  Ino reached = kNoIno;
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

  // The op as the kernel takes it, in steps (docs/ORACLES.md, "Steps"): each call takes
  // the next step of the op keyed `key` (unique among the ops in flight). A path walk
  // before the op's locks is a step of its own: filename_parentat() of each path of
  // rename, unlink, rmdir, mkdir, mknod, symlink; link()'s lookup of its source, then
  // filename_create()'s parent walk. A walk that ends gives kWalked and a state that
  // holds what it reached (State::pins); a walk that fails ends the op. The last step
  // runs under the parent's lock with the walks' results and lets the pins go. A walk
  // that cannot meet a concurrent change (no component before the last: the parent is
  // the start) is no step of its own; an op with no such walk is step() itself.
  // `counts_apart`: a successful mkdir counts itself in its parent and makes its name in
  // two steps, in the filesystem's order (profile.hpp mkdir_order()), and a rename that
  // changes a count takes it before it moves the names (step_rename()), and an unlink
  // drops the file's count before its name goes (step_unlink()); the checker asks
  // for it where a statx, the one op that reads a count, runs beside it.
  void step_in_steps(const State& s, const Op& op, uint32_t key, std::vector<Transition>& out,
                     bool counts_apart = false) const;
  // An open's path_init() as a step of its own (step_in_steps() goes on from it): its
  // dirfd read when the walk starts. The checker asks for it where another thread lets
  // that register's fd go while the open is in flight.
  void open_start(const State& s, const Op& op, uint32_t key, std::vector<Transition>& out) const;
  // What walk `walk` of `op` (step_in_steps()'s numbering; a statx's lookup is walk 0)
  // reaches in `s`, or kNoIno if it fails there.
  Ino walk_now(const State& s, const Op& op, int walk) const;
  // Whether the walk `at` is part of, taken from its start now, follows its symlinks to
  // the same place (the same directory, the same path left, the same count of links).
  bool walk_reaches(const State& s, const Op& op, const WalkCursor& at) const;

  Profile profile() const { return profile_; }
  Mode mode() const { return mode_; }

 private:
  void open_in_steps(const State& s, const Op& op, uint32_t key, std::vector<Transition>& out) const;

  Profile profile_;
  Mode mode_;
};

// A readable dump of a state ("/a dir", "/a/b -> ../c", "f0 = /a rw"), for reports and tests.
std::string describe_state(const State& s);
// "/a/b (dir)", "#3 (file, no name)": one name of node `ino`, for messages.
std::string node_name(const State& s, Ino ino);

}  // namespace nfz::model
