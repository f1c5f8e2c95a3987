// The observer's libfuse low-level callbacks. Each one: record arrival (Recorder), answer
// an injected fault if the plan says so, otherwise act on the namespace and answer; the
// trace entry is appended under the state's lock just before the answer is written, so
// that a reply is always in the trace before the kernel can act on it (a FORGET of a
// node can only follow the entry reply that handed it out).
#include <cerrno>
#include <cstring>
#include <mutex>
#include <sys/statvfs.h>
#include <vector>

#include "exec/fuse/observer_state.hpp"

namespace nfz::fuse {
namespace {

State& state_of(fuse_req_t req) { return *static_cast<State*>(fuse_req_userdata(req)); }

void reply_error(Recorder& r, fuse_req_t req, int err) {
  {
    std::lock_guard lock(r.state().mu);
    r.record(err);
  }
  fuse_reply_err(req, err);
}

// Fills an entry reply for `n` and counts the lookup the kernel will hold (the caller
// holds mu). A null `n` is a negative entry, cached by the kernel for the entry timeout.
fuse_entry_param entry_for(State& s, Node* n, Recorder& r) {
  fuse_entry_param e{};
  e.entry_timeout = e.attr_timeout = s.timeout();
  if (!n) return e;
  n->lookups++;
  e.ino = n->id;
  e.attr = s.ns.attr(*n);
  r.request().node = n->id;
  return e;
}

// Records `err` and answers with it, releasing the state's lock first.
void fail_locked(Recorder& r, std::unique_lock<std::mutex>& lock, fuse_req_t req, int err) {
  r.record(err);
  lock.unlock();
  fuse_reply_err(req, err);
}

// Answers with the entry `make(state, err)` returns, or with its errno.
template <typename Make>
void reply_entry_from(fuse_req_t req, Recorder& r, Make make) {
  if (r.injected()) return reply_error(r, req, r.injected());
  State& s = r.state();
  std::unique_lock lock(s.mu);
  int err = 0;
  Node* n = make(s, err);
  if (!n) return fail_locked(r, lock, req, err);
  fuse_entry_param e = entry_for(s, n, r);
  r.record(0);
  fuse_reply_entry(req, &e);
}

// Creates a node and answers with its entry; shared by MKNOD, MKDIR and SYMLINK, which
// record whether the name was held when they arrived (negative.fresh).
template <typename Make>
void reply_new_entry(fuse_req_t req, FuseOp op, fuse_ino_t parent, const char* name, Make make) {
  Recorder r(req, op, parent, name);
  reply_entry_from(req, r, [&](State& s, int& err) {
    r.request().held = s.ns.child(parent, name) != nullptr;
    return make(s.ns, err);
  });
}

// Answers with 0 or an errno after `act` (which returns one) ran under the lock.
template <typename Act>
void reply_status(fuse_req_t req, Recorder& r, Act act) {
  if (r.injected()) return reply_error(r, req, r.injected());
  int err;
  {
    std::lock_guard lock(r.state().mu);
    err = act(r.state().ns);
    r.record(err);
  }
  fuse_reply_err(req, err);
}

void op_lookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
  Recorder r(req, FuseOp::kLookup, parent, name);
  if (r.injected()) return reply_error(r, req, r.injected());
  State& s = r.state();
  std::lock_guard lock(s.mu);
  Node* n = s.ns.child(parent, name);
  fuse_entry_param e = entry_for(s, n, r);
  r.record(n ? 0 : ENOENT);
  fuse_reply_entry(req, &e);
}

void forget_one(State& s, fuse_req_t req, fuse_ino_t ino, uint64_t nlookup) {
  Recorder r(req, FuseOp::kForget, 0, nullptr);
  r.request().node = ino;
  r.request().nlookup = nlookup;
  std::lock_guard lock(s.mu);
  s.ns.forget(ino, nlookup);
  r.record(0);
}

void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup) {
  forget_one(state_of(req), req, ino, nlookup);
  fuse_reply_none(req);
}

void op_forget_multi(fuse_req_t req, size_t count, fuse_forget_data* forgets) {
  for (size_t i = 0; i < count; ++i) forget_one(state_of(req), req, forgets[i].ino, forgets[i].nlookup);
  fuse_reply_none(req);
}

