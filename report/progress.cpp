#include "report/progress.hpp"

#include <cmath>
#include <cstdio>
#include <ostream>
#include <unistd.h>

namespace nfz::report {

Progress::Progress(std::ostream& out, bool live, std::chrono::milliseconds interval)
    : out_(out), live_(live), interval_(interval), last_(Clock::now()) {}

bool Progress::stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

bool Progress::due() const { return Clock::now() - last_ >= interval_; }

void Progress::report(const std::string& line) {
  last_ = Clock::now();
  if (!live_) {
    out_ << line << "\n" << std::flush;
    return;
  }
  std::string text = "\r" + line;
  if (line.size() < pending_) text.append(pending_ - line.size(), ' ');
  out_ << text << std::flush;
  pending_ = line.size();
}

void Progress::finish(const std::string& line) {
  report(line);
  break_line();
}

void Progress::break_line() {
  if (live_ && pending_) out_ << "\n" << std::flush;
  pending_ = 0;
}

std::string rounded(double value) {
  static constexpr const char* kSuffix[] = {"", "k", "M", "G", "T"};
  int k = 0;
  double v = std::fabs(value);
  while (v >= 999.5 && k < 4) v /= 1000, ++k;
  char buf[32];
  if (k == 0 && v == std::floor(v)) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, v >= 99.95 ? "%.0f%s" : v >= 9.995 ? "%.1f%s" : "%.2f%s", v, kSuffix[k]);
  return (value < 0 ? "-" : "") + std::string(buf);
}

std::string duration_text(double seconds) {
  char buf[48];
  if (seconds < 10) std::snprintf(buf, sizeof buf, "%.1f s", seconds);
  else if (seconds < 60) std::snprintf(buf, sizeof buf, "%.0f s", seconds);
  else std::snprintf(buf, sizeof buf, "%.0f min %.0f s", std::floor(seconds / 60), std::fmod(std::floor(seconds), 60));
  return buf;
}

}  // namespace nfz::report
