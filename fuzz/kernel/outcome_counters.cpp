#include "fuzz/kernel/outcome_counters.hpp"

#include <cerrno>

namespace nfz::fuzz {
namespace {

constexpr std::array<int, kErrnoClasses - 3> kErrnos = {
    ENOENT, EEXIST, ENOTDIR, EISDIR, EINVAL, ELOOP, ENAMETOOLONG, EXDEV, ENOTEMPTY, EBUSY, EAGAIN,
    EBADF,  EACCES, EPERM,   ESTALE, EIO,   EINTR, EMLINK,       ENXIO, ETXTBSY,   EOPNOTSUPP};
constexpr size_t kOtherErrno = kErrnoClasses - 2;
constexpr size_t kNoReturn = kErrnoClasses - 1;

void bump(std::span<uint8_t> counters, size_t region, size_t index) {
  uint8_t& c = counters[kRegions[region].offset + index];
  if (c < 255) ++c;
}

size_t event_class(const Event& ev) { return ev.returned() ? errno_class(ev.result) : kNoReturn; }

void count_ops(const History& h, std::span<uint8_t> counters) {
  for (const Event& ev : h.events) {
    const Op& op = h.op_of(ev);
    const size_t err = event_class(ev);
    bump(counters, 0, (static_cast<size_t>(op.kind) * kErrnoClasses + err) * kCompletionKinds + static_cast<size_t>(ev.how));
    if (op.kind == OpKind::kOpen && op.openat2)
      for (size_t b = 0; b < kResolveBitCount; ++b)
        if (op.resolve & (1u << b)) bump(counters, 1, b * kErrnoClasses + err);
  }
}

// Ops of two threads whose call..return spans intersect (an unreturned op spans to the end).
void count_overlaps(const History& h, std::span<uint8_t> counters) {
  auto end_of = [](const Event& e) { return e.returned() ? e.return_ns : INT64_MAX; };
  for (size_t i = 0; i < h.events.size(); ++i)
    for (size_t j = i + 1; j < h.events.size(); ++j) {
      const Event &a = h.events[i], &b = h.events[j];
      if (a.thread == b.thread || a.thread == kSetupThread || b.thread == kSetupThread) continue;
      if (!(a.call_ns < end_of(b) && b.call_ns < end_of(a))) continue;
      const Event& lo = h.op_of(a).kind <= h.op_of(b).kind ? a : b;
      const Event& hi = &lo == &a ? b : a;
      size_t ok = (lo.result >= 0 ? 2 : 0) + (hi.result >= 0 ? 1 : 0);
      bump(counters, 2,
           (static_cast<size_t>(h.op_of(lo).kind) * kOpKindCount + static_cast<size_t>(h.op_of(hi).kind)) * 4 + ok);
    }
}

void count_fuse(const FuseTrace& trace, std::span<uint8_t> counters) {
  const auto& rs = trace.requests;
  for (const FuseRequest& r : rs) bump(counters, 3, static_cast<size_t>(r.op) * 2 + (r.error ? 1 : 0));
  for (size_t i = 0; i < rs.size(); ++i)
    for (size_t j = i + 1; j < rs.size(); ++j)
      if (rs[i].tid != rs[j].tid && rs[i].overlaps(rs[j])) {
        size_t a = static_cast<size_t>(std::min(rs[i].op, rs[j].op)), b = static_cast<size_t>(std::max(rs[i].op, rs[j].op));
        bump(counters, 4, a * kFuseOpCount + b);
      }
}

void count_verdicts(const std::vector<stress::Verdict>& verdicts, std::span<uint8_t> counters) {
  for (size_t o = 0; o < verdicts.size() && o < kMaxOracles; ++o) {
    const oracles::OracleResult& r = verdicts[o].result;
    if (r.checks) bump(counters, 5, o * kVerdictKinds + 0);
    if (r.unknown) bump(counters, 5, o * kVerdictKinds + 1);
    if (r.not_judged) bump(counters, 5, o * kVerdictKinds + 2);
    if (!r.violations.empty()) bump(counters, 5, o * kVerdictKinds + 3);
  }
}

}  // namespace

size_t errno_class(int32_t result) {
  if (result >= 0) return 0;
  for (size_t i = 0; i < kErrnos.size(); ++i)
    if (kErrnos[i] == -result) return i + 1;
  return kOtherErrno;
}

void count_outcomes(const stress::JudgedRun& run, std::span<uint8_t> counters) {
  count_ops(run.run.history, counters);
  count_overlaps(run.run.history, counters);
  if (run.extras.fuse) count_fuse(*run.extras.fuse, counters);
  count_verdicts(run.verdicts, counters);
}

size_t OutcomeSet::add(std::span<const uint8_t> counters) {
  size_t fresh = 0;
  for (size_t i = 0; i < counters.size() && i < kOutcomeCounters; ++i)
    if (counters[i] && !seen_[i]) seen_[i] = true, ++fresh;
  return fresh;
}

size_t OutcomeSet::size_of(const Region& r) const {
  size_t n = 0;
  for (size_t i = r.offset; i < r.offset + r.size; ++i) n += seen_[i];
  return n;
}

std::string OutcomeSet::describe() const {
  std::string s = std::to_string(size()) + " (";
  for (const Region& r : kRegions) s += (&r == &kRegions[0] ? "" : ", ") + std::string(r.name) + " " + std::to_string(size_of(r));
  return s + ")";
}

}  // namespace nfz::fuzz