void reply_attr_of(fuse_req_t req, Recorder& r, fuse_ino_t ino, struct stat* change, int to_set) {
  if (r.injected()) return reply_error(r, req, r.injected());
  State& s = r.state();
  std::unique_lock lock(s.mu);
  Node* n = s.ns.find(ino);
  if (!n) return fail_locked(r, lock, req, ENOENT);
  if (change && (to_set & FUSE_SET_ATTR_MODE)) n->mode = (n->mode & S_IFMT) | (change->st_mode & 07777);
  if (change && (to_set & FUSE_SET_ATTR_SIZE)) n->size = static_cast<uint64_t>(change->st_size);
  struct stat st = s.ns.attr(*n);
  r.request().node = ino;
  r.record(0);
  fuse_reply_attr(req, &st, s.timeout());
}

void op_getattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info*) {
  Recorder r(req, FuseOp::kGetattr, 0, nullptr);
  reply_attr_of(req, r, ino, nullptr, 0);
}

void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set, fuse_file_info*) {
  Recorder r(req, FuseOp::kSetattr, 0, nullptr);
  reply_attr_of(req, r, ino, attr, to_set);
}

void op_readlink(fuse_req_t req, fuse_ino_t ino) {
  Recorder r(req, FuseOp::kReadlink, 0, nullptr);
  if (r.injected()) return reply_error(r, req, r.injected());
  State& s = r.state();
  std::unique_lock lock(s.mu);
  Node* n = s.ns.find(ino);
  if (!n || !S_ISLNK(n->mode)) return fail_locked(r, lock, req, EINVAL);
  std::string target = n->symlink_target;
  r.record(0);
  fuse_reply_readlink(req, target.c_str());
}

void op_mknod(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, dev_t rdev) {
  reply_new_entry(req, FuseOp::kMknod, parent, name,
                  [&](ObserverNamespace& ns, int& err) { return ns.create(parent, name, mode, rdev, err); });
}

void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode) {
  reply_new_entry(req, FuseOp::kMkdir, parent, name, [&](ObserverNamespace& ns, int& err) {
    return ns.create(parent, name, S_IFDIR | (mode & 07777), 0, err);
  });
}

void op_symlink(fuse_req_t req, const char* target, fuse_ino_t parent, const char* name) {
  reply_new_entry(req, FuseOp::kSymlink, parent, name,
                  [&](ObserverNamespace& ns, int& err) { return ns.symlink(parent, name, target, err); });
}

void op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t parent, const char* name) {
  Recorder r(req, FuseOp::kLink, 0, nullptr);
  r.request().parent2 = parent;
  r.request().name2 = name;
  reply_entry_from(req, r, [&](State& s, int& err) { return s.ns.link(ino, parent, name, err); });
}

void op_unlink(fuse_req_t req, fuse_ino_t parent, const char* name) {
  Recorder r(req, FuseOp::kUnlink, parent, name);
  reply_status(req, r, [&](ObserverNamespace& ns) { return ns.unlink(parent, name); });
}

void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char* name) {
  Recorder r(req, FuseOp::kRmdir, parent, name);
  reply_status(req, r, [&](ObserverNamespace& ns) { return ns.rmdir(parent, name); });
}

void op_rename(fuse_req_t req, fuse_ino_t parent, const char* name, fuse_ino_t new_parent, const char* new_name,
               unsigned flags) {
  Recorder r(req, FuseOp::kRename, parent, name);
  r.request().parent2 = new_parent;
  r.request().name2 = new_name;
  reply_status(req, r, [&](ObserverNamespace& ns) { return ns.rename(parent, name, new_parent, new_name, flags); });
}

void op_open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  Recorder r(req, FuseOp::kOpen, 0, nullptr);
  r.request().node = ino;
  if (r.injected()) return reply_error(r, req, r.injected());
  {
    std::lock_guard lock(r.state().mu);
    r.record(0);
  }
  fuse_reply_open(req, fi);
}

