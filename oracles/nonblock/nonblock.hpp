// The NOBLOCK oracles (docs/ORACLES.md, "NOBLOCK oracles"); the invariant of the
// November 2020 mail: "LOOKUP_RCU does not guarantee that we're not going to do IO".
//   nonblock.walk    openat2(RESOLVE_CACHED) only answers what the RCU walk can decide,
//                    and its walk neither sleeps nor reaches the filesystem
//   nonblock.issue   an io_uring request issued inline never makes the submitter sleep
//   cached.complete  after a successful open on a quiescent target, the same open with
//                    RESOLVE_CACHED succeeds
#pragma once

#include <array>
#include <optional>
#include <vector>

#include "core/fuse_trace.hpp"
#include "core/history.hpp"
#include "core/sleep_trace.hpp"
#include "oracles/violation.hpp"

namespace nfz::oracles {

// What the nonblock oracles read besides the History: the FUSE observer's trace when the
// target is the observer, and the sleep samples when tracefs was available. Either may be
// null; what then could not be checked is counted in NonblockResult::unattributed.
struct NonblockInputs {
  const History& history;
  const FuseTrace* fuse = nullptr;
  const std::vector<SleepSample>* sleeps = nullptr;
  // The executor's per-op deadline: an op it interrupted there is not judged (0: none).
  int64_t deadline_ns = 0;
};

struct NonblockResult : OracleResult {
  uint64_t unattributed = 0;  // sleeps seen (nvcsw > 0) with no stack to place them
};

NonblockResult check_nonblock_walk(const NonblockInputs& in);
NonblockResult check_nonblock_issue(const NonblockInputs& in);

// Whether io_uring issues `op` inline with IO_URING_F_NONBLOCK (io_uring/openclose.c,
// fs.c, statx.c): opens without O_CREAT, O_TRUNC or O_TMPFILE (io_openat_force_async())
// and closes; every other op here is forced to io-wq at prep, as IOSQE_ASYNC ops are.
bool issued_inline(const Op& op);

// Replaces the completion queue's guess of inline vs punted (docs/FORMAT.md: a fast io-wq
// worker can post before the submit returns) with what the kernel logged: an io_uring
// request is punted iff its submitting thread logged io_uring_queue_async_work during
// it. Ops that follow a link are left as they are: whoever completed their predecessor
// queued them, not necessarily the submitter. Returns how many events changed.
size_t reclassify_completions(History& history, const std::vector<PuntSample>& punts);

// Per op kind: how many completed as syscall, inline, punted, hung (the stress summary).
struct CompletionCounts {
  std::array<std::array<uint64_t, 5>, kOpKindCount> by_kind{};  // [kind][Completion]
};
CompletionCounts count_completions(const History& history);

// cached.complete. The RESOLVE_CACHED twin of an open that just succeeded: same dirfd,
// path, resolve flags and access mode, without O_CREAT, O_EXCL, O_TRUNC (which make
// RESOLVE_CACHED fail by contract), issued as a syscall, its fd not kept. None for
// O_TMPFILE opens (they create) and for opens that failed.
std::optional<Op> cached_twin(const Op& original, const Event& outcome);
// Judges the twin's result: anything but success is a violation.
OracleResult judge_cached_twin(const Op& original, const Op& twin, int32_t result);

}  // namespace nfz::oracles
