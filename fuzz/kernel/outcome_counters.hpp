// Feedback from the kernel for fuzz_kernel: what one run observed, as libFuzzer's extra
// counters (__libfuzzer_extra_counters), so that an input that makes the kernel answer
// differently is kept even when our own code ran the same way. Regions of the map:
//   op kind x errno x how it completed (syscall, inline, punted, unknown, hung)
//   openat2: RESOLVE bit x errno
//   ops of two threads that overlapped in time: kind x kind x (succeeded, succeeded)
//   FUSE requests the observer saw: type x answered with an error; two requests of
//     different threads in flight at once: type x type
//   oracle x verdict (checked, unknown, not judged, violated)
// Each counter is how often its feature happened in the run (saturating at 255), which
// libFuzzer buckets into hit-count classes.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <span>
#include <string>

#include "stress/program_judge.hpp"

namespace nfz::fuzz {

struct Region {
  std::string_view name;
  size_t offset, size;
};

inline constexpr size_t kErrnoClasses = 24;
inline constexpr size_t kCompletionKinds = 5;
inline constexpr size_t kResolveBitCount = 6;
inline constexpr size_t kMaxOracles = 16;
inline constexpr size_t kVerdictKinds = 4;

inline constexpr size_t kOpOutcomeSize = kOpKindCount * kErrnoClasses * kCompletionKinds;
inline constexpr size_t kResolveSize = kResolveBitCount * kErrnoClasses;
inline constexpr size_t kOverlapSize = kOpKindCount * kOpKindCount * 4;
inline constexpr size_t kFuseRequestSize = kFuseOpCount * 2;
inline constexpr size_t kFuseOverlapSize = kFuseOpCount * kFuseOpCount;
inline constexpr size_t kOracleSize = kMaxOracles * kVerdictKinds;
inline constexpr std::array<Region, 6> kRegions = {{
    {"op x errno x issue", 0, kOpOutcomeSize},
    {"resolve x errno", kOpOutcomeSize, kResolveSize},
    {"overlaps", kOpOutcomeSize + kResolveSize, kOverlapSize},
    {"fuse requests", kOpOutcomeSize + kResolveSize + kOverlapSize, kFuseRequestSize},
    {"fuse overlaps", kOpOutcomeSize + kResolveSize + kOverlapSize + kFuseRequestSize, kFuseOverlapSize},
    {"oracle verdicts", kOpOutcomeSize + kResolveSize + kOverlapSize + kFuseRequestSize + kFuseOverlapSize,
     kOracleSize},
}};
inline constexpr size_t kOutcomeCounters = kRegions.back().offset + kRegions.back().size;

// Index of an errno in the map (its own class for the common ones, one for the rest).
size_t errno_class(int32_t result);

// Sets `counters` (size kOutcomeCounters, zeroed by the caller) from one run.
void count_outcomes(const stress::JudgedRun& run, std::span<uint8_t> counters);

// Every feature seen so far in this process: the "distinct kernel outcomes" a run reports.
class OutcomeSet {
 public:
  // Adds the run's features; returns how many were new.
  size_t add(std::span<const uint8_t> counters);
  size_t size() const { return seen_.count(); }
  size_t size_of(const Region& r) const;
  std::string describe() const;  // "N (op x errno x issue A, overlaps B, ...)"

 private:
  std::bitset<kOutcomeCounters> seen_;
};

}  // namespace nfz::fuzz
