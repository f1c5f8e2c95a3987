// --suppressions FILE: known findings, one title or title prefix a line, as a shell glob
// (fnmatch); '#' starts a comment (fstests' expunge lists). A known title is counted in
// the summary, not written and not a reason to stop the run.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nfz::pipeline {

struct Suppressions {
  std::string file;
  std::vector<std::string> patterns;

  // Reads `path`; nullopt and `why` ("FILE:0: cannot read") when it cannot.
  static std::optional<Suppressions> read(const std::string& path, std::string& why);
};

// The pattern that suppresses `title` (a glob matching it whole, or a prefix of it), or
// null.
const std::string* suppressed_by(const std::vector<std::string>& patterns, std::string_view title);

}  // namespace nfz::pipeline
