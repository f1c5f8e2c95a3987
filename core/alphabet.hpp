// The small alphabet paths are built from, so that generated ops collide on names often.
// The decoder and the rapidcheck generators draw from the same lists.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

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

}  // namespace nfz
