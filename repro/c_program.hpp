// A Program as C data for the reproducer's runtime (repro/c/runtime.c's `struct op`).
#pragma once

#include <string>
#include <string_view>

#include "core/program.hpp"

namespace nfz::repro {

// A C string literal for `s`: printable ASCII as is, other bytes as octal escapes (a
// hex escape would swallow a following hex digit).
std::string c_string(std::string_view s);

// The op lists (setup first, then each thread), `lists[]`, and the NLISTS / TOTAL_OPS /
// USES_URING defines the runtime reads.
std::string c_program_tables(const Program& program);

// The program as .nfz text under "// " prefixes, for the header comment.
std::string commented_program(const Program& program);

}  // namespace nfz::repro
