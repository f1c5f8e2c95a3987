// Path resolution as fs/namei.c does it: path_init(), link_path_walk(), walk_component(),
// step_into(), pick_link(), handle_dots(), nd_jump_root(). The walker also records what
// the RCU walk of RESOLVE_CACHED (LOOKUP_CACHED) would have met, so that the op can say
// whether -EAGAIN is allowed (docs/ARCHITECTURE.md#resolve_cached-and-lookup_cached).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/lookup/lookup_model.hpp"
#include "model/lookup/names.hpp"

namespace nfz::model {

// LOOKUP_* flags the model uses (include/linux/namei.h).
enum LookupFlag : uint32_t {
  kLookupFollow = 1u << 0,      // LOOKUP_FOLLOW: follow a trailing symlink
  kLookupDirectory = 1u << 1,   // LOOKUP_DIRECTORY: the result must be a directory
  kLookupBeneath = 1u << 2,     // RESOLVE_BENEATH
  kLookupInRoot = 1u << 3,      // RESOLVE_IN_ROOT
  kLookupNoSymlinks = 1u << 4,  // RESOLVE_NO_SYMLINKS
  kLookupCached = 1u << 5,      // RESOLVE_CACHED
  kLookupNoXdev = 1u << 6,      // RESOLVE_NO_XDEV
};
inline constexpr uint32_t kLookupScoped = kLookupBeneath | kLookupInRoot;  // LOOKUP_IS_SCOPED

inline constexpr int kMaxSymlinks = 40;     // MAXSYMLINKS

// What an RCU walk under LOOKUP_CACHED would have met on the way.
struct CachedTrace {
  bool may_eagain = false;     // a step that may need to leave RCU mode (dcache miss, atime)
  bool must_eagain = false;    // a step that always does (try_to_unlazy fails): the walk ends there
  bool scoped_dotdot = false;  // a ".." under RESOLVE_BENEATH/IN_ROOT (rename_lock check)
  // The walk missed a name on a filesystem that keeps no negative dentries: alone, RCU
  // walk cannot say ENOENT. But a create of that name in flight holds a hashed negative
  // dentry until d_instantiate() (simple_lookup() d_add()s it), and an RCU walk that
  // meets it answers -ENOENT: possible when other threads run (Mode::kConcurrent).
  bool unkept_negative = false;
  // The walk got to complete_walk(), whose try_to_unlazy() checks mount_lock's seqcount:
  // a mount or umount anywhere on the machine since path_init() fails it (-ECHILD), and
  // RESOLVE_CACHED turns that into -EAGAIN. Errors decided before it are not retried.
  bool completed = false;
};

enum class LastType : uint8_t { kNorm, kDot, kDotDot, kRoot };  // LAST_NORM, LAST_DOT, ...

// Where a walk starts: AT_FDCWD (the root: runs chroot into it and never chdir), or an fd
// register's file.
struct Start {
  bool at_fdcwd = true;
  FileRef file;  // !at_fdcwd: the register's file (empty: no fd, EBADF)
};

// What link_path_walk() leaves in nd->last for `path` once it walked the rest: the last
// component, its type and whether slashes follow it (a function of the string alone).
void last_component(std::string_view path, LastType& type, std::string_view& last, bool& trailing_slash);
// Whether link_path_walk() of `path` from the root looks a name up before the last
// component: "." and ".." there stay at the root (handle_dots()), so with none of
// those the parent is the root whatever else runs.
bool names_before_last(std::string_view path);

class Walker {
 public:
  Walker(const State& s, Profile profile, uint32_t flags) : s_(s), profile_(profile), flags_(flags) {}

  // path_init(): -ENOENT for an empty path (getname()), -EBADF / -ENOTDIR for a bad dirfd,
  // -EXDEV for an absolute path under RESOLVE_BENEATH.
  int init(std::string_view path, const Start& start);
  // link_path_walk(): every component but the last; leaves the last one in last().
  int link_path_walk(std::string_view path);
  // The trailing component (walk_component(nd, WALK_TRAILING)): a trailing slash adds
  // LOOKUP_FOLLOW|LOOKUP_DIRECTORY (lookup_last()). Sets `body` to a symlink's body still
  // to walk (the caller loops: link_path_walk(body), walk_last(), ...), else leaves the
  // result in cur().
  int walk_last(std::string_view& body, bool& more);
  // path_lookupat(): the whole walk, the result in cur(). `extra` adds lookup flags.
  int lookup(std::string_view path, const Start& start);
  // path_parentat(): the parent in cur(), the last component in last().
  int parent(std::string_view path, const Start& start);

