// What the FUSE observer filesystem saw: every request the kernel sent it, with the
// requesting thread and the times it was received and answered (docs/TARGETS.md, docs/ORACLES.md). The
// lookup oracles (oracles/fuse) read it; the observer (exec/fuse) writes it.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nfz {

enum class FuseOp : uint8_t {
  kLookup, kForget, kGetattr, kSetattr, kReadlink, kSymlink, kMknod, kMkdir, kUnlink,
  kRmdir, kRename, kLink, kOpen, kRelease, kCreate, kOpendir, kReaddir, kReleasedir,
  kStatfs, kAccess, kFlush, kRead, kWrite, kOther,
};
inline constexpr int kFuseOpCount = static_cast<int>(FuseOp::kOther) + 1;

inline constexpr uint64_t kFuseRootId = 1;  // FUSE_ROOT_ID

struct FuseRequest {
  FuseOp op = FuseOp::kOther;
  uint64_t parent = 0;   // directory node of `name` (LOOKUP, CREATE, ..., RENAME's source)
  std::string name;
  uint64_t parent2 = 0;  // RENAME's and LINK's destination directory
  std::string name2;
  uint64_t node = 0;     // the node a request acted on, or the node an entry reply gave
  uint64_t nlookup = 0;  // FORGET: how many lookups the kernel drops
  int32_t error = 0;     // 0, or the errno the observer answered
  bool held = false;     // CREATE/MKNOD/MKDIR/SYMLINK: the name existed when it arrived
  int32_t tid = 0;       // the requesting thread (fuse_req_ctx()->pid is the task's pid)
  int64_t recv_ns = 0;   // CLOCK_MONOTONIC when the observer read it
  int64_t reply_ns = 0;  // when it answered (FORGET: = recv_ns, it gets no reply)

  bool overlaps(const FuseRequest& o) const { return recv_ns < o.reply_ns && o.recv_ns < reply_ns; }
};

// How the observer answered LOOKUPs: with infinite timeouts every LOOKUP is a first
// lookup under d_alloc_parallel(); with zero timeouts most are revalidations.
enum class FuseCaching : uint8_t { kStrict, kChurn };

struct FuseTrace {
  FuseCaching caching = FuseCaching::kStrict;
  std::vector<FuseRequest> requests;  // in the order the observer finished them
};

std::string_view fuse_op_name(FuseOp op);
// "LOOKUP" -> FuseOp::kLookup; kOther for an unknown name.
FuseOp fuse_op_by_name(std::string_view name);

// A trace as JSON lines (docs/FORMAT.md, "FUSE trace"): a header line with the caching
// mode, then one line per request. A finding of a FUSE oracle carries its trace so.
void write_fuse_trace(std::ostream& out, const FuseTrace& trace);
// The reverse; none when `text` is not such a trace.
std::optional<FuseTrace> read_fuse_trace(std::string_view text);

}  // namespace nfz
