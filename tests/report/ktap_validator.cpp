#include "tests/report/ktap_validator.hpp"

#include <cctype>
#include <optional>

namespace nfz::testing {
namespace {

enum class Kind { kVersion, kPlan, kResult, kDiagnostic, kUnknown, kBlank };

struct Line {
  size_t number = 0;  // 1-based
  size_t indent = 0;  // leading spaces
  Kind kind = Kind::kUnknown;
  std::string text;   // without the indentation
  // kPlan: the count; kResult: the fields.
  size_t count = 0;
  bool ok = false;
  size_t test_number = 0;
  std::string directive;
  std::string problem;  // a malformed line of a known kind
};

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// "<ok|not ok> <number> [<description>][ # [<directive>] [<diagnostic data>]]"
void parse_result(Line& l) {
  std::string_view rest = l.text;
  l.ok = rest.starts_with("ok ");
  rest.remove_prefix(l.ok ? 3 : 7);
  size_t end = rest.find(' ');
  std::string_view number = rest.substr(0, end);
  if (!all_digits(number)) {
    l.problem = "result without a test number";
    return;
  }
  l.test_number = std::stoul(std::string(number));
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  size_t hash = rest.find('#');
  if (hash == std::string_view::npos) return;
  if (hash > 0 && rest[hash - 1] != ' ') {
    l.problem = "a '#' inside the description (it may only start the directive, after a space)";
    return;
  }
  std::string_view after = rest.substr(hash + 1);
  while (!after.empty() && after.front() == ' ') after.remove_prefix(1);
  std::string_view word = after.substr(0, after.find(' '));
  for (std::string_view d : {"SKIP", "TODO", "XFAIL", "TIMEOUT", "ERROR"})
    if (word == d) l.directive = std::string(d);
  if (l.ok && (l.directive == "TIMEOUT" || l.directive == "ERROR"))
    l.problem = "directive " + l.directive + " on an \"ok\" result (it must be \"not ok\")";
}

Line classify(std::string_view raw, size_t number) {
  Line l;
  l.number = number;
  while (l.indent < raw.size() && raw[l.indent] == ' ') ++l.indent;
  l.text = std::string(raw.substr(l.indent));
  if (l.text.empty()) {
    l.kind = Kind::kBlank;
  } else if (l.text.front() == '#') {
    l.kind = Kind::kDiagnostic;
  } else if (l.text == "KTAP version 1") {
    l.kind = Kind::kVersion;
  } else if (l.text.starts_with("1..") && all_digits(std::string_view(l.text).substr(3))) {
    l.kind = Kind::kPlan;
    l.count = std::stoul(l.text.substr(3));
  } else if (l.text.starts_with("ok ") || l.text.starts_with("not ok ")) {
    l.kind = Kind::kResult;
    parse_result(l);
  } else if (l.text.starts_with("KTAP version ") || l.text.starts_with("TAP version ")) {
    l.kind = Kind::kVersion;
    l.problem = "version line '" + l.text + "' (want \"KTAP version 1\")";
  }
  return l;
}

class Validator {
 public:
  Validator(std::vector<Line> lines, const KtapRules& rules, KtapReport& report)
      : lines_(std::move(lines)), rules_(rules), report_(report) {}

  void run() {
    skip_free_lines();
    if (at_end()) return error(0, "no KTAP version line");
    const Line& first = lines_[pos_];
    if (first.kind != Kind::kVersion || first.indent != 0) return error(first.number, "the output must start with \"KTAP version 1\"");
    block(0);
    skip_free_lines();
    if (!at_end()) error(lines_[pos_].number, "a line after the top-level results: " + lines_[pos_].text);
  }

 private:
  bool at_end() const { return pos_ >= lines_.size(); }

  void error(size_t line, const std::string& what) {
    report_.errors.push_back("line " + std::to_string(line) + ": " + what);
  }

  // Diagnostic, blank and unknown lines may stand anywhere.
  void skip_free_lines() {
    while (!at_end()) {
      const Line& l = lines_[pos_];
      if (l.kind == Kind::kUnknown) {
        ++report_.unknown_lines;
        if (rules_.strict) error(l.number, "unknown line: " + l.text);
      } else if (l.kind != Kind::kDiagnostic && l.kind != Kind::kBlank) {
        return;
      }
      ++pos_;
    }
  }

  void count(const Line& l) {
    ++report_.results;
    if (l.directive == "SKIP") ++report_.skipped;
    else if (!l.ok) ++report_.failed;
  }

  // A version line at `indent` (at pos_), an optional plan, then results and nested
  // tests at that indentation. Returns whether a result in it failed.
  bool block(size_t indent) {
    const Line& version = lines_[pos_++];
    if (!version.problem.empty()) error(version.number, version.problem);
    skip_free_lines();
    std::optional<size_t> plan;
    if (!at_end() && lines_[pos_].kind == Kind::kPlan && lines_[pos_].indent == indent) {
      plan = lines_[pos_++].count;
      skip_free_lines();
    } else if (rules_.require_plan) {
      error(version.number, "no plan (\"1..N\") after the version line");
    }
    size_t results = 0;
    bool failed = false;
    while (true) {
      skip_free_lines();
      if (at_end()) break;
      const Line& l = lines_[pos_];
      if (l.indent < indent) break;
      if (l.kind == Kind::kVersion && l.indent == indent + 2) {
        bool child_failed = block(indent + 2);
        skip_free_lines();
        if (at_end() || lines_[pos_].kind != Kind::kResult || lines_[pos_].indent != indent) {
          error(l.number, "a nested test with no result line for its parent after it");
          continue;
        }
        const Line& parent = lines_[pos_];
        if (child_failed && parent.ok && parent.directive.empty())
          error(parent.number, "\"ok\" although a subtest failed");
        failed |= result(parent, results);
        continue;
      }
      if (l.indent != indent) {
        error(l.number, "indented " + std::to_string(l.indent) + " spaces, want " + std::to_string(indent) +
                            " (or " + std::to_string(indent + 2) + " for a nested test's version line)");
        ++pos_;
        continue;
      }
      if (l.kind == Kind::kResult) {
        failed |= result(l, results);
        continue;
      }
      if (l.kind == Kind::kVersion && indent == 0 && l.indent == 0) {
        error(l.number, "a second top-level version line");
        ++pos_;
        continue;
      }
      error(l.number, l.kind == Kind::kPlan ? "a plan that does not follow a version line" : "unexpected: " + l.text);
      ++pos_;
    }
    if (plan && *plan != results)
      error(version.number, "the plan says " + std::to_string(*plan) + " tests, " + std::to_string(results) + " results follow");
    return failed;
  }

  // One result line at pos_: its number is the next at its level.
  bool result(const Line& l, size_t& results) {
    ++pos_;
    if (!l.problem.empty()) {
      error(l.number, l.problem);
      return !l.ok;
    }
    ++results;
    if (l.test_number != results)
      error(l.number, "test number " + std::to_string(l.test_number) + ", want " + std::to_string(results));
    count(l);
    return !l.ok && l.directive != "SKIP";
  }

  std::vector<Line> lines_;
  const KtapRules& rules_;
  KtapReport& report_;
  size_t pos_ = 0;
};

}  // namespace

KtapReport validate_ktap(std::string_view text, const KtapRules& rules) {
  std::vector<Line> lines;
  size_t start = 0, number = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(classify(text.substr(start, end - start), ++number));
    start = end + 1;
  }
  KtapReport report;
  if (!text.empty() && text.back() != '\n') report.errors.push_back("the last line has no newline");
  Validator(std::move(lines), rules, report).run();
  return report;
}

}  // namespace nfz::testing
