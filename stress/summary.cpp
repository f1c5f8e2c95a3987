// The stress run's summary: a few lines a person reads at a glance, and the same as JSON.
#include <algorithm>
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

void count_suppressed(StressSummary& s, const std::string& title, const std::string& pattern, uint64_t n) {
  for (SuppressedRecord& k : s.suppressed)
    if (k.title == title) {
      k.count += n;
      return;
    }
  s.suppressed.push_back({title, pattern, n});
}

void print_summary(std::ostream& out, const StressSummary& s) {
  const auto& o = s.options;
  double secs = std::max(s.seconds, 1e-9);
  out << "nameifuzz stress: " << fixed(s.seconds, 1) << " s on " << targets_text(o) << ", " << o.threads
      << " threads, " << s.jobs << (s.jobs == 1 ? " job" : " jobs") << ", seed " << o.seed << " (stopped by "
      << s.stopped_by << ")\n";
  out << "  programs  " << s.programs << "  (" << fixed(s.programs / secs, 1) << "/s; " << s.per_thread_ring_programs
      << " with a ring per thread, " << s.shared_ring_programs << " sharing one; " << s.twins << " syscall twins)\n";
  out << "  ops       " << s.ops << "  (" << fixed(s.ops / secs, 0) << "/s)  ";
  for (int i = 0; i < 5; ++i)
    if (uint64_t n = s.completions(static_cast<Completion>(i))) out << kCompletionNames[i] << " " << n << "  ";
  out << "\n  io_uring by op: " << uring_by_kind(s);
  out << "\n  sleep tracing: " << s.tracing;
  out << "\n  cache pressure: " << s.cache_pressure;
  if (s.cache_drops) out << " (" << s.cache_drops << " drops)";
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
  if (!s.suppressed.empty()) {
    out << "  suppressed (known, not written): " << s.suppressed.size() << "\n";
    for (const auto& k : s.suppressed) out << "    " << k.title << " (" << k.count << " times, by '" << k.pattern << "')\n";
  }
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
  j["cache_pressure"] = {{"what", s.cache_pressure}, {"drops", s.cache_drops}};
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
  if (!s.suppressed.empty() || !o.suppressions.empty()) {
    json suppressed = json::array();
    for (const auto& k : s.suppressed)
      suppressed.push_back({{"title", k.title}, {"count", k.count}, {"suppressed_by", k.pattern}});
    j["suppressed"] = suppressed;
  }
  j["exit"] = s.exit_code;
  j["jobs"] = s.jobs;
  if (o.max_programs) j["program_digest"] = s.program_digest;
  return j;
}

std::string summary_json_line(const StressSummary& s) { return summary_json(s).dump(); }

void write_summary_json(std::ostream& out, const StressSummary& s) { out << summary_json(s).dump(2) << "\n"; }

StressSummary read_summary_json(const std::string& text, const StressOptions& options) {
  using nlohmann::json;
  json j = json::parse(text);
  StressSummary s;
  s.options = options;
  s.seconds = j.at("seconds").get<double>();
  s.stopped_by = j.at("stopped_by").get<std::string>();
  s.programs = j.at("programs").get<uint64_t>();
  s.ops = j.at("ops").get<uint64_t>();
  s.per_thread_ring_programs = j.at("rings").at("per_thread").get<uint64_t>();
  s.shared_ring_programs = j.at("rings").at("shared").get<uint64_t>();
  s.twins = j.at("syscall_twins").get<uint64_t>();
  const json& by_kind = j.at("completions_by_kind");
  for (size_t k = 0; k < s.completions_by_kind.size(); ++k)
    if (by_kind.contains(kind_name(k)))
      for (int i = 0; i < 5; ++i) s.completions_by_kind[k][i] = by_kind[kind_name(k)].at(kCompletionNames[i]).get<uint64_t>();
  s.tracing = j.at("sleep_tracing").get<std::string>();
  s.abandoned_runs = j.at("abandoned_runs").get<uint64_t>();
  s.memory_pressure = j.at("memory_pressure").get<std::string>();
  s.cache_pressure = j.at("cache_pressure").at("what").get<std::string>();
  s.cache_drops = j.at("cache_pressure").at("drops").get<uint64_t>();
  for (const json& e : j.at("oracles")) {
    OracleStats& o = s.oracles.emplace_back();
    o.name = e.at("name").get<std::string>();
    std::string skipped = e.value("skipped", "");
    o.enabled = skipped != "not enabled (--oracles)";
    if (o.enabled && !skipped.empty()) o.skipped = skipped;
    o.checks = e.value("checks", uint64_t{0});
    o.violations = e.value("violations", uint64_t{0});
    o.unknown = e.value("unknown", uint64_t{0});
    o.not_judged = e.value("not_judged", uint64_t{0});
    if (e.contains("checks_by_target")) o.checks_by_target = e["checks_by_target"].get<std::map<std::string, uint64_t>>();
  }
  for (const json& f : j.at("findings"))
    s.findings.push_back({f.at("title").get<std::string>(), f.at("folder").get<std::string>(), f.at("count").get<uint64_t>(),
                          f.value("oracle", ""), f.value("target", "")});
  if (j.contains("suppressed"))
    for (const json& k : j["suppressed"])
      s.suppressed.push_back({k.at("title").get<std::string>(), k.value("suppressed_by", ""), k.value("count", uint64_t{1})});
  s.exit_code = j.at("exit").get<int>();
  s.program_digest = j.value("program_digest", uint64_t{0});
  return s;
}


}  // namespace nfz::stress
