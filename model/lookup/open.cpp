// open, openat and openat2 (fs/open.c build_open_flags(), fs/namei.c path_openat()).
#include <cerrno>

#include "model/lookup/open_file.hpp"
#include "model/lookup/profile.hpp"
#include "model/lookup/tree.hpp"
#include "model/lookup/walk.hpp"

namespace nfz::model {
namespace {

constexpr uint32_t kTmpfileBit = O_TMPFILE & ~O_DIRECTORY;  // __O_TMPFILE
constexpr uint32_t kPathFlags = O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC;  // O_PATH_FLAGS
constexpr uint32_t kMayWrite = 2, kMayRead = 4;  // MAY_WRITE, MAY_READ

struct OpenFlags {
  uint32_t flags = 0;
  uint32_t mode = 0;
  uint32_t acc_mode = 0;
  uint32_t lookup = 0;
};

bool will_create(uint32_t flags) { return flags & (O_CREAT | kTmpfileBit); }

Access access_of(uint32_t flags) {
  if (flags & O_PATH) return Access::kPath;
  switch (flags & O_ACCMODE) {
    case O_WRONLY: return Access::kWrite;
    case O_RDWR: return Access::kReadWrite;
    default: return Access::kRead;
  }
}

// build_open_how() (open/openat quietly drop what openat2 refuses), then
// build_open_flags(). Returns 0 or the errno, -EAGAIN for RESOLVE_CACHED with
// O_CREAT/O_TRUNC/O_TMPFILE "before any lookup".
int build_open_flags(const Op& op, OpenFlags& f) {
  f.flags = op.flags;
  f.mode = op.mode;
  if (!op.openat2) {
    if (f.flags & O_PATH) f.flags &= kPathFlags;  // "O_PATH beats everything else"
    if (!will_create(f.flags)) f.mode = 0;
  }
  const uint32_t resolve = op.resolve;
  if ((resolve & RESOLVE_BENEATH) && (resolve & RESOLVE_IN_ROOT)) return -EINVAL;
  if (will_create(f.flags) ? (f.mode & ~07777u) : f.mode != 0) return -EINVAL;
  // O_DIRECTORY|O_CREAT made regular files once; refused since 6.4 (this also refuses
  // O_TMPFILE|O_CREAT, O_TMPFILE containing O_DIRECTORY).
  if ((f.flags & (O_DIRECTORY | O_CREAT)) == (O_DIRECTORY | O_CREAT)) return -EINVAL;
  uint32_t acc = (f.flags & O_ACCMODE) == O_RDONLY ? kMayRead
                 : (f.flags & O_ACCMODE) == O_WRONLY ? kMayWrite : kMayRead | kMayWrite;
  if (f.flags & kTmpfileBit) {
    if (!(f.flags & O_DIRECTORY)) return -EINVAL;
    if (!(acc & kMayWrite)) return -EINVAL;
  }
  if (f.flags & O_PATH) {
    if (f.flags & ~kPathFlags) return -EINVAL;
    acc = 0;
  }
  if (f.flags & O_TRUNC) acc |= kMayWrite;
  f.acc_mode = acc;
  uint32_t nofollow = f.flags & O_NOFOLLOW;
  if ((f.flags & O_CREAT) && (f.flags & O_EXCL)) nofollow = O_NOFOLLOW;
  if (f.flags & O_DIRECTORY) f.lookup |= kLookupDirectory;
  if (!nofollow) f.lookup |= kLookupFollow;
  if (resolve & RESOLVE_NO_SYMLINKS) f.lookup |= kLookupNoSymlinks;
  if (resolve & RESOLVE_BENEATH) f.lookup |= kLookupBeneath;
  if (resolve & RESOLVE_IN_ROOT) f.lookup |= kLookupInRoot;
  if (resolve & RESOLVE_NO_XDEV) f.lookup |= kLookupNoXdev;
  // RESOLVE_NO_MAGICLINKS: a run has no procfs (docs/MODEL.md), so no magic links; and a
  // run has one mount, so RESOLVE_NO_XDEV only ever matters in nd_jump_root().
  if (resolve & RESOLVE_CACHED) {
    if (f.flags & (O_TRUNC | O_CREAT | kTmpfileBit)) return -EAGAIN;
    f.lookup |= kLookupCached;
  }
  return 0;
}

Start start_of(const State& s, const Op& op) {
  if (op.dirfd == kNoSlot) return {};
  return {false, s.regs[op.dirfd]};
}

// The result of the walk part of an open: an error, or the object reached (maybe made).
struct Reached {
  int err = 0;
  Ino ino = kNoIno;
  bool created = false;
  State made;  // created: the state with the new file in it
};

// path_openat() without O_PATH/O_TMPFILE: the walk loop with open_last_lookups(). From
// `at` when the walk stopped at a symlink in an earlier step.
Reached walk_open(const StepContext& c, const OpenFlags& f, Walker& w, const WalkCursor* at) {
  Reached r;
  std::string_view s = c.op.path;
  if (at) {
    w.resume_after_link(*at);
    s = name_of(at->rest);
  } else if (r.err = w.init(c.op.path, start_of(c.s, c.op)); r.err) {
    return r;
  }
  for (;;) {
    if (r.err = w.link_path_walk(s); r.err) return r;
    if (w.last_type() != LastType::kNorm) {  // ".", "..", "/": handle_dots(), then do_open()
      r.err = w.handle_dots(w.last_type());
      r.ino = w.cur();
      return r;
    }
    Ino child = kNoIno;
    if (!(f.flags & O_CREAT)) {
      if (w.trailing_slash()) w.add_flags(kLookupFollow | kLookupDirectory);
      // lookup_fast(), then lookup_open(), which tests IS_DEADDIR() before ->lookup().
      if (tree::is_dead_dir(c.s, w.cur())) {
        w.trace().must_eagain = true;
        r.err = -ENOENT;
        return r;
      }
      if (child = w.lookup_child(w.cur(), w.last(), r.err); r.err) return r;
    } else {
      if (w.trailing_slash()) {  // open_last_lookups(): "trailing slashes?"
        r.err = -EISDIR;
        return r;
      }
      if (tree::is_dead_dir(c.s, w.cur())) {  // lookup_open()
        r.err = -ENOENT;
        return r;
      }
      int err = 0;
      child = w.lookup_child(w.cur(), w.last(), err);
      if (err == -ENAMETOOLONG) {
        r.err = err;
        return r;
      }
      if (child == kNoIno) {  // a negative dentry: ->create() (shmem_create, ext4_create, ...)
        r.made = c.copy();
        Ino ino = tree::alloc_node(r.made, NodeType::kReg, 0);
        if (ino == kNoIno) {
          r.err = -ENOSPC;
          return r;
        }
        tree::add_entry(r.made, w.cur(), intern(w.last()), ino);
        r.ino = ino;
        r.created = true;
        return r;
      }
    }
    bool more = false;
    std::string_view body;
    if (r.err = w.step_into(child, w.flags() & kLookupFollow, body, more); r.err) return r;
    if (!more) {
      r.ino = w.cur();
      return r;
    }
    if (r.err = w.pause_at_body(body); r.err) return r;
    s = body;
  }
}

// do_open(): the checks after the walk, then may_open() and vfs_open().
void do_open(const StepContext& c, const OpenFlags& f, const Walker& w, const Reached& r) {
  const State& base = r.created ? r.made : c.s;
  const Node& node = base.nodes[r.ino];
  auto fail = [&](int err) { add_outcome(c, err, c.copy()); };
  if (f.flags & O_CREAT) {
    if ((f.flags & O_EXCL) && !r.created) return fail(-EEXIST);
    if (node.type == NodeType::kDir) return fail(-EISDIR);
  }
  if ((w.flags() & kLookupDirectory) && node.type != NodeType::kDir) return fail(-ENOTDIR);
  uint32_t acc = r.created ? 0 : f.acc_mode;
  switch (node.type) {  // may_open()
    case NodeType::kSymlink: return fail(-ELOOP);
    case NodeType::kDir:
      if (acc & kMayWrite) return fail(-EISDIR);
      break;
    default: break;
  }
  Access access = access_of(f.flags);
  bool nonblock = f.flags & O_NONBLOCK;
  open_object(c, base, r.ino, access, nonblock);
  // An inline io_uring open (IO_URING_F_NONBLOCK) adds O_NONBLOCK for its first try, and
  // a try that returns -EAGAIN goes to an io-wq worker without it (io_openat2()). Whether
  // the first try ran inline (and whether a linked op before it ran in a worker) is not
  // the model's to know: a FIFO open through io_uring may act either way.
  bool forced_async = f.flags & (O_TRUNC | O_CREAT | kTmpfileBit);  // io_openat_force_async()
  if (c.op.issue.via == Via::kUring && !forced_async && !nonblock) open_object(c, base, r.ino, access, true);
}

// Adds the -EAGAIN that RESOLVE_CACHED and scoped ".." allow beside the walk's own
// outcome. The seqcounts behind both (mount_lock, rename_lock) are system-wide: a mount or
// a rename anywhere on the machine, not only in the program, can fail the check, so this
// holds in Mode::kSequential too.
void add_walk_eagain(const StepContext& c, const CachedTrace& t, bool cached) {
  if (cached && t.must_eagain) {
    recycle_outcomes(c.out);
    c.unchanged(-EAGAIN);
    if (t.unkept_negative && c.concurrent()) c.also_unchanged(-ENOENT);
    return;
  }
  // handle_dots(): a scoped ".." is -EAGAIN when rename_lock or mount_lock moved.
  if ((cached && (t.may_eagain || t.completed)) || t.scoped_dotdot) c.also_unchanged(-EAGAIN);
}

}  // namespace

Access open_access(const Op& op) { return access_of(op.flags); }

// path_init() as a step of its own: the walk reads its dirfd (fdget_raw()) when it starts
// and holds that file to its end, so another thread's close of the fd later does not
// reach it. The walk goes on from a cursor at the start (step_open() resumes it).
void step_open_start(const StepContext& c) {
  OpenFlags f;
  if (int err = build_open_flags(c.op, f); err) return c.unchanged(err);
  Walker w(c.s, c.profile(), f.lookup);
  if (int err = w.init(c.op.path, start_of(c.s, c.op)); err) return c.unchanged(err);
  State next = c.copy();
  tree::set_cursor(next, w.cursor_here(c.key, 0, c.op.path));
  c.out.push_back({kWalked, std::move(next)});
}

void step_open(const StepContext& c) {
  OpenFlags f;
  if (int err = build_open_flags(c.op, f); err) return c.unchanged(err);
  Walker w(c.s, c.profile(), f.lookup);
  const WalkCursor* at = c.walk_cursor();
  if (c.key != StepContext::kNoKey) w.pause_at_links();
  auto lookup = [&] { return at ? w.lookup_from(*at) : w.lookup(c.op.path, start_of(c.s, c.op)); };
  const bool cached = f.lookup & kLookupCached;
  if (f.flags & kTmpfileBit) {  // do_tmpfile()
    if (int err = lookup(); err == Walker::kPaused) {
      return c.paused(w);
    } else if (err) {
      c.unchanged(err);
    } else if (!supports_tmpfile(c.profile())) {
      c.unchanged(-EOPNOTSUPP);
    } else if (int dead = tmpfile_in_dead_dir_errno(c.profile()); dead && tree::is_dead_dir(c.s, w.cur())) {
      c.unchanged(dead);
    } else {
      State made = c.copy();
      Ino ino = tree::alloc_node(made, NodeType::kReg, 0);  // nlink 0: no name
      c.reached = ino;
      if (ino == kNoIno) c.unchanged(-ENOSPC);
      else c.changed(0, place_file(std::move(made), c.op, {ino, access_of(f.flags)}));
    }
    return add_walk_eagain(c, w.trace(), cached);
  }
  if (f.flags & O_PATH) {  // do_o_path(): path_lookupat(), no ->open()
    if (int err = lookup(); err == Walker::kPaused) {
      return c.paused(w);
    } else if (err) {
      c.unchanged(err);
    } else {
      c.reached = w.cur();
      c.changed(0, place_file(c.copy(), c.op, {w.cur(), Access::kPath}));
    }
    return add_walk_eagain(c, w.trace(), cached);
  }
  Reached r = walk_open(c, f, w, at);
  if (r.err == Walker::kPaused) return c.paused(w);
  if (r.err) {
    c.unchanged(r.err);
  } else {
    w.trace().completed = true;  // do_open() starts with complete_walk()
    c.reached = r.ino;
    do_open(c, f, w, r);
    if (r.created) recycle_state(std::move(r.made));
  }
  add_walk_eagain(c, w.trace(), cached);
}

}  // namespace nfz::model
