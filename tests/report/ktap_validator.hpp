// A KTAP version 1 validator, written from the kernel's specification
// (Documentation/dev-tools/ktap.rst), to hold nameifuzz's --format ktap to it:
// - a version line ("KTAP version 1") starts the output and every nested test;
// - a plan "1..N", when present, follows the version line and counts the results;
// - result lines "<ok|not ok> <number> [<description>][ # [<directive>] [<data>]]":
//   numbers start at 1 and go up by one at each level, a description has no "#";
//   TIMEOUT and ERROR only on "not ok";
// - a nested test is indented two spaces per level, from its version line to its last
//   line, and is followed by its parent's result line; a parent with a failed subtest
//   fails too;
// - diagnostic lines "# ..." may stand anywhere; unknown lines are allowed by the
//   specification, refused here in strict mode (our output has none).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nfz::testing {

struct KtapReport {
  std::vector<std::string> errors;  // "line N: what", in order; empty: valid
  size_t results = 0;               // result lines at every level
  size_t failed = 0;                // "not ok" (SKIP excluded)
  size_t skipped = 0;               // "# SKIP"
  size_t unknown_lines = 0;
  bool ok() const { return errors.empty(); }
};

struct KtapRules {
  bool strict = true;         // unknown lines are errors
  bool require_plan = true;   // a plan at every level (the spec: "strongly recommended")
};

KtapReport validate_ktap(std::string_view text, const KtapRules& rules = {});

}  // namespace nfz::testing
