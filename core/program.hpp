// A Program: a setup prefix run alone, then N threads of ops run concurrently (docs/FORMAT.md).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/fuse_trace.hpp"
#include "core/op.hpp"

namespace nfz {

inline constexpr int kMaxThreads = 64;
inline constexpr size_t kMaxOpsPerProgram = 1'000'000;

// A fault the FUSE observer injects into every request of one type (docs/TARGETS.md); part of
// the reproducer so that a finding on the observer replays with the same faults. Which
// requests get an error, and how much latency each gets, is decided from the request's
// type, name and occurrence, not from timing (exec/fuse/observer_fs.cpp).
struct FuseFault {
  enum class Kind : uint8_t { kLatency, kError };
  Kind kind = Kind::kLatency;
  FuseOp op = FuseOp::kLookup;
  uint32_t min_us = 0, max_us = 0;  // kLatency: uniform in [min_us, max_us]
  int32_t error = 0;                // kError: the errno answered
  uint32_t permille = 0;            // kError: of the requests of that type

  bool operator==(const FuseFault&) const = default;
};
inline constexpr uint32_t kMaxFaultLatencyUs = 10'000'000;

// Why `fault` is not valid, or "".
std::string validate_fault(const FuseFault& fault);

struct Program {
  std::vector<FuseFault> faults;  // only the FUSE observer applies them
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
