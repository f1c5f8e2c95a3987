// Fuzz input bytes -> Program. Every byte string decodes to a valid Program (no input is
// rejected), and a short input gives a short program: each op consumes at least two bytes.
#pragma once

#include <cstdint>
#include <span>

#include "core/program.hpp"

namespace nfz {

inline constexpr size_t kMaxDecodedOps = 256;
inline constexpr int kMaxDecodedThreads = 4;

Program decode_program(std::span<const uint8_t> data);

}  // namespace nfz
