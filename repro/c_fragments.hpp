// The C reproducer's fixed parts (repro/c/*.c), embedded at configure time.
#pragma once

#include <string_view>

namespace nfz::repro {

// The text of repro/c/<name>.c; empty for an unknown name (a harness bug).
std::string_view c_fragment(std::string_view name);

}  // namespace nfz::repro