void op_create(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, fuse_file_info* fi) {
  Recorder r(req, FuseOp::kCreate, parent, name);
  State& s = r.state();
  if (s.options.no_create) return reply_error(r, req, ENOSYS);  // the kernel sets fc->no_create
  if (r.injected()) return reply_error(r, req, r.injected());
  std::unique_lock lock(s.mu);
  Node* n = s.ns.child(parent, name);
  r.request().held = n != nullptr;
  int err = 0;
  if (n && (fi->flags & O_EXCL)) err = EEXIST;
  if (!n && !err) n = s.ns.create(parent, name, S_IFREG | (mode & 07777), 0, err);
  if (err) return fail_locked(r, lock, req, err);
  fuse_entry_param e = entry_for(s, n, r);
  r.record(0);
  fuse_reply_create(req, &e, fi);
}

void op_read(fuse_req_t req, fuse_ino_t, size_t, off_t, fuse_file_info*) { fuse_reply_buf(req, nullptr, 0); }
void op_write(fuse_req_t req, fuse_ino_t, const char*, size_t size, off_t, fuse_file_info*) {
  fuse_reply_write(req, size);
}
void op_flush(fuse_req_t req, fuse_ino_t, fuse_file_info*) { fuse_reply_err(req, 0); }

void op_release(fuse_req_t req, fuse_ino_t ino, fuse_file_info*) {
  Recorder r(req, FuseOp::kRelease, 0, nullptr);
  r.request().node = ino;
  {
    std::lock_guard lock(r.state().mu);
    r.record(0);
  }
  fuse_reply_err(req, 0);
}

void op_opendir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  Recorder r(req, FuseOp::kOpendir, 0, nullptr);
  r.request().node = ino;
  if (r.injected()) return reply_error(r, req, r.injected());
  {
    std::lock_guard lock(r.state().mu);
    r.record(0);
  }
  fuse_reply_open(req, fi);
}

// Lists "." and ".." only: no op of the language reads directories; the kernel opens
// them (O_DIRECTORY, dirfds) and that needs no listing.
void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info*) {
  std::vector<char> buf(size);
  size_t used = 0;
  const char* names[] = {".", ".."};
  for (off_t i = off; i < 2; ++i) {
    struct stat st {};
    st.st_ino = ino;
    st.st_mode = S_IFDIR;
    size_t len = fuse_add_direntry(req, buf.data() + used, size - used, names[i], &st, i + 1);
    if (len > size - used) break;
    used += len;
  }
  fuse_reply_buf(req, buf.data(), used);
}

void op_releasedir(fuse_req_t req, fuse_ino_t, fuse_file_info*) { fuse_reply_err(req, 0); }

void op_statfs(fuse_req_t req, fuse_ino_t) {
  struct statvfs st {};
  st.f_bsize = st.f_frsize = 4096;
  st.f_blocks = st.f_bfree = st.f_bavail = 1 << 20;
  st.f_files = st.f_ffree = 1 << 20;
  st.f_namemax = 255;
  fuse_reply_statfs(req, &st);
}

fuse_lowlevel_ops make_ops() {
  fuse_lowlevel_ops ops{};
  ops.lookup = op_lookup;
  ops.forget = op_forget;
  ops.forget_multi = op_forget_multi;
  ops.getattr = op_getattr;
  ops.setattr = op_setattr;
  ops.readlink = op_readlink;
  ops.mknod = op_mknod;
  ops.mkdir = op_mkdir;
  ops.symlink = op_symlink;
  ops.link = op_link;
  ops.unlink = op_unlink;
  ops.rmdir = op_rmdir;
  ops.rename = op_rename;
  ops.open = op_open;
  ops.create = op_create;
  ops.read = op_read;
  ops.write = op_write;
  ops.flush = op_flush;
  ops.release = op_release;
  ops.opendir = op_opendir;
  ops.readdir = op_readdir;
  ops.releasedir = op_releasedir;
  ops.statfs = op_statfs;
  return ops;
}

}  // namespace

const fuse_lowlevel_ops& observer_ops() {
  static const fuse_lowlevel_ops ops = make_ops();
  return ops;
}

}  // namespace nfz::fuse
