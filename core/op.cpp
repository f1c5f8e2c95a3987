#include "core/op.hpp"
#include "core/program.hpp"

#include <string>

namespace nfz {

std::string_view op_name(const Op& op) {
  switch (op.kind) {
    case OpKind::kOpen: return op.openat2 ? "openat2" : op.dirfd != kNoSlot ? "openat" : "open";
    case OpKind::kClose: return "close";
    case OpKind::kMkdir: return "mkdir";
    case OpKind::kRmdir: return "rmdir";
    case OpKind::kUnlink: return "unlink";
    case OpKind::kRename: return op.flags ? "renameat2" : "rename";
    case OpKind::kSymlink: return "symlink";
    case OpKind::kLink: return "link";
    case OpKind::kMknod: return "mknod";
    case OpKind::kStatx: return "statx";
    case OpKind::kDropCaches: return "drop_caches";
    case OpKind::kRevalidate: return "revalidate";
    case OpKind::kSleep: return "usleep";
  }
  return "?";
}

bool is_harness_action(OpKind kind) {
  return kind == OpKind::kDropCaches || kind == OpKind::kRevalidate || kind == OpKind::kSleep;
}

bool has_second_path(OpKind kind) {
  return kind == OpKind::kRename || kind == OpKind::kSymlink || kind == OpKind::kLink;
}

bool has_path(OpKind kind) {
  return kind != OpKind::kClose && !is_harness_action(kind);
}

namespace {

bool slot_ok(int8_t slot, bool optional) {
  return (optional && slot == kNoSlot) || (slot >= 0 && slot < kSlotCount);
}

std::string validate_path(const std::string& path) {
  if (path.size() >= kMaxPathLength) return "path longer than 4095 bytes";
  if (path.find('\0') != std::string::npos) return "path contains a NUL byte";
  return {};
}

std::string validate_issue(const Op& op) {
  if (is_harness_action(op.kind))
    return op.issue == Issue{} ? "" : "a harness action has no issue mode";
  if (op.issue.via == Via::kSyscall && (op.issue.link || op.issue.fixed))
    return "link and fixed need io_uring";
  if (op.issue.fixed && op.kind != OpKind::kOpen && op.kind != OpKind::kClose)
    return "only open and close use fixed-file slots";
  if (op.issue.fixed && op.kind == OpKind::kOpen && op.fd == kNoSlot)
    return "a fixed open needs an fd register (fN = ...)";
  if (op.kind == OpKind::kMknod && op.issue.via != Via::kSyscall)
    return "io_uring has no mknod: mknod is a syscall";
  return {};
}

std::string validate_fields(const Op& op) {
  switch (op.kind) {
    case OpKind::kOpen:
      if (op.flags & ~kOpenFlagMask) return "unknown open flag bits";
      if ((op.flags & O_ACCMODE) == O_ACCMODE) return "access mode 3 is not an open mode";
      if (op.resolve & ~kResolveMask) return "unknown RESOLVE_ bits";
      if (op.resolve && !op.openat2) return "RESOLVE_ flags need openat2";
      if (op.mode & ~kPermMask) return "mode has bits beyond 07777";
      if (!slot_ok(op.dirfd, true) || !slot_ok(op.fd, true)) return "fd register out of range";
      return {};
    case OpKind::kClose:
      return slot_ok(op.fd, false) ? "" : "fd register out of range";
    case OpKind::kMkdir:
      return op.mode & ~kPermMask ? "mode has bits beyond 07777" : "";
    case OpKind::kRename:
      return op.flags & ~kRenameMask ? "unknown RENAME_ bits" : "";
    case OpKind::kMknod: {
      uint32_t type = op.mode & S_IFMT;
      if (type != S_IFREG && type != S_IFIFO && type != S_IFCHR)
        return "mknod needs S_IFREG, S_IFIFO or S_IFCHR";
      if (op.mode & ~(kPermMask | S_IFMT)) return "mode has unknown bits";
      if (type != S_IFCHR && (op.major || op.minor)) return "only S_IFCHR has a device number";
      if (op.major >= 4096 || op.minor >= (1u << 20)) return "device number out of range";
      return {};
    }
    case OpKind::kStatx:
      return op.flags & ~kStatxMask ? "unknown statx flag bits" : "";
    case OpKind::kDropCaches:
      return op.arg >= 1 && op.arg <= 3 ? "" : "drop_caches takes 1, 2 or 3";
    case OpKind::kSleep:
      return op.arg <= kMaxSleepMicros ? "" : "usleep longer than 10 s";
    default:
      return {};
  }
}

// Fields a kind does not use must stay zero, so that equal ops compare equal.
bool unused_fields_clear(const Op& op) {
  bool open = op.kind == OpKind::kOpen;
  bool uses_flags = open || op.kind == OpKind::kRename || op.kind == OpKind::kStatx;
  bool uses_mode = open || op.kind == OpKind::kMkdir || op.kind == OpKind::kMknod;
  bool uses_arg = op.kind == OpKind::kDropCaches || op.kind == OpKind::kSleep;
  return (open || !op.openat2) && (open || op.dirfd == kNoSlot) &&
         (open || op.kind == OpKind::kClose || op.fd == kNoSlot) && (uses_flags || !op.flags) &&
         (open || !op.resolve) && (uses_mode || !op.mode) &&
         (op.kind == OpKind::kMknod || (!op.major && !op.minor)) && (uses_arg || !op.arg) &&
         (has_path(op.kind) || op.path.empty()) && (has_second_path(op.kind) || op.path2.empty());
}

}  // namespace

std::string validate_op(const Op& op) {
  if (static_cast<int>(op.kind) >= kOpKindCount) return "unknown op kind";
  if (auto e = validate_issue(op); !e.empty()) return e;
  if (auto e = validate_path(op.path); !e.empty()) return e;
  if (auto e = validate_path(op.path2); !e.empty()) return e;
  if (!unused_fields_clear(op)) return "field set that this op does not use";
  return validate_fields(op);
}

std::string validate_fault(const FuseFault& f) {
  if (static_cast<int>(f.op) >= kFuseOpCount - 1) return "unknown FUSE request type";
  if (f.kind == FuseFault::Kind::kLatency) {
    if (f.error || f.permille) return "a latency fault has no errno";
    if (f.min_us > f.max_us) return "latency minimum above its maximum";
    if (f.max_us > kMaxFaultLatencyUs) return "latency longer than 10 s";
    return {};
  }
  if (f.min_us || f.max_us) return "an error fault has no latency";
  if (f.error <= 0 || f.error >= 4096) return "errno out of range";
  if (f.permille > 1000) return "more than 1000 per mille";
  return {};
}

}  // namespace nfz
