// A command's JSON summary read as test results: one suite per target, one point per
// oracle in it. The KTAP and JUnit writers both print this, so that they agree.
//
// What they read from the summary (docs/REPORTS.md): "command", "targets" (names),
// "oracles" ({name, skipped} or {name, checks, unknown, checks_by_target}), "findings"
// ({title, oracle, target, folder}), "exit", "stopped_by", "seconds", and the stamp
// (report/stamp.hpp).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace nfz::report {

enum class Outcome { kOk, kFail, kSkip, kError };

struct Point {
  std::string name;    // the oracle
  Outcome outcome = Outcome::kOk;
  std::string reason;  // kSkip, kError: why; kFail: the first finding's title
  std::vector<std::string> findings;  // titles, each with "-> folder" when written
  std::vector<std::string> notes;     // "42 checks", "3 unknown (over budget)"
};

struct Suite {
  std::string target;
  Outcome outcome = Outcome::kOk;
  std::string reason;
  std::vector<Point> points;
};

// A finding fails the point of its (oracle, target); an oracle skipped, or with no check
// on a target, is a skip with its reason; an environment error (exit 2) adds a point
// "run" in error to every suite. A parent fails when a point fails and is skipped when
// every point is.
std::vector<Suite> results_of(const nlohmann::json& summary);

// "#" ends a KTAP description and starts its directive; newlines end a line.
std::string one_line(std::string text);

}  // namespace nfz::report
