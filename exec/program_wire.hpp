// A Program as bytes, for a served child (exec/program_server.hpp): written by the parent
// into memory both share, read by the child into a Program it reuses, so that a run's
// request costs a copy and no parsing.
#pragma once

#include <cstddef>
#include <span>

#include "core/program.hpp"

namespace nfz {

// Writes `program` at the start of `out`; returns the bytes written, 0 when it does not fit.
size_t encode_program(const Program& program, std::span<std::byte> out);
// Reads a program encode_program() wrote into `program` (reusing its storage); returns the
// bytes read, 0 when `in` holds no whole program.
size_t decode_program(std::span<const std::byte> in, Program& program);

}  // namespace nfz
