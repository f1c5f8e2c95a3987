// Reading an input file whole, with a size bound: the one place user files are read.
#pragma once

#include <string>

namespace nfz {

// Reads `path` into `out`. Returns why it could not (not a regular file, too large, an
// errno), or an empty string.
std::string read_small_file(const std::string& path, size_t max_bytes, std::string& out);

}  // namespace nfz
