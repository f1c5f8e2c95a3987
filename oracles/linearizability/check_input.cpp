#include "oracles/linearizability/check_input.hpp"

#include <algorithm>

#include "core/flags.hpp"
#include "core/text.hpp"

namespace nfz::oracles::lin {

std::string make_check_input(const History& history, CheckInput& out, size_t* bad_event) {
  out.ops.clear();
  out.marks.clear();
  std::vector<std::vector<bool>> seen(history.ops.size());
  for (size_t t = 0; t < history.ops.size(); ++t) seen[t].assign(history.ops[t].size(), false);
  std::vector<uint32_t> setup;
  for (size_t i = 0; i < history.events.size(); ++i) {
    const Event& e = history.events[i];
    size_t lane = static_cast<size_t>(e.thread) + 1;
    if (bad_event) *bad_event = i;
    if (e.thread < kSetupThread || lane >= history.ops.size() || e.index >= history.ops[lane].size())
      return "event " + std::to_string(i) + " names op " + std::to_string(e.index) + " of thread " +
             std::to_string(e.thread) + ", which the history does not have";
    if (seen[lane][e.index])
      return "op " + std::to_string(e.index) + " of thread " + std::to_string(e.thread) + " has two events";
    seen[lane][e.index] = true;
    const Op& op = history.ops[lane][e.index];
    if (is_harness_action(op.kind)) continue;
    CheckOp c;
    c.event = i;
    c.thread = e.thread;
    c.index = e.index;
    c.op = &op;
    c.hung = !e.returned();
    c.result = e.result >= 0 ? 0 : e.result;
    c.call_ns = e.call_ns;
    c.return_ns = e.return_ns;
    c.dev = e.dev;
    c.ino = e.ino;
    c.type = e.type;
    c.nlink = e.nlink;
    if (e.thread == kSetupThread) setup.push_back(static_cast<uint32_t>(out.ops.size()));
    out.ops.push_back(c);
  }
  std::sort(setup.begin(), setup.end(),
            [&](uint32_t a, uint32_t b) { return out.ops[a].index < out.ops[b].index; });
  for (uint32_t s : setup) {
    out.marks.push_back({s, false});
    if (!out.ops[s].hung) out.marks.push_back({s, true});
  }
  struct Timed {
    int64_t at;
    Mark mark;
  };
  std::vector<Timed> timed;
  for (uint32_t i = 0; i < out.ops.size(); ++i) {
    const CheckOp& c = out.ops[i];
    if (c.thread == kSetupThread) continue;
    timed.push_back({c.call_ns, {i, false}});
    if (!c.hung) timed.push_back({c.return_ns, {i, true}});
  }
  std::sort(timed.begin(), timed.end(), [&](const Timed& a, const Timed& b) {
    if (a.at != b.at) return a.at < b.at;
    if (a.mark.is_return != b.mark.is_return) return !a.mark.is_return;  // calls first
    return a.mark.op < b.mark.op;
  });
  for (const Timed& t : timed) out.marks.push_back(t.mark);
  return "";
}

std::string op_label(const CheckOp& op) {
  if (op.index == kRingExitIndex)
    return op.thread == kSetupThread ? std::string("setup ring") : "T" + std::to_string(op.thread) + "'s ring";
  return (op.thread == kSetupThread ? std::string("setup") : "T" + std::to_string(op.thread)) + " #" +
         std::to_string(op.index);
}

std::string describe_outcome(const CheckOp& op) {
  if (op.index == kRingExitIndex)
    return std::string("exit: its fixed files are put, at some time after ") +
           (op.thread == kSetupThread ? "setup" : "the thread's last op");
  std::string s = print_op(*op.op) + " = ";
  if (op.hung) return s + "(hung)";
  if (op.result < 0) return s + "-1 " + errno_name(-op.result);
  return s + "ok";
}

}  // namespace nfz::oracles::lin
