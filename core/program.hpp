// A Program: a setup prefix run alone, then N threads of ops run concurrently (DESIGN §3).
#pragma once

#include <cstddef>
#include <vector>

#include "core/op.hpp"

namespace nfz {

inline constexpr int kMaxThreads = 64;
inline constexpr size_t kMaxOpsPerProgram = 1'000'000;

struct Program {
  std::vector<Op> setup;
  std::vector<std::vector<Op>> threads;

  bool operator==(const Program&) const = default;
  size_t op_count() const {
    size_t n = setup.size();
    for (const auto& t : threads) n += t.size();
    return n;
  }
};

}  // namespace nfz
