#include "stress/issue_equivalent.hpp"

#include <cerrno>
#include <map>

#include "core/flags.hpp"
#include "core/text.hpp"

namespace nfz::stress {
namespace {

std::string outcome(const Event& e) { return e.result >= 0 ? "success" : errno_name(-e.result); }

std::string via_name(const Issue& issue) {
  std::string s = issue.via == Via::kUringAsync ? "uring-async" : issue.via == Via::kUring ? "uring" : "syscall";
  if (issue.link) s += "+link";
  return s;
}

// Setup events by index.
std::map<uint32_t, const Event*> setup_events(const History& h) {
  std::map<uint32_t, const Event*> m;
  for (const Event& e : h.events)
    if (e.thread == kSetupThread) m[e.index] = &e;
  return m;
}

}  // namespace

bool wants_syscall_twin(const Program& program) {
  for (const Op& op : program.setup)
    if (op.issue.via != Via::kSyscall) return true;
  return false;
}

Program syscall_twin(const Program& program) {
  Program twin;
  twin.setup = program.setup;
  for (Op& op : twin.setup) op.issue = Issue{};
  return twin;
}

oracles::OracleResult check_issue_equivalent(const RunRecord& run) {
  oracles::OracleResult r;
  if (!run.syscall_twin) return r;
  auto original = setup_events(run.history);
  auto twin = setup_events(*run.syscall_twin);
  uint32_t chain_written = 0;  // registers set by earlier ops of the current linked chain
  for (uint32_t i = 0; i < run.program.setup.size(); ++i) {
    const Op& op = run.program.setup[i];
    if (op.issue.fixed) break;
    bool in_chain = i > 0 && run.program.setup[i - 1].issue.link && op.issue.via != Via::kSyscall;
    if (!in_chain) chain_written = 0;
    // A chain is submitted at once: its ops read registers as they were before it
    // (docs/FORMAT.md), the twin's as the earlier ops left them.
    auto reads = [&](int8_t slot) { return slot != kNoSlot && (chain_written >> slot & 1); };
    if (reads(op.dirfd) || (op.kind == OpKind::kClose && reads(op.fd))) break;
    if (op.kind == OpKind::kOpen && op.fd != kNoSlot) chain_written |= 1u << op.fd;
    auto a = original.find(i), b = twin.find(i);
    if (a == original.end() || b == twin.end()) break;
    const Event& ea = *a->second;
    const Event& eb = *b->second;
    if (ea.result == -ECANCELED && op.issue.via != Via::kSyscall) break;
    if (is_harness_action(op.kind) || op.issue.via == Via::kSyscall) continue;
    bool same = (ea.result >= 0) == (eb.result >= 0) && (ea.result >= 0 || ea.result == eb.result);
    bool hung = ea.how == Completion::kHung || eb.how == Completion::kHung;
    // openat2(2): EAGAIN for RESOLVE_CACHED when the lookup needs more than the cache, and
    // for RESOLVE_IN_ROOT or RESOLVE_BENEATH when "the kernel could not ensure that a ".."
    // component didn't escape": handle_dots() checks rename_lock and mount_lock, which a
    // rename or mount anywhere on the machine bumps (met on fuse:strict beside another job).
    const bool may_eagain = op.kind == OpKind::kOpen && (op.resolve & (RESOLVE_CACHED | RESOLVE_IN_ROOT | RESOLVE_BENEATH));
    const bool eagain = may_eagain && (ea.result == -EAGAIN || eb.result == -EAGAIN);
    if (hung || eagain) {
      if (same) continue;
      break;  // a documented difference; the states may differ from here on
    }
    ++r.checks;
    if (same) continue;
    r.violations.push_back({"issue.equivalent: " + std::string(op_name(op)) + " " + via_name(op.issue) + " " +
                                outcome(ea) + " vs syscall " + outcome(eb) + " on " + std::string(run.target),
                            "setup #" + std::to_string(i) + " " + print_op(op) + ": " + outcome(ea) + " as issued, " +
                                outcome(eb) + " as a plain syscall on the same state"});
    break;
  }
  return r;
}

}  // namespace nfz::stress
