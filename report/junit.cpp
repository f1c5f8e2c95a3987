#include "report/junit.hpp"

#include <cstdio>

#include "report/results.hpp"

namespace nfz::report {
namespace {

// Text and attribute values: the five entities, and no control character XML 1.0 forbids.
std::string xml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') out += ' ';
        else out += c;
    }
  }
  return out;
}

std::string attr(const char* name, const std::string& value) { return std::string(" ") + name + "=\"" + xml(value) + "\""; }

// A token: no leading, trailing or doubled spaces, and never empty.
std::string token(const std::string& text) {
  std::string out;
  for (char c : one_line(text)) {
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out.empty() ? "unnamed" : out;
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s < 0 ? 0.0 : s);
  return buf;
}

size_t count(const Suite& s, Outcome o) {
  size_t n = 0;
  for (const Point& p : s.points) n += p.outcome == o;
  return n;
}

std::string testcase(const Point& p, const std::string& classname) {
  std::string out = "    <testcase" + attr("name", token(p.name)) + attr("classname", classname) + attr("time", "0");
  std::string body;
  for (const std::string& f : p.findings) body += f + "\n";
  switch (p.outcome) {
    case Outcome::kOk: return out + "/>\n";
    case Outcome::kSkip: return out + "><skipped" + attr("message", p.reason) + "/></testcase>\n";
    case Outcome::kFail:
      return out + "><failure" + attr("message", p.reason) + attr("type", "finding") + ">" + xml(body) + "</failure></testcase>\n";
    case Outcome::kError:
      return out + "><error" + attr("message", p.reason) + attr("type", "environment") + ">" + xml(p.reason) +
             "</error></testcase>\n";
  }
  return out + "/>\n";
}

}  // namespace

std::string to_junit(const nlohmann::json& summary) {
  const std::string command = token(summary.value("command", std::string("run")));
  const std::string package = "nameifuzz." + command;
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
  const std::vector<Suite> suites = results_of(summary);
  for (size_t i = 0; i < suites.size(); ++i) {
    const Suite& s = suites[i];
    out += "  <testsuite" + attr("name", token(s.target)) + attr("package", package) + attr("id", std::to_string(i)) +
           attr("timestamp", summary.value("date", std::string("1970-01-01T00:00:00"))) +
           attr("hostname", token(summary.value("hostname", std::string("localhost")))) +
           attr("tests", std::to_string(s.points.size())) + attr("failures", std::to_string(count(s, Outcome::kFail))) +
           attr("errors", std::to_string(count(s, Outcome::kError))) +
           attr("skipped", std::to_string(count(s, Outcome::kSkip))) +
           attr("time", seconds(summary.value("seconds", 0.0))) + ">\n";
    out += "    <properties>\n";
    for (const char* key : {"command", "nameifuzz", "kernel", "seed"})
      if (summary.contains(key))
        out += "      <property" + attr("name", key) +
               attr("value", summary[key].is_string() ? summary[key].get<std::string>() : summary[key].dump()) + "/>\n";
    out += "    </properties>\n";
    // The schema allows a testcase one child at most: what the oracles counted goes here.
    std::string notes;
    for (const Point& p : s.points) {
      out += testcase(p, package + "." + token(s.target));
      for (const std::string& n : p.notes) notes += p.name + ": " + n + "\n";
    }
    out += "    <system-out>" + xml(notes) + "</system-out>\n    <system-err></system-err>\n  </testsuite>\n";
  }
  return out + "</testsuites>\n";
}

}  // namespace nfz::report
