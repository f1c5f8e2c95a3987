// nonblock.issue. io_uring issues a request inline, in the submitting task, with
// IO_URING_F_NONBLOCK; io_openat2() then adds LOOKUP_CACHED and O_NONBLOCK and punts to
// io-wq on -EAGAIN. The promise to io_uring users is that the submitting io_uring_enter
// does not sleep: its voluntary context switches stay unchanged and no FUSE request
// carries the submitter's thread id. Each violation is classed by its cause (the stack at
// the sleep, or the FUSE request) in its title, so one class can be suppressed alone.
#include <algorithm>
#include <map>

#include "oracles/nonblock/nonblock.hpp"
#include "oracles/nonblock/windows.hpp"

namespace nfz::oracles {
namespace {

// Why the submitter slept, as precisely as the inputs allow.
std::string sleep_cause(const NonblockInputs& in, int32_t tid, int64_t from, int64_t to, std::string& detail,
                        bool& attributed) {
  attributed = true;
  if (tid != 0) {
    auto reqs = fuse_requests_during(in.fuse, tid, from, to);
    if (!reqs.empty()) {
      detail = "FUSE " + std::string(fuse_op_name(reqs.front()->op)) + " \"" + reqs.front()->name +
               "\" came from the submitting thread";
      return "fuse:" + std::string(fuse_op_name(reqs.front()->op));
    }
    auto sleeps = sleeps_during(in.sleeps, tid, from, to);
    if (!sleeps.empty()) {
      detail = "slept in " + stack_summary(*sleeps.front());
      return std::string(sleep_class_name(classify_sleep(*sleeps.front())));
    }
  }
  attributed = false;
  detail = "voluntary context switches rose across the submit-only io_uring_enter";
  return "unknown";
}

}  // namespace

bool issued_inline(const Op& op) {
  if (op.issue.via != Via::kUring) return false;
  if (op.kind == OpKind::kClose) return true;
  return op.kind == OpKind::kOpen && !(op.flags & (O_CREAT | O_TRUNC)) && (op.flags & O_TMPFILE) != O_TMPFILE;
}

NonblockResult check_nonblock_issue(const NonblockInputs& in) {
  NonblockResult result;
  const History& h = in.history;
  std::map<std::pair<int32_t, uint32_t>, const Event*> event_of;
  for (const Event& e : h.events) event_of[{e.thread, e.index}] = &e;
  for (size_t t = 0; t < h.ops.size(); ++t) {
    const auto& ops = h.ops[t];
    int32_t thread = static_cast<int32_t>(t) - 1;
    for (size_t i = 0; i < ops.size();) {
      // A linked chain is submitted by one io_uring_enter: judge it as a unit.
      size_t end = i + 1;
      while (end < ops.size() && ops[end - 1].issue.link && ops[end].issue.via != Via::kSyscall &&
             !is_harness_action(ops[end].kind))
        ++end;
      bool eligible = true;
      int64_t last_return = 0;
      const Event* head = nullptr;
      for (size_t k = i; k < end; ++k) {
        auto it = event_of.find({thread, static_cast<uint32_t>(k)});
        eligible &= issued_inline(ops[k]) && it != event_of.end();
        if (it == event_of.end()) continue;
        if (!head) head = it->second;
        last_return = std::max(last_return, it->second->returned() ? it->second->return_ns : it->second->call_ns);
      }
      size_t begin = i;
      i = end;
      if (!eligible || !head) continue;
      ++result.checks;
      int32_t tid = h.tid_of(*head);
      bool fuse_from_submitter = tid != 0 && !fuse_requests_during(in.fuse, tid, head->call_ns, last_return).empty();
      if (head->nvcsw == 0 && !fuse_from_submitter) continue;
      std::string detail;
      bool attributed;
      std::string cause = sleep_cause(in, tid, head->call_ns, last_return, detail, attributed);
      if (!attributed) ++result.unattributed;
      const Op& op = ops[begin];
      result.violations.push_back({"nonblock.issue: io_uring inline " + std::string(op_name(op)) + " slept (" + cause + ")",
                                   print_op(op) + ": " + detail + " (nvcsw +" + std::to_string(head->nvcsw) + ")"});
    }
  }
  return result;
}

size_t reclassify_completions(History& history, const std::vector<PuntSample>& punts) {
  size_t changed = 0;
  for (Event& e : history.events) {
    const Op& op = history.op_of(e);
    bool after_link = e.index > 0 && history.ops[e.thread + 1][e.index - 1].issue.link;
    int32_t tid = history.tid_of(e);
    if (op.issue.via == Via::kSyscall || is_harness_action(op.kind) || !e.returned() || after_link || tid == 0)
      continue;
    bool punted = std::any_of(punts.begin(), punts.end(), [&](const PuntSample& p) {
      return p.tid == tid && p.at_ns >= e.call_ns - kTraceResolutionNs && p.at_ns <= e.return_ns;
    });
    Completion how = punted ? Completion::kPunted : Completion::kInline;
    changed += how != e.how;
    e.how = how;
  }
  return changed;
}

CompletionCounts count_completions(const History& history) {
  CompletionCounts counts;
  for (const Event& e : history.events)
    ++counts.by_kind[static_cast<int>(history.op_of(e).kind)][static_cast<int>(e.how)];
  return counts;
}

}  // namespace nfz::oracles
