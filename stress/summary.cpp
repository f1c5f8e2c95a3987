// The stress run's summary: a few lines a person reads at a glance, and the same as JSON.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>

#include "stress/stress_loop.hpp"

namespace nfz::stress {
namespace {

constexpr const char* kCompletionNames[5] = {"syscall", "inline", "punted", "unknown", "hung"};

std::string targets_text(const StressOptions& o) {
  std::string s;
  for (const auto& t : o.targets) s += (s.empty() ? "" : ",") + t.name;
  return s;
}

std::string fixed(double v, int digits) {
  char buf[64];
  snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string kind_name(size_t kind) {
  Op op;
  op.kind = static_cast<OpKind>(kind);
  return std::string(op_name(op));
}

// "open inline 812 punted 96; statx punted 301": io_uring ops only.
std::string uring_by_kind(const StressSummary& s) {
  std::string text;
  for (size_t k = 0; k < s.completions_by_kind.size(); ++k) {
    const auto& c = s.completions_by_kind[k];
    if (!c[1] && !c[2] && !c[3]) continue;
    text += (text.empty() ? "" : "; ") + kind_name(k);
    for (int i = 1; i < 4; ++i)
      if (c[i]) text += std::string(" ") + kCompletionNames[i] + " " + std::to_string(c[i]);
  }
  return text.empty() ? "none" : text;
}

}  // namespace

void print_summary(std::ostream& out, const StressSummary& s) {
  const auto& o = s.options;
  double secs = std::max(s.seconds, 1e-9);
  out << "nameifuzz stress: " << fixed(s.seconds, 1) << " s on " << targets_text(o) << ", " << o.threads
      << " threads, seed " << o.seed << " (stopped by " << s.stopped_by << ")\n";
  out << "  programs  " << s.programs << "  (" << fixed(s.programs / secs, 1) << "/s; " << s.per_thread_ring_programs
      << " with a ring per thread, " << s.shared_ring_programs << " sharing one; " << s.twins << " syscall twins)\n";
  out << "  ops       " << s.ops << "  (" << fixed(s.ops / secs, 0) << "/s)  ";
  for (int i = 0; i < 5; ++i)
    if (uint64_t n = s.completions(static_cast<Completion>(i))) out << kCompletionNames[i] << " " << n << "  ";
  out << "\n  io_uring by op: " << uring_by_kind(s);
  out << "\n  sleep tracing: " << s.tracing;
  out << "\n  memory pressure: " << s.memory_pressure;
  if (s.abandoned_runs) out << "; " << s.abandoned_runs << " runs abandoned (hung in the kernel)";
  out << "\n  oracles:\n";
  for (const auto& orc : s.oracles) {
    std::string name = orc.name;
    name.resize(18, ' ');
    out << "    " << name;
    if (!orc.enabled) out << "off (enable with --oracles)\n";
    else if (!orc.skipped.empty()) out << "skipped: " << orc.skipped << "\n";
    else
      out << orc.checks << " checks, " << orc.violations << " violations"
          << (orc.unknown ? ", " + std::to_string(orc.unknown) + " unknown (over budget)" : "")
          << (orc.not_judged ? ", " + std::to_string(orc.not_judged) + " runs not judged" : "") << "\n";
  }
  out << "  findings: " << s.findings.size() << "\n";
  for (const auto& f : s.findings)
    out << "    " << f.title << (f.count > 1 ? " (" + std::to_string(f.count) + " times)" : "") << "\n      -> " << f.folder
        << "\n";
  if (s.exit_code == 2) out << "SUMMARY: environment error: " << s.stopped_by << "\n";
  else out << "SUMMARY: " << (s.findings.empty() ? "clean, 0 findings" : std::to_string(s.findings.size()) + " finding(s)") << "\n";
}

nlohmann::json summary_json(const StressSummary& s) {
  using nlohmann::json;
  const auto& o = s.options;
  json j;
  j["format"] = "nameifuzz-stress-summary";
  j["command"] = "stress";
  j["version"] = 1;
  json targets = json::array();
  for (const auto& t : o.targets) targets.push_back(t.name);
  j["targets"] = targets;
  j["threads"] = o.threads;
  j["seed"] = o.seed;
  j["op_mix"] = format_op_mix(o.mix);
  j["seconds"] = s.seconds;
  j["stopped_by"] = s.stopped_by;
  j["programs"] = s.programs;
  j["ops"] = s.ops;
  j["programs_per_s"] = s.programs / std::max(s.seconds, 1e-9);
  j["ops_per_s"] = s.ops / std::max(s.seconds, 1e-9);
  j["rings"] = {{"per_thread", s.per_thread_ring_programs}, {"shared", s.shared_ring_programs}};
  j["syscall_twins"] = s.twins;
  json completions;
  for (int i = 0; i < 5; ++i) completions[kCompletionNames[i]] = s.completions(static_cast<Completion>(i));
  j["completions"] = completions;
  json by_kind = json::object();
  for (size_t k = 0; k < s.completions_by_kind.size(); ++k) {
    json c;
    uint64_t total = 0;
    for (int i = 0; i < 5; ++i) c[kCompletionNames[i]] = s.completions_by_kind[k][i], total += s.completions_by_kind[k][i];
    if (total) by_kind[kind_name(k)] = c;
  }
  j["completions_by_kind"] = by_kind;
  j["sleep_tracing"] = s.tracing;
  j["abandoned_runs"] = s.abandoned_runs;
  j["memory_pressure"] = s.memory_pressure;
  json oracles = json::array();
  for (const auto& orc : s.oracles) {
    json e{{"name", orc.name}};
    if (!orc.enabled) e["skipped"] = "not enabled (--oracles)";
    else if (!orc.skipped.empty()) e["skipped"] = orc.skipped;
    else {
      e["checks"] = orc.checks, e["violations"] = orc.violations, e["unknown"] = orc.unknown, e["not_judged"] = orc.not_judged;
      e["checks_by_target"] = orc.checks_by_target;
    }
    oracles.push_back(e);
  }
  j["oracles"] = oracles;
  json findings = json::array();
  for (const auto& f : s.findings)
    findings.push_back(
        {{"title", f.title}, {"folder", f.folder}, {"count", f.count}, {"oracle", f.oracle}, {"target", f.target}});
  j["findings"] = findings;
  j["exit"] = s.exit_code;
  return j;
}

void write_summary_json(std::ostream& out, const StressSummary& s) { out << summary_json(s).dump(2) << "\n"; }

}  // namespace nfz::stress
