#include "oracles/nonblock/windows.hpp"

#include <string>

namespace nfz::oracles {

std::vector<const FuseRequest*> fuse_requests_during(const FuseTrace* trace, int32_t tid, int64_t from, int64_t to) {
  std::vector<const FuseRequest*> out;
  if (!trace) return out;
  for (const auto& r : trace->requests)
    if (r.tid == tid && r.recv_ns >= from && r.recv_ns <= to) out.push_back(&r);
  return out;
}

std::vector<const SleepSample*> sleeps_during(const std::vector<SleepSample>* sleeps, int32_t tid, int64_t from,
                                              int64_t to) {
  std::vector<const SleepSample*> out;
  if (!sleeps) return out;
  for (const auto& s : *sleeps)
    if (s.tid == tid && s.at_ns >= from - kTraceResolutionNs && s.at_ns <= to) out.push_back(&s);
  return out;
}

std::string stack_summary(const SleepSample& s) {
  std::string out;
  int shown = 0;
  for (const auto& f : s.frames) {
    if (f.starts_with("trace_") || f.starts_with("__traceiter") || f == "__schedule" || f == "schedule") continue;
    if (shown++ == 6) break;
    if (!out.empty()) out += " <- ";
    out += f;
  }
  return out.empty() ? "(no stack)" : out;
}

}  // namespace nfz::oracles
