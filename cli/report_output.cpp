#include "cli/report_output.hpp"

#include <algorithm>
#include <cstdio>
#include <fcntl.h>
#include <fnmatch.h>
#include <fstream>
#include <iostream>
#include <ostream>
#include <unistd.h>

#include "report/junit.hpp"
#include "report/ktap.hpp"
#include "report/stamp.hpp"

namespace nfz::cli {
namespace {

bool write_all(int fd, const std::string& text) {
  for (size_t done = 0; done < text.size();) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

void add_report_options(po::options_description& desc) {
  desc.add_options()
      ("format", po::value<std::string>()->default_value("text"),
       "how the summary goes to stdout: text, json (the summary as JSON) or ktap (KTAP version 1, one test point per "
       "oracle per target); with json or ktap the text goes to stderr")
      ("junit", po::value<std::string>(), "also write the summary as JUnit XML to this file")
      ("suppressions", po::value<std::string>(),
       "findings whose titles match a line of this file (a glob; '#' starts a comment) are left out of the reports and "
       "the exit code, and listed as suppressed");
}

std::optional<ReportOutput> ReportOutput::begin(const po::variables_map& vm, std::string_view command) {
  const std::string format = vm["format"].as<std::string>();
  Format f = format == "text" ? Format::kText : format == "json" ? Format::kJson : Format::kKtap;
  if (format != "text" && format != "json" && format != "ktap") {
    usage_error(command, "--format must be text, json or ktap, not '" + format + "'");
    return std::nullopt;
  }
  ReportOutput out(command, f);
  if (vm.count("suppressions")) {
    out.suppressions_file_ = vm["suppressions"].as<std::string>();
    std::ifstream in(out.suppressions_file_);
    if (!in) {
      std::cerr << out.suppressions_file_ << ":0: cannot read\n";
      return std::nullopt;
    }
    for (std::string line; std::getline(in, line);) {
      while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.pop_back();
      size_t start = line.find_first_not_of(" \t");
      if (start == std::string::npos || line[start] == '#') continue;
      out.suppressions_.push_back(line.substr(start));
    }
  }
  if (vm.count("junit")) {
    const std::string path = vm["junit"].as<std::string>();
    out.junit_fd_ = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out.junit_fd_ < 0) {
      usage_error(command, "cannot write " + path);
      return std::nullopt;
    }
  }
  if (f != Format::kText) {
    std::cout.flush();
    std::fflush(stdout);
    out.report_fd_ = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    if (out.report_fd_ < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
      usage_error(command, "cannot move stdout aside for the report");
      return std::nullopt;
    }
  }
  return out;
}

ReportOutput::ReportOutput(ReportOutput&& other) noexcept
    : command_(std::move(other.command_)),
      format_(other.format_),
      suppressions_file_(std::move(other.suppressions_file_)),
      suppressions_(std::move(other.suppressions_)),
      report_fd_(other.report_fd_),
      junit_fd_(other.junit_fd_) {
  other.report_fd_ = other.junit_fd_ = -1;
}

ReportOutput::~ReportOutput() {
  if (report_fd_ >= 0) close(report_fd_);
  if (junit_fd_ >= 0) close(junit_fd_);
}

int ReportOutput::suppress(nlohmann::json& summary, int exit_code) const {
  if (suppressions_file_.empty() || !summary.contains("findings")) return exit_code;
  // The stress loop suppresses in the loop already (summary["suppressed"]): keep those.
  nlohmann::json kept = nlohmann::json::array();
  nlohmann::json suppressed = summary.contains("suppressed") ? summary["suppressed"] : nlohmann::json::array();
  for (const auto& f : summary["findings"]) {
    const std::string title = f.value("title", std::string());
    auto match = std::find_if(suppressions_.begin(), suppressions_.end(),
                              [&](const std::string& p) { return fnmatch(p.c_str(), title.c_str(), 0) == 0; });
    if (match == suppressions_.end()) {
      kept.push_back(f);
      continue;
    }
    nlohmann::json s = f;
    s["suppressed_by"] = *match;
    suppressed.push_back(s);
  }
  summary["findings"] = kept;
  summary["suppressed"] = suppressed;
  summary["suppressions"] = suppressions_file_;
  if (exit_code == kExitFinding && kept.empty()) exit_code = kExitOk;
  summary["exit"] = exit_code;
  return exit_code;
}

int ReportOutput::finish(nlohmann::json summary, int exit_code, std::ostream* json_file) const {
  summary["command"] = command_;
  report::stamp(summary);
  exit_code = suppress(summary, exit_code);
  std::cout.flush();
  std::fflush(stdout);
  bool ok = true;
  if (json_file) ok &= static_cast<bool>(*json_file << summary.dump(2) << "\n" << std::flush);
  if (format_ == Format::kJson) ok &= write_all(report_fd_, summary.dump(2) + "\n");
  if (format_ == Format::kKtap) ok &= write_all(report_fd_, report::to_ktap(summary));
  if (junit_fd_ >= 0) ok &= write_all(junit_fd_, report::to_junit(summary));
  if (!ok) return usage_error(command_, "cannot write the report");
  return exit_code;
}

}  // namespace nfz::cli
