#include "core/fuse_trace.hpp"

namespace nfz {

namespace {
constexpr std::string_view kNames[kFuseOpCount] = {
    "LOOKUP", "FORGET", "GETATTR", "SETATTR", "READLINK", "SYMLINK", "MKNOD", "MKDIR",
    "UNLINK", "RMDIR", "RENAME", "LINK", "OPEN", "RELEASE", "CREATE", "OPENDIR",
    "READDIR", "RELEASEDIR", "STATFS", "ACCESS", "FLUSH", "READ", "WRITE", "OTHER"};
}  // namespace

std::string_view fuse_op_name(FuseOp op) { return kNames[static_cast<int>(op)]; }

FuseOp fuse_op_by_name(std::string_view name) {
  for (int i = 0; i < kFuseOpCount - 1; ++i)
    if (kNames[i] == name) return static_cast<FuseOp>(i);
  return FuseOp::kOther;
}

}  // namespace nfz
