#include "model/lookup/walk.hpp"

#include <cerrno>

#include "model/lookup/profile.hpp"
#include "model/lookup/tree.hpp"

namespace nfz::model {
namespace {

// One component of `path` at `pos` (no slashes), and where the next one starts.
struct Component {
  std::string_view name;
  std::string_view rest;  // after the component and its slashes
  bool trailing_slash = false;  // slashes followed the component, and nothing else
};

Component split(std::string_view path) {
  size_t end = path.find('/');
  if (end == std::string_view::npos) return {path, {}, false};
  Component c{path.substr(0, end), {}, false};
  size_t next = path.find_first_not_of('/', end);
  if (next == std::string_view::npos) c.trailing_slash = true;
  else c.rest = path.substr(next);
  return c;
}

LastType type_of(std::string_view name) {
  if (name == ".") return LastType::kDot;
  if (name == "..") return LastType::kDotDot;
  return LastType::kNorm;
}

// Calls f(component) for each component of `path` (leading slashes skipped), the last one
// included, until f returns non-zero; returns that, or 0.
template <typename F>
int each_component(std::string_view path, F f) {
  size_t start = path.find_first_not_of('/');
  if (start == std::string_view::npos) return 0;  // "/" or "///": LAST_ROOT
  for (Component c = split(path.substr(start));; c = split(c.rest)) {
    if (int r = f(c); r) return r;
    if (c.rest.empty()) return 0;
  }
}

// Whether `rest` has a component before its last: one more lookup before a parent walk ends.
bool has_middle_component(std::string_view rest) {
  const size_t slash = rest.find('/');
  return slash != std::string_view::npos && rest.find_first_not_of('/', slash) != std::string_view::npos;
}

}  // namespace

void last_component(std::string_view path, LastType& type, std::string_view& last, bool& trailing_slash) {
  type = LastType::kRoot;
  last = {};
  trailing_slash = false;
  each_component(path, [&](const Component& c) {
    last = c.name;
    type = type_of(c.name);
    trailing_slash = c.trailing_slash;
    return 0;
  });
}

bool names_before_last(std::string_view path) {
  return each_component(path, [](const Component& c) {
    return !c.rest.empty() && type_of(c.name) == LastType::kNorm ? 1 : 0;
  }) != 0;
}

int Walker::jump_root() {
  // nd_jump_root(): an absolute path or symlink leaves a RESOLVE_BENEATH walk at once,
  // in RCU mode too (so RESOLVE_CACHED gives -EXDEV here, not -EAGAIN).
  if (flags_ & kLookupBeneath) return -EXDEV;
  // RESOLVE_NO_XDEV compares nd->path.mnt with nd->root.mnt before set_root(): a jump
  // before anything set nd->root (an absolute symlink as the first thing that needs
  // the root) sees a NULL root mount and is -EXDEV, whatever the mounts are.
  if ((flags_ & kLookupNoXdev) && started_ && !root_set_) return -EXDEV;
  root_set_ = true;
  cur_ = root_;
  return 0;
}

int Walker::init(std::string_view path, const Start& start) {
  if (path.empty()) return -ENOENT;  // getname() without LOOKUP_EMPTY
  root_ = kRootIno;
  root_set_ = started_ = false;
  // Absolute: from the root, except that RESOLVE_IN_ROOT starts at the dirfd.
  if (path[0] == '/' && !(flags_ & kLookupInRoot)) {
    int err = jump_root();
    started_ = true;
    return err;
  }
  Ino at = kRootIno;
  if (!start.at_fdcwd) {
    if (start.file.empty()) return -EBADF;  // fdget_raw() found no file
    at = start.file.ino;
    if (!tree::is_dir(s_, at)) return -ENOTDIR;  // d_can_lookup() of the dirfd
  }
  cur_ = at;
  started_ = true;
  if (flags_ & kLookupScoped) root_ = at, root_set_ = true;  // scoped lookups: the dirfd is the root
  return 0;
}

Ino Walker::lookup_child(Ino dir, std::string_view name, int& err) {
  // A removed directory has no children left in the dcache (vfs_rmdir() shrinks it), and
  // __lookup_slow() refuses it ("Don't go there if it's already dead") before ->lookup().
  if (tree::is_dead_dir(s_, dir)) {
    trace_.must_eagain = true;
    err = -ENOENT;
    return kNoIno;
  }
  // ->lookup() of tmpfs (simple_lookup), ext4, xfs and btrfs refuses names over NAME_MAX;
  // such a name is never in the dcache, so an RCU walk misses.
  if (name.size() > name_max(profile_)) {
    trace_.must_eagain = true;
    err = -ENAMETOOLONG;
    return kNoIno;
  }
  Ino child = tree::lookup(s_, dir, intern(name));
  if (child == kNoIno) {
    // A negative dentry: tmpfs never keeps one (always_delete_dentry), others may.
    if (keeps_negative_dentries(profile_)) trace_.may_eagain = true;
    else trace_.must_eagain = trace_.unkept_negative = true;
    err = -ENOENT;
    return kNoIno;
  }
  if (!pins_dentries(profile_)) trace_.may_eagain = true;
  err = 0;
  return child;
}

int Walker::pick_link(Ino link, std::string_view& body, bool& more) {
  if (total_links_++ >= kMaxSymlinks) return -ELOOP;  // reserve_stack()
  if (flags_ & kLookupNoSymlinks) return -ELOOP;
  // atime_needs_update() under relatime is true for a symlink not read since it was
  // made: the RCU walk must unlazy to touch_atime() (pick_link()).
  trace_.may_eagain = true;
  std::string_view b = name_of(s_.nodes[link].data);
  if (!b.empty() && b[0] == '/') {
    if (int err = jump_root(); err) return err;
    size_t next = b.find_first_not_of('/');
    b = next == std::string_view::npos ? std::string_view{} : b.substr(next);
  }
  body = b;
  more = !b.empty();  // an empty rest: a pure jump to the root, already done
  return 0;
}

int Walker::step_into(Ino child, bool follow, std::string_view& body, bool& more) {
  more = false;
  if (s_.nodes[child].type == NodeType::kSymlink && follow) return pick_link(child, body, more);
  cur_ = child;
  return 0;
}

int Walker::handle_dots(LastType type) {
  if (type != LastType::kDotDot) return 0;
  root_set_ = true;  // handle_dots(): "if (!nd->root.mnt) set_root(nd)"
  if (cur_ == root_) {
    // follow_dotdot(): ".." at the root stays there, but leaves RESOLVE_BENEATH
    // (follow_dotdot_rcu() gives -ECHILD first: RESOLVE_CACHED turns it into -EAGAIN).
    if (flags_ & kLookupBeneath) {
      trace_.must_eagain = true;
      return -EXDEV;
    }
  } else {
    cur_ = s_.nodes[cur_].parent;
  }
  // Then, for scoped lookups, the rename_lock/mount_lock seqcount check (-EAGAIN).
  if (flags_ & kLookupScoped) trace_.scoped_dotdot = true;
  return 0;
}

// walk_component(nd, WALK_MORE) on last_, then the d_can_lookup() test of link_path_walk().
// `rest`: what follows the component in the path.
int Walker::walk_component_more(std::string_view rest) {
  if (last_type_ != LastType::kNorm) {
    if (int err = handle_dots(last_type_); err) return err;
  } else {
    int err = 0;
    Ino child = lookup_child(cur_, last_, err);
    if (err) return err;
    std::string_view body;
    bool more = false;
    if (err = step_into(child, true, body, more); err) return err;
    if (more && pause_) {  // the body and the rest make one path (walk_segment())
      paused_rest_.assign(body);
      paused_rest_ += '/';
      paused_rest_ += rest;
      return kPaused;
    }
    if (more)
      if (err = follow_intermediate(body); err) return err;
    // In a directory, with the next lookup to come there: a step ends (walk_segment()).
    if (pause_ && !more && tree::is_dir(s_, cur_)) {
      paused_rest_.assign(rest);
      return kPaused;
    }
  }
  if (!tree::is_dir(s_, cur_)) {
    // A non-directory in the middle: the RCU walk must unlazy before saying ENOTDIR.
    trace_.must_eagain = true;
    return -ENOTDIR;
  }
  return 0;
}

// A symlink met in the middle of a path: walk its body, then its last component with
// walk_component(nd, 0), which follows symlinks whatever LOOKUP_FOLLOW says.
int Walker::follow_intermediate(std::string_view body) {
  if (int err = link_path_walk(body); err) return err;
  if (last_type_ != LastType::kNorm) return handle_dots(last_type_);
  int err = 0;
  Ino child = lookup_child(cur_, last_, err);
  if (err) return err;
  std::string_view next;
  bool more = false;
  if (err = step_into(child, true, next, more); err) return err;
  return more ? follow_intermediate(next) : 0;
}

int Walker::link_path_walk(std::string_view path) {
  last_type_ = LastType::kRoot;
  last_ = {};
  trailing_slash_ = false;
  return each_component(path, [this](const Component& c) {
    last_ = c.name;
    last_type_ = type_of(c.name);
    trailing_slash_ = c.trailing_slash;
    return c.rest.empty() ? 0 : walk_component_more(c.rest);
  });
}

int Walker::walk_last(std::string_view& body, bool& more) {
  more = false;
  if (last_type_ == LastType::kNorm && trailing_slash_) flags_ |= kLookupFollow | kLookupDirectory;
  if (last_type_ != LastType::kNorm) return handle_dots(last_type_);
  int err = 0;
  Ino child = lookup_child(cur_, last_, err);
  if (err) return err;
  return step_into(child, flags_ & kLookupFollow, body, more);
}

int Walker::lookup(std::string_view path, const Start& start) {
  if (int err = init(path, start); err) return err;
  return walk_from(path);
}

int Walker::lookup_from(const WalkCursor& at) {
  resume_after_link(at);
  return walk_from(name_of(at.rest));
}

void Walker::resume_after_link(const WalkCursor& at) {
  resume(at);
  pause_ = true;
  trace_.may_eagain = true;  // pick_link() met a symlink to get here
}

int Walker::pause_at_body(std::string_view body) {
  if (!pause_) return 0;
  paused_rest_.assign(body);
  return kPaused;
}

int Walker::walk_from(std::string_view path) {
  std::string_view s = path;
  for (;;) {
    if (int err = link_path_walk(s); err) return err;
    bool more = false;
    if (int err = walk_last(s, more); err) return err;
    if (!more) break;
    if (int paused = pause_at_body(s); paused) return paused;
  }
  trace_.completed = true;  // complete_walk()
  if ((flags_ & kLookupDirectory) && !tree::is_dir(s_, cur_)) return -ENOTDIR;
  return 0;
}

int Walker::walk_segment(std::string_view rest, bool object, std::string& next) {
  last_type_ = LastType::kRoot;
  last_ = {};
  trailing_slash_ = false;
  std::string_view body;
  bool more = false;
  const int r = each_component(rest, [&](const Component& c) {
    last_ = c.name;
    last_type_ = type_of(c.name);
    trailing_slash_ = c.trailing_slash;
    if (c.rest.empty()) {  // the last component: path_parentat() stops before it
      if (!object) return 0;
      if (int err = walk_last(body, more); err) return err;
      if (more) next = body;
      return more ? kPaused : 0;
    }
    if (last_type_ != LastType::kNorm) {
      if (int err = handle_dots(last_type_); err) return err;
    } else {
      int err = 0;
      const Ino child = lookup_child(cur_, last_, err);
      if (err) return err;
      if (err = step_into(child, true, body, more); err) return err;
      if (more) {
        next.assign(body);
        next += '/';
        next += c.rest;
        return kPaused;
      }
    }
    if (!tree::is_dir(s_, cur_)) return -ENOTDIR;
    // In a directory with another lookup to come in it (a middle component, or the last
    // of an object walk): a rename or rmdir may remove the directory before that lookup,
    // which then finds it dead (__lookup_slow(): "Don't go there if it's already dead").
    if (last_type_ == LastType::kNorm && (object || has_middle_component(c.rest))) {
      next.assign(c.rest);
      return kPaused;
    }
    return 0;
  });
  if (r || !object) return r;
  trace_.completed = true;  // complete_walk()
  return (flags_ & kLookupDirectory) && !tree::is_dir(s_, cur_) ? -ENOTDIR : 0;
}

void Walker::resume(const WalkCursor& c) {
  root_ = c.root;
  trace_.scoped_dotdot = c.scoped_dotdot;
  started_ = true;
  root_set_ = c.root_set;
  total_links_ = c.links;
  flags_ = c.flags;
  cur_ = c.cur;
}

WalkCursor Walker::cursor_here(uint32_t key, int walk, std::string_view next) const {
  WalkCursor c;
  c.key = key;
  c.walk = static_cast<uint8_t>(walk);
  c.links = static_cast<uint8_t>(total_links_);
  c.flags = static_cast<uint8_t>(flags_);
  c.root_set = root_set_;
  c.scoped_dotdot = trace_.scoped_dotdot;
  c.cur = cur_;
  c.root = root_;
  c.rest = intern(next);
  return c;
}

int Walker::parent(std::string_view path, const Start& start) {
  if (int err = init(path, start); err) return err;
  return link_path_walk(path);
}

}  // namespace nfz::model
