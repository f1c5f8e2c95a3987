// The shared libraries an ELF executable loads, with its program interpreter, as the host's
// ldd resolves them: the guest gets the same files at the same paths.
#pragma once

#include <string>
#include <vector>

namespace nfz::vm {

// Absolute host paths; empty for a static executable. Returns why not in `why` (ldd
// missing, a library not found).
std::vector<std::string> shared_libraries(const std::string& executable, std::string& why);

// Parses ldd's output (exposed for the tests): "\tlibx.so.1 => /lib/libx.so.1 (0x...)",
// "\t/lib64/ld-linux-x86-64.so.2 (0x...)"; "libx.so.1 => not found" sets `why`.
std::vector<std::string> parse_ldd(const std::string& output, std::string& why);

}  // namespace nfz::vm