  // A walk taken in steps (LookupModel::step_in_steps()), for the AT_FDCWD walks of the
  // namespace ops: walk_segment() goes along `rest` from cur() until the walk ends (0; a
  // parent walk leaves the last component in last(), unwalked) or fails (-errno), or until
  // step_into() follows a symlink: then it stops (kPaused) with the body, and what was left
  // after the symlink, in `next`. The next step resume()s there. link_path_walk() walks a
  // body as if it stood in the path in the symlink's place (its last component with
  // walk_component(nd, 0), which follows a symlink as a middle component does), so the body
  // and the rest make one path.
  static constexpr int kPaused = 1;
  int walk_segment(std::string_view rest, bool object, std::string& next);
  void resume(const WalkCursor& c);
  WalkCursor cursor_here(uint32_t key, int walk, std::string_view next) const;

  // The walks of open, openat2 and statx in steps: with pause_at_links(), link_path_walk(),
  // lookup() and an open's own loop stop (kPaused) where step_into() follows a symlink or
  // enters a directory with a lookup to come in it (as walk_segment() does), the path left
  // to walk (the body, then the rest) in paused_rest(); lookup_from() and an
  // open's loop go on from a cursor_here() of it (which holds nd->root, the dirfd of a
  // scoped lookup).
  void pause_at_links() { pause_ = true; }
  const std::string& paused_rest() const { return paused_rest_; }
  int lookup_from(const WalkCursor& at);
  // resume() for a walk that followed a symlink to get there (pick_link()'s trace).
  void resume_after_link(const WalkCursor& at);
  // A trailing symlink step_into() started to follow: kPaused when pausing, else 0 (the
  // caller walks `body` on).
  int pause_at_body(std::string_view body);

  // A dcache lookup of `name` in `dir` the way lookup_fast()/lookup_slow() see it:
  // ENAMETOOLONG from ->lookup(), ENOENT in a removed directory; records the trace.
  // Returns the node or kNoIno (with *err set) .
  Ino lookup_child(Ino dir, std::string_view name, int& err);
  // step_into(): moves to `child`, or starts following it when it is a symlink to follow.
  int step_into(Ino child, bool follow, std::string_view& body, bool& more);
  // handle_dots() for the last component when it is ".", ".." or the root.
  int handle_dots(LastType type);

  Ino cur() const { return cur_; }
  Ino root() const { return root_; }
  LastType last_type() const { return last_type_; }
  std::string_view last() const { return last_; }
  bool trailing_slash() const { return trailing_slash_; }
  uint32_t flags() const { return flags_; }
  void add_flags(uint32_t f) { flags_ |= f; }
  const CachedTrace& trace() const { return trace_; }
  CachedTrace& trace() { return trace_; }
  const State& state() const { return s_; }

 private:
  int jump_root();
  int pick_link(Ino link, std::string_view& body, bool& more);
  int follow_intermediate(std::string_view body);
  int walk_component_more(std::string_view rest);
  int walk_from(std::string_view path);  // lookup()'s loop

  const State& s_;
  Profile profile_;
  uint32_t flags_;
  Ino root_ = kRootIno;  // nd->root: the process root, or the dirfd when scoped
  bool root_set_ = false;  // nd->root.mnt is set (set_root() ran, or a scoped lookup)
  bool started_ = false;   // nd->path.mnt is set (path_init() is done)
  Ino cur_ = kRootIno;   // nd->path
  int total_links_ = 0;  // nd->total_link_count
  LastType last_type_ = LastType::kRoot;
  std::string_view last_;
  bool trailing_slash_ = false;
  CachedTrace trace_;
  bool pause_ = false;
  std::string paused_rest_;
};

}  // namespace nfz::model
