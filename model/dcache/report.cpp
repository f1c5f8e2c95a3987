#include "model/dcache/report.hpp"

#include <set>

#include "model/dcache/oracle.hpp"
#include "model/dcache/schedule_text.hpp"
#include "model/dcache/step.hpp"
#include "model/dcache/variant.hpp"

namespace nfz::dcache {
namespace {

std::string dentry_label(const World& w, uint8_t i) {
  return "d" + std::to_string(i) + "(" + std::string(name_of(w.d[i].name)) + ")";
}

std::string changes(const World& a, const World& b) {
  std::string out;
  for (uint8_t i = 0; i < kMaxDentries; ++i) {
    const std::string sa = dentry_state(a.d[i]), sb = dentry_state(b.d[i]);
    const bool renamed = (a.d[i].flags & kUsed) && (b.d[i].flags & kUsed) && a.d[i].name != b.d[i].name;
    if (sa == sb && !renamed) continue;
    out += "  " + dentry_label((b.d[i].flags & kUsed) ? b : a, i) + " " + sa + "->" + sb;
  }
  auto lock_state = [](const World& w) {
    return w.writer ? std::string("excl") : w.readers ? "shared:" + std::to_string(w.readers) : std::string("free");
  };
  if (a.readers != b.readers || a.writer != b.writer) out += "  i_rwsem(P) " + lock_state(a) + "->" + lock_state(b);
  for (uint8_t n = 0; n < kMaxNames; ++n)
    if (a.server[n] != b.server[n])
      out += "  disk/server " + std::string(name_of(n)) + " " + std::string(type_name(a.server[n])) + "->" +
             std::string(type_name(b.server[n]));
  return out;
}

// "T1x5 T0x2": the schedule as runs of one thread, easier to read than the raw list.
std::string runs(const std::vector<uint8_t>& schedule) {
  std::string out;
  for (size_t i = 0; i < schedule.size();) {
    size_t j = i;
    while (j < schedule.size() && schedule[j] == schedule[i]) ++j;
    out += (out.empty() ? "T" : " T") + std::to_string(schedule[i]) + "x" + std::to_string(j - i);
    i = j;
  }
  return out.empty() ? "(none: thread 0 first, then 1, ...)" : out;
}

}  // namespace

std::string dentry_state(const Dentry& d) {
  if (!(d.flags & kUsed)) return "free";
  if ((d.flags & kInLookup) && (d.flags & kHashed)) return "IL+hashed";
  if (d.flags & kInLookup) return "IL";
  if (!(d.flags & kHashed)) return "U";
  return d.type == kNone ? "HN" : "HP";
}

std::string finding_title(const Finding& f) {
  std::set<std::string> kinds;
  for (int t = 0; t < f.scenario.nthreads; ++t)
    for (int i = 0; i < f.scenario.nops[t]; ++i) kinds.insert(std::string(op_kind_name(f.scenario.ops[t][i].kind)));
  std::string ops;
  for (const auto& k : kinds) ops += (ops.empty() ? "" : "+") + k;
  return "dcache: " + std::string(oracle_info(f.violation.oracle).name) + " in " + ops + " on " +
         std::string(fs_name(f.scenario.fs)) + " (" + std::string(variants()[f.scenario.variant].name) + ")";
}

std::string format_report(const Finding& f) {
  const OracleInfo& o = oracle_info(f.violation.oracle);
  std::string out = "# VIOLATION: " + std::string(o.name) + ": " + std::string(o.summary) + "\n";
  out += "# TITLE: " + finding_title(f) + "\n";
  out += "# variant: " + std::string(variants()[f.scenario.variant].name) + " -- " +
         std::string(variants()[f.scenario.variant].title) + "\n";
  std::vector<TraceStep> trace;
  const RunResult r = run_schedule(f.scenario, f.schedule, &trace);
  out += "# schedule: " + runs(f.schedule) + "\n";
  out += "# interleaving (" + std::to_string(trace.size()) + " steps; '*' = chosen by the schedule, the rest run the\n"
         "# lowest-numbered runnable thread; dentry states IL in-lookup, HN/HP hashed negative/positive, U unhashed):\n";
  for (size_t i = 0; i < trace.size(); ++i) {
    const TraceStep& s = trace[i];
    const Op& op = f.scenario.ops[s.thread == kSetupSlot ? kSetupSlot : s.thread][s.op];
    std::string line = "#  " + std::string(s.scheduled ? "*" : " ") + std::to_string(i + 1) + ". T" +
                       std::to_string(s.thread) + " [" + print_op(op) + "] " + (s.what ? s.what : "");
    line += changes(s.before, s.after);
    if (s.after.t[s.thread].op != s.op) line += "  => " + std::string(result_name(s.after.t[s.thread].result));
    out += line + "\n";
  }
  if (r.found()) {
    out += "# => " + std::string(o.name);
    if (r.violation.dentry != kNoDentry) out += " on dentry d" + std::to_string(r.violation.dentry);
    if (r.violation.thread < kMaxThreads) out += " by T" + std::to_string(r.violation.thread);
    out += "\n";
  } else {
    out += "# (this schedule no longer reproduces the violation)\n";
  }
  out += print_schedule_file({f.scenario, f.schedule});
  return out;
}

}  // namespace nfz::dcache
