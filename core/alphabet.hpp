// The small alphabet paths are built from, so that generated ops collide on names often.
// The decoder and the rapidcheck generators draw from the same lists.
#pragma once

#include <array>
#include <cerrno>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/fuse_trace.hpp"
#include "core/op.hpp"

namespace nfz {

inline constexpr std::array<std::string_view, 6> kComponents = {"a", "b", "c", "d", ".", ".."};
// NAME_MAX is 255: this component is one byte over it (ENAMETOOLONG).
inline const std::string kLongComponent(256, 'x');

inline constexpr std::array<uint32_t, 8> kOpenFlagBits = {
    O_CREAT, O_EXCL, O_TRUNC, O_DIRECTORY, O_NOFOLLOW, O_PATH, O_TMPFILE, O_NONBLOCK};
inline constexpr std::array<uint32_t, 4> kModes = {0644, 0755, 0, 0600};
inline constexpr std::array<uint32_t, 3> kNodeTypes = {S_IFREG, S_IFIFO, S_IFCHR};
// mknod S_IFCHR always makes 1:3, /dev/null: harmless to open, read and write.
inline constexpr uint32_t kCharMajor = 1, kCharMinor = 3;

// FUSE faults (core/program.hpp): the request types they hit, the errnos they answer, and
// the decoder's latency grid.
inline constexpr std::array<FuseOp, 7> kFaultOps = {FuseOp::kLookup, FuseOp::kCreate, FuseOp::kOpen, FuseOp::kGetattr,
                                                    FuseOp::kMkdir, FuseOp::kRename, FuseOp::kUnlink};
inline constexpr std::array<int32_t, 4> kFaultErrors = {EIO, ESTALE, ENOENT, EINTR};
inline constexpr uint32_t kFaultMinStepUs = 4, kFaultSpanStepUs = 20;

}  // namespace nfz
