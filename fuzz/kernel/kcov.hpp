// Kernel code coverage for fuzz_kernel, where the kernel has KCOV (/sys/kernel/debug/kcov).
// The kernel's coverage would be collected per worker thread of the sandbox child
// (KCOV_INIT_TRACE, mmap, KCOV_ENABLE on each worker; the PCs read after the run) and
// hashed into a region of libFuzzer's extra counters beside the outcome counters. Where
// KCOV is absent the feed is off and says why, once.
#pragma once

#include <string>

namespace nfz::fuzz {

struct KcovStatus {
  bool available = false;
  std::string text;  // "on" or "skipped: why"
};

// Looks for KCOV on this kernel (no side effect).
KcovStatus detect_kcov();

}  // namespace nfz::fuzz
