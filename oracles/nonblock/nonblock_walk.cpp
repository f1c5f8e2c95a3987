// nonblock.walk. With LOOKUP_CACHED every attempt to leave RCU mode (try_to_unlazy(),
// legitimize_links()) fails with -EAGAIN, so openat2(RESOLVE_CACHED) may answer only:
// success; -EAGAIN; -ENOENT from a cached negative dentry; errors decided before the walk
// (build_open_flags(), getname(): EINVAL, ENAMETOOLONG, EBADF, EMFILE/ENFILE) or without
// leaving RCU (ENOTDIR, ELOOP, EXDEV, EACCES/EPERM from may_lookup() under MAY_NOT_BLOCK)
// or after the walk by do_open()/may_open() (EISDIR, EEXIST, ENXIO, ENODEV, EROFS,
// ETXTBSY, EOPNOTSUPP). An errno only a filesystem's ->lookup, ->d_revalidate or IO can
// produce (EIO, ESTALE, ENOMEM, EINTR, ...) means the walk left RCU mode.
//
// The walk must not reach the filesystem either: the FUSE observer must not see a LOOKUP
// or READLINK from the caller's thread while the open runs. GETATTR is not counted: after
// the walk, may_open() may legitimately refresh attributes in blocking mode.
// And it must not sleep in the walk: a sleep sample on the caller's thread during the
// open whose stack is in the walk (not below do_open()) is a violation.
#include <algorithm>
#include <cerrno>

#include "core/flags.hpp"
#include "oracles/nonblock/nonblock.hpp"
#include "oracles/nonblock/windows.hpp"

namespace nfz::oracles {
namespace {

constexpr int kWalkDecidable[] = {EAGAIN, ENOENT, EINVAL, ENAMETOOLONG, EBADF, EMFILE, ENFILE, ENOTDIR,
                                  ELOOP, EXDEV, EACCES, EPERM, EISDIR, EEXIST, ENXIO, ENODEV, EROFS,
                                  ETXTBSY, EOPNOTSUPP};

bool walk_decidable(int32_t result) {
  return result >= 0 || std::find(std::begin(kWalkDecidable), std::end(kWalkDecidable), -result) !=
                            std::end(kWalkDecidable);
}

bool is_cached_open(const Op& op) { return op.kind == OpKind::kOpen && (op.resolve & RESOLVE_CACHED); }

// A sleep whose stack is in the path walk, not in the open that follows it.
bool slept_in_walk(const SleepSample& s) {
  for (const auto& f : s.frames) {
    if (f.starts_with("do_open") || f.starts_with("vfs_open") || f.starts_with("do_dentry_open")) return false;
    if (f.starts_with("link_path_walk") || f.starts_with("walk_component") || f.starts_with("lookup_slow") ||
        f.starts_with("__lookup_slow") || f.starts_with("open_last_lookups") || f.starts_with("lookup_open") ||
        f.starts_with("d_alloc_parallel") || f.starts_with("path_init"))
      return true;
  }
  return false;
}

// A linked request whose predecessor failed is cancelled before it runs (io_uring's
// chain break: -ECANCELED): it made no walk to judge.
bool cancelled_by_chain(const History& h, const Event& e) {
  return e.result == -ECANCELED && e.index > 0 &&
         h.ops[e.thread + 1][e.index - 1].issue.link;
}

// The harness interrupted the op at its deadline: a FIFO open waits for a peer after the
// walk (fifo_open()), and the signal or cancel that ends it answers -EINTR, -ECANCELED or
// io-wq's raw -ERESTARTSYS. Not the walk's answer either.
bool interrupted_at_deadline(const Event& e, int64_t deadline_ns) {
  constexpr int kErestartSys = 512;  // include/linux/errno.h
  bool interrupt_errno = e.result == -EINTR || e.result == -ECANCELED || e.result == -kErestartSys;
  return interrupt_errno && deadline_ns > 0 && e.return_ns - e.call_ns >= deadline_ns;
}

}  // namespace

NonblockResult check_nonblock_walk(const NonblockInputs& in) {
  NonblockResult result;
  const History& h = in.history;
  for (const Event& e : h.events) {
    const Op& op = h.op_of(e);
    if (!is_cached_open(op) || !e.returned() || cancelled_by_chain(h, e) ||
        interrupted_at_deadline(e, in.deadline_ns))
      continue;
    ++result.checks;
    std::string what = "openat2(RESOLVE_CACHED)";
    if (!walk_decidable(e.result))
      result.violations.push_back({"nonblock.walk: " + what + " returned " + errno_name(-e.result),
                                   print_op(op) + " = " + errno_name(-e.result) + ": only a filesystem can say that"});
    // An IOSQE_ASYNC request runs on an io-wq worker whose id the history does not hold.
    int32_t tid = op.issue.via == Via::kUringAsync ? 0 : h.tid_of(e);
    if (tid == 0) continue;
    for (const FuseRequest* r : fuse_requests_during(in.fuse, tid, e.call_ns, e.return_ns)) {
      if (r->op != FuseOp::kLookup && r->op != FuseOp::kReadlink) continue;
      result.violations.push_back({"nonblock.walk: " + what + " sent FUSE " + std::string(fuse_op_name(r->op)),
                                   print_op(op) + ": " + std::string(fuse_op_name(r->op)) + " \"" + r->name +
                                       "\" came from the caller's thread during the walk"});
    }
    for (const SleepSample* s : sleeps_during(in.sleeps, tid, e.call_ns, e.return_ns)) {
      if (!slept_in_walk(*s)) continue;
      std::string cls(sleep_class_name(classify_sleep(*s)));
      result.violations.push_back({"nonblock.walk: " + what + " slept in the walk (" + cls + ")",
                                   print_op(op) + ": slept in " + stack_summary(*s)});
    }
    if (e.nvcsw > 0 && !in.sleeps) ++result.unattributed;
  }
  return result;
}

}  // namespace nfz::oracles
