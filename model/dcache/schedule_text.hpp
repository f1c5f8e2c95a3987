// The schedule file: a scenario, its variant and a schedule, as text that prints,
// parses back equal, and names file:line in every error. docs/DCACHE_MODEL.md has the
// grammar. `#` starts a comment, so a report (the interleaving as comments, then the
// schedule) is itself a schedule file that `nameifuzz model --replay` accepts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "model/dcache/scenario.hpp"

namespace nfz::dcache {

inline constexpr size_t kMaxScheduleEntries = 4096;

struct ScheduleFile {
  Scenario scenario;
  std::vector<uint8_t> schedule;
  bool operator==(const ScheduleFile&) const = default;
};

struct ScheduleError {
  std::string file;
  size_t line = 0;
  std::string message;
  std::string to_string() const { return file + ":" + std::to_string(line) + ": " + message; }
};

std::string print_schedule_file(const ScheduleFile& f);
std::variant<ScheduleFile, ScheduleError> parse_schedule_file(std::string_view text, std::string_view file);

}  // namespace nfz::dcache
