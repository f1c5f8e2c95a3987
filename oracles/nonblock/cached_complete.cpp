// cached.complete. A successful open leaves every dentry of its path in the dcache, so on
// a quiescent target the same walk under LOOKUP_CACHED stays in RCU mode and succeeds.
// The 2023 bug made every cached O_DIRECTORY open fail: the test for "creates a file"
// used O_TMPFILE, which contains O_DIRECTORY (docs/ARCHITECTURE.md#historical-bugs, bug 5).
#include "core/flags.hpp"
#include "oracles/nonblock/nonblock.hpp"

namespace nfz::oracles {

std::optional<Op> cached_twin(const Op& original, const Event& outcome) {
  if (original.kind != OpKind::kOpen || !outcome.returned() || outcome.result < 0) return std::nullopt;
  if ((original.flags & O_TMPFILE) == O_TMPFILE) return std::nullopt;
  Op twin;
  twin.kind = OpKind::kOpen;
  twin.openat2 = true;
  twin.dirfd = original.dirfd;
  twin.path = original.path;
  twin.flags = original.flags & ~static_cast<uint32_t>(O_CREAT | O_EXCL | O_TRUNC);
  twin.resolve = original.resolve | RESOLVE_CACHED;
  return twin;
}

OracleResult judge_cached_twin(const Op& original, const Op& twin, int32_t result) {
  OracleResult r;
  r.checks = 1;
  if (result >= 0) return r;
  std::string flags = (twin.flags & O_DIRECTORY) ? "O_DIRECTORY " : (twin.flags & O_PATH) ? "O_PATH " : "";
  r.violations.push_back({"cached.complete: cached " + flags + "open after a successful open returned " +
                              errno_name(-result),
                          print_op(twin) + " = " + errno_name(-result) + " right after " + print_op(original) +
                              " succeeded"});
  return r;
}

}  // namespace nfz::oracles
