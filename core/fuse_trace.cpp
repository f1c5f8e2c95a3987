#include "core/fuse_trace.hpp"

namespace nfz {

std::string_view fuse_op_name(FuseOp op) {
  static constexpr std::string_view kNames[kFuseOpCount] = {
      "LOOKUP", "FORGET", "GETATTR", "SETATTR", "READLINK", "SYMLINK", "MKNOD", "MKDIR",
      "UNLINK", "RMDIR", "RENAME", "LINK", "OPEN", "RELEASE", "CREATE", "OPENDIR",
      "READDIR", "RELEASEDIR", "STATFS", "ACCESS", "FLUSH", "READ", "WRITE", "OTHER"};
  return kNames[static_cast<int>(op)];
}

}  // namespace nfz
