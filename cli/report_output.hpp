// How a command's summary leaves the program: --format (text, json, ktap) and --junit
// FILE, declared here once and added by every command that ends with a summary. The JSON
// summary is the source of truth; KTAP and JUnit are written from it (report/).
//
// --suppressions FILE (title patterns, one a line, like fstests' expunge lists) takes the
// findings whose titles match out of the reports and the exit code: they are listed under
// "suppressed" in the JSON, and their folders are written all the same.
//
// With --format json or ktap, stdout carries that report alone: from begin() on, what
// the command prints for a person goes to stderr (file descriptor 1 itself is moved, so
// sandbox children and C stdio follow).
#pragma once

#include <nlohmann/json.hpp>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/command.hpp"

namespace nfz::cli {

void add_report_options(po::options_description& desc);

class ReportOutput {
 public:
  // Reads the options and opens the JUnit file (before any chroot); nullopt and a
  // one-line error on stderr for a bad --format or an unwritable file.
  static std::optional<ReportOutput> begin(const po::variables_map& vm, std::string_view command);
  ReportOutput(ReportOutput&& other) noexcept;
  ReportOutput& operator=(ReportOutput&&) = delete;
  ~ReportOutput();

  // Stamps the summary (version, kernel, host, date), applies the suppressions, writes it
  // as asked (and to
  // `json_file` when given), and returns `exit_code` (kExitUsage when a report could not
  // be written).
  int finish(nlohmann::json summary, int exit_code, std::ostream* json_file = nullptr) const;

 private:
  enum class Format { kText, kJson, kKtap };
  ReportOutput(std::string_view command, Format format) : command_(command), format_(format) {}

  // Moves suppressed findings to "suppressed"; returns the exit code that is left.
  int suppress(nlohmann::json& summary, int exit_code) const;

  std::string command_;
  Format format_;
  std::string suppressions_file_;
  std::vector<std::string> suppressions_;  // fnmatch(3) patterns over finding titles
  int report_fd_ = -1;  // the original stdout, for json and ktap
  int junit_fd_ = -1;
};

}  // namespace nfz::cli
