// One rule for the progress of every long command (stress, diff, model): reports go to
// stderr at most once per interval (a second), and a last one at the end.
// - On a terminal, one live line, rewritten in place ("\r", padded over the last one).
// - Anywhere else (a file, a pipe, a CI log), each report is a plain line of its own,
//   ended by a newline: `nameifuzz diff ... 2> log` leaves one line per report.
// Figures are rounded for a person (rounded(): three significant digits).
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

namespace nfz::report {

class Progress {
 public:
  // `live`: `out` is a terminal (stderr_is_terminal() for std::cerr).
  Progress(std::ostream& out, bool live, std::chrono::milliseconds interval = std::chrono::seconds(1));

  static bool stderr_is_terminal();

  // Whether a report is due now: the interval has passed since the last one (or the start).
  bool due() const;
  // Prints a report (and restarts the interval).
  void report(const std::string& line);
  // The last report: on a terminal the live line is ended with a newline.
  void finish(const std::string& line);
  // Before other text goes to the same terminal: ends a pending live line.
  void break_line();

 private:
  using Clock = std::chrono::steady_clock;
  std::ostream& out_;
  bool live_;
  std::chrono::milliseconds interval_;
  Clock::time_point last_;
  size_t pending_ = 0;  // length of the live line on screen, 0: none
};

// 987, 1.23k, 45.6k, 7.89M: three significant digits.
std::string rounded(double value);
// "0.4 s", "12 s", "3 min 20 s".
std::string duration_text(double seconds);

}  // namespace nfz::report
