// A checked history shown to a person: the text the CLI prints, and a self-contained
// HTML timeline (threads as lanes, ops as bars, the failing op and the order the search
// found highlighted).
#pragma once

#include <string>
#include <string_view>

#include "core/history.hpp"
#include "oracles/linearizability/check_input.hpp"
#include "oracles/linearizability/check_result.hpp"

namespace nfz::oracles::lin {

inline constexpr size_t kReportTailOps = 20;    // partial linearization ops printed
inline constexpr size_t kHtmlWindowOps = 400;   // ops drawn around the failure

// The verdict and, for a violation, the failing prefix, the failing op, the ops in flight
// at that point and the tail of the longest partial linearization.
std::string text_report(const CheckInput& input, const CheckResult& result, double seconds);

// One HTML file with inline SVG, CSS and a few lines of script (no network). For a
// violation the window drawn ends at the failing return. `text` (text_report's) is shown
// below the timeline.
std::string html_report(const History& history, const CheckInput& input, const CheckResult& result,
                        std::string_view title, std::string_view text);

}  // namespace nfz::oracles::lin
