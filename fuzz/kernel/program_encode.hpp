// Program -> fuzz input bytes, the inverse of core/decode.hpp: the structure-aware mutator
// edits a decoded Program and writes it back as bytes libFuzzer keeps. For every input x,
// decode(encode(decode(x))) == decode(x); a Program the decoder cannot make (a path or a
// mode outside the alphabet) is written as the nearest one it can.
#pragma once

#include <cstdint>
#include <vector>

#include "core/program.hpp"

namespace nfz::fuzz {

std::vector<uint8_t> encode_program(const Program& program);

// Whether the decoder can make `program` exactly (encode_program then round-trips it).
bool encodable(const Program& program);

}  // namespace nfz::fuzz
