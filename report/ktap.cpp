#include "report/ktap.hpp"

#include <algorithm>

#include "report/results.hpp"

namespace nfz::report {
namespace {

// A description may not contain "#" (it would start the directive).
std::string description(const std::string& name) {
  std::string d = one_line(name);
  std::replace(d.begin(), d.end(), '#', '_');
  return d.empty() ? "unnamed" : d;
}

std::string result_line(Outcome outcome, size_t number, const std::string& name, const std::string& reason) {
  std::string line = (outcome == Outcome::kOk || outcome == Outcome::kSkip ? "ok " : "not ok ") +
                     std::to_string(number) + " " + description(name);
  if (outcome == Outcome::kSkip) line += " # SKIP " + one_line(reason);
  else if (outcome == Outcome::kError) line += " # ERROR " + one_line(reason);
  else if (outcome == Outcome::kFail && !reason.empty()) line += " # " + one_line(reason);
  return line + "\n";
}

void write_suite(std::string& out, const Suite& s) {
  const std::string in = "  ";
  out += in + "KTAP version 1\n";
  out += in + "1.." + std::to_string(s.points.size()) + "\n";
  for (size_t i = 0; i < s.points.size(); ++i) {
    const Point& p = s.points[i];
    for (const std::string& f : p.findings) out += in + "# finding: " + one_line(f) + "\n";
    for (const std::string& n : p.notes) out += in + "# " + description(p.name) + ": " + one_line(n) + "\n";
    out += in + result_line(p.outcome, i + 1, p.name, p.reason);
  }
}

}  // namespace

std::string to_ktap(const nlohmann::json& summary) {
  std::string out = "KTAP version 1\n";
  out += "# nameifuzz " + one_line(summary.value("command", std::string("?"))) + " " +
         one_line(summary.value("nameifuzz", std::string("unknown"))) + " on Linux " +
         one_line(summary.value("kernel", std::string("unknown"))) + "\n";
  const std::vector<Suite> suites = results_of(summary);
  out += "1.." + std::to_string(suites.size()) + "\n";
  size_t failed = 0, skipped = 0;
  for (size_t i = 0; i < suites.size(); ++i) {
    write_suite(out, suites[i]);
    failed += suites[i].outcome == Outcome::kFail || suites[i].outcome == Outcome::kError;
    skipped += suites[i].outcome == Outcome::kSkip;
    out += result_line(suites[i].outcome, i + 1, suites[i].target, suites[i].reason);
  }
  out += "# totals: " + std::to_string(suites.size() - failed - skipped) + " ok, " + std::to_string(failed) +
         " not ok, " + std::to_string(skipped) + " skipped\n";
  return out;
}

}  // namespace nfz::report
