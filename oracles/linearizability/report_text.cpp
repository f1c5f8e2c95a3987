#include <algorithm>
#include <cstdio>
#include <unordered_set>

#include "core/text.hpp"
#include "oracles/linearizability/report.hpp"

namespace nfz::oracles::lin {
namespace {

std::string stats_line(const CheckInput& input, const CheckResult& r, double seconds) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "%zu ops checked in %.3f s: %llu model steps, %llu quiescent cuts, %.1f ops in flight on average "
                "(at most %d), "
                "at most %zu states carried across a return",
                input.ops.size(), seconds, static_cast<unsigned long long>(r.stats.steps),
                static_cast<unsigned long long>(r.stats.quiescent_cuts),
                r.stats.calls ? static_cast<double>(r.stats.in_flight_sum) / r.stats.calls : 0.0,
                r.stats.max_in_flight, r.stats.max_frontier);
  return buf;
}

// Where a partial linearization starts when not at the first mark: a quiescent cut.
std::string after_cut(const CheckInput& input, size_t cut) {
  size_t before = 0;
  for (size_t m = 0; m < cut; ++m) before += input.marks[m].is_return ? 0 : 1;
  return "after the first " + std::to_string(cut) + " calls and returns (" + std::to_string(before) +
         " ops, all returned there: one model state explains them, their order is not listed)";
}

}  // namespace

std::string text_report(const CheckInput& input, const CheckResult& r, double seconds) {
  std::string out = std::string(verdict_name(r.verdict)) + "\n  " + stats_line(input, r, seconds) + "\n";
  if (r.verdict == Verdict::kUnknown) out += "  warning: " + r.reason + "; this is not a pass\n";
  if (r.verdict != Verdict::kIllegal) return out;

  const CheckOp& failing = input.ops[r.failing_op];
  size_t called = 0;
  std::vector<uint32_t> in_flight;
  std::unordered_set<uint32_t> open;
  for (size_t m = 0; m <= r.failing_mark; ++m) {
    const Mark& mark = input.marks[m];
    if (!mark.is_return) {
      ++called;
      open.insert(mark.op);
    } else {
      open.erase(mark.op);
    }
  }
  for (const Mark& mark : input.marks)
    if (!mark.is_return && open.count(mark.op)) in_flight.push_back(mark.op);

  out += "smallest failing prefix: the first " + std::to_string(r.failing_mark + 1) + " of " +
         std::to_string(input.marks.size()) + " calls and returns (" + std::to_string(called) +
         " ops called); it fails at the return of\n  " + op_label(failing) + "  " + describe_outcome(failing) +
         "\n  no order of the prefix consistent with real time gives every op its observed outcome\n";
  out += "ops in flight at that return (they may or may not have taken effect):\n";
  if (in_flight.empty()) out += "  (none)\n";
  for (uint32_t op : in_flight) out += "  " + op_label(input.ops[op]) + "  " + describe_outcome(input.ops[op]) + "\n";
  const size_t n = r.partial.size();
  out += "longest partial linearization: " + std::to_string(n) + " ops";
  if (r.partial_after > 0) out += " " + after_cut(input, r.partial_after);
  if (n > kReportTailOps) out += " (the last " + std::to_string(kReportTailOps) + " shown)";
  out += "\n";
  for (size_t i = n > kReportTailOps ? n - kReportTailOps : 0; i < n; ++i) {
    const CheckOp& c = input.ops[r.partial[i] & ~kStepBit];
    out += "  " + std::to_string(i + 1) + ". " + op_label(c) + "  " +
           (r.partial[i] & kStepBit ? "(its walk) " + print_op(*c.op) : describe_outcome(c)) + "\n";
  }
  std::unordered_set<uint32_t> placed;
  for (uint32_t p : r.partial)
    if (!(p & kStepBit)) placed.insert(p);
  std::string left;
  for (uint32_t op : in_flight)
    if (!placed.count(op)) left += "  " + op_label(input.ops[op]) + "  " + describe_outcome(input.ops[op]) + "\n";
  if (!placed.count(r.failing_op) && std::find(in_flight.begin(), in_flight.end(), r.failing_op) == in_flight.end())
    left += "  " + op_label(failing) + "  " + describe_outcome(failing) + "\n";
  if (!left.empty()) out += "after it, none of these could be linearized next:\n" + left;
  return out;
}

}  // namespace nfz::oracles::lin
