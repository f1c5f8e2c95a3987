// The op language: one operation a Program runs (docs/FORMAT.md).
//
// Flag fields hold the kernel's own values (O_*, RESOLVE_*, RENAME_*, AT_*), so the
// executors pass them through unchanged; the sets below say which bits an Op may carry.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>

namespace nfz {

enum class OpKind : uint8_t {
  kOpen,        // openat(dirfd, path, flags, mode), or openat2 when `openat2` is set
  kClose,
  kMkdir,
  kRmdir,
  kUnlink,
  kRename,      // renameat2(path, path2, flags)
  kSymlink,     // symlink(path /* target */, path2 /* link name */)
  kLink,        // link(path, path2)
  kMknod,       // mode carries S_IFREG / S_IFIFO / S_IFCHR
  kStatx,
  // Harness actions: not syscalls of the program, run by the harness between ops.
  kDropCaches,  // echo `arg` > /proc/sys/vm/drop_caches
  kRevalidate,  // FUSE observer: invalidate every entry it handed out
  kSleep,       // usleep(arg)
};
inline constexpr int kOpKindCount = static_cast<int>(OpKind::kSleep) + 1;

// How an op reaches the kernel. `link` chains it to the thread's next op (IOSQE_IO_LINK);
// `fixed` puts an opened file in (or closes it from) a fixed-file slot.
enum class Via : uint8_t { kSyscall, kUring, kUringAsync };

struct Issue {
  Via via = Via::kSyscall;
  bool link = false;
  bool fixed = false;
  bool operator==(const Issue&) const = default;
};

// Open flags an Op may carry. O_TMPFILE contains O_DIRECTORY (__O_TMPFILE | O_DIRECTORY).
inline constexpr uint32_t kOpenFlagMask = O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_DIRECTORY |
                                          O_NOFOLLOW | O_PATH | O_TMPFILE | O_NONBLOCK;
inline constexpr uint32_t kResolveMask = RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS |
                                         RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_IN_ROOT |
                                         RESOLVE_CACHED;
inline constexpr uint32_t kRenameNoreplace = 1u << 0;  // RENAME_NOREPLACE, <linux/fs.h>
inline constexpr uint32_t kRenameExchange = 1u << 1;   // RENAME_EXCHANGE
inline constexpr uint32_t kRenameWhiteout = 1u << 2;   // RENAME_WHITEOUT
inline constexpr uint32_t kRenameMask = kRenameNoreplace | kRenameExchange | kRenameWhiteout;
inline constexpr uint32_t kStatxMask = AT_SYMLINK_NOFOLLOW;
inline constexpr uint32_t kPermMask = 07777;

// fd registers f0..f15, shared by the program's threads (a close may race an open).
inline constexpr int kSlotCount = 16;
inline constexpr int8_t kNoSlot = -1;  // dirfd: AT_FDCWD; out: result not kept

inline constexpr size_t kMaxPathLength = 4096;  // PATH_MAX, counting the NUL
inline constexpr uint32_t kMaxSleepMicros = 10'000'000;

struct Op {
  OpKind kind = OpKind::kOpen;
  Issue issue;
  bool openat2 = false;    // kOpen: issued as openat2 with `resolve`
  int8_t dirfd = kNoSlot;  // kOpen: the register the path is relative to
  int8_t fd = kNoSlot;     // kOpen: register receiving the fd; kClose: register closed
  uint32_t flags = 0;      // O_* / RENAME_* / AT_* by kind
  uint32_t resolve = 0;    // RESOLVE_*
  uint32_t mode = 0;       // permission bits; kMknod also S_IFMT
  uint32_t major = 0, minor = 0;  // kMknod of a device
  uint32_t arg = 0;        // kDropCaches level, kSleep microseconds
  std::string path;
  std::string path2;

  bool operator==(const Op&) const = default;
};

// Whether open flags make a file: O_CREAT, or all bits of O_TMPFILE (which contains
// O_DIRECTORY, so testing any of its bits would take every O_DIRECTORY open for one).
constexpr bool creates_file(uint32_t flags) {
  return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

// The syscall-like name an op prints as ("open", "openat2", "renameat2", ...).
std::string_view op_name(const Op& op);

bool is_harness_action(OpKind kind);
// Whether the kind has a second path (rename, link, symlink).
bool has_second_path(OpKind kind);
bool has_path(OpKind kind);

// Why `op` is not a valid op of the language, or empty if it is. Parser, decoder and
// history reader all accept exactly the ops this accepts.
std::string validate_op(const Op& op);

}  // namespace nfz
