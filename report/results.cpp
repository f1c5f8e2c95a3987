#include "report/results.hpp"

#include <algorithm>

namespace nfz::report {
namespace {

using nlohmann::json;

std::string text_of(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

uint64_t count_of(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() && it->get<int64_t>() > 0 ? it->get<uint64_t>() : 0;
}

Point point_of(const json& oracle, const std::string& target, const json& findings) {
  Point p;
  p.name = text_of(oracle, "name");
  for (const json& f : findings) {
    if (text_of(f, "oracle") != p.name || text_of(f, "target") != target) continue;
    std::string title = text_of(f, "title");
    if (p.findings.empty()) p.reason = title;
    if (std::string folder = text_of(f, "folder"); !folder.empty()) title += " -> " + folder;
    p.findings.push_back(title);
  }
  if (!p.findings.empty()) {
    p.outcome = Outcome::kFail;
    return p;
  }
  if (std::string skipped = text_of(oracle, "skipped"); !skipped.empty()) {
    p.outcome = Outcome::kSkip;
    p.reason = skipped;
    return p;
  }
  uint64_t checks = count_of(oracle, "checks");
  if (auto by_target = oracle.find("checks_by_target"); by_target != oracle.end())
    checks = count_of(*by_target, target.c_str());
  if (checks == 0) {
    p.outcome = Outcome::kSkip;
    p.reason = "no check on " + target;
    return p;
  }
  p.notes.push_back(std::to_string(checks) + (checks == 1 ? " check" : " checks"));
  if (uint64_t unknown = count_of(oracle, "unknown")) p.notes.push_back(std::to_string(unknown) + " unknown (over budget)");
  return p;
}

void settle(Suite& s) {
  auto any = [&](Outcome o) {
    return std::any_of(s.points.begin(), s.points.end(), [o](const Point& p) { return p.outcome == o; });
  };
  bool all_skipped = std::all_of(s.points.begin(), s.points.end(), [](const Point& p) { return p.outcome == Outcome::kSkip; });
  if (any(Outcome::kError)) s.outcome = Outcome::kError, s.reason = "environment error";
  else if (any(Outcome::kFail)) s.outcome = Outcome::kFail;
  else if (all_skipped) s.outcome = Outcome::kSkip, s.reason = "every oracle skipped";
}

}  // namespace

std::vector<Suite> results_of(const json& summary) {
  static const json kNone = json::array();
  const json& targets = summary.contains("targets") ? summary["targets"] : kNone;
  const json& oracles = summary.contains("oracles") ? summary["oracles"] : kNone;
  const json& findings = summary.contains("findings") ? summary["findings"] : kNone;
  const bool environment = summary.value("exit", 0) == 2;
  std::vector<Suite> suites;
  for (const json& t : targets) {
    Suite& s = suites.emplace_back();
    s.target = t.get<std::string>();
    for (const json& o : oracles) s.points.push_back(point_of(o, s.target, findings));
    if (environment) s.points.push_back({"run", Outcome::kError, text_of(summary, "stopped_by"), {}, {}});
    settle(s);
  }
  return suites;
}

std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text;
}

}  // namespace nfz::report
