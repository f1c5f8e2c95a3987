// The HTML timeline. Time is drawn by rank, not to scale: every call and return gets its
// own column in the order the search consumed them, so that overlaps of a few nanoseconds
// stay visible next to ops that ran for milliseconds. Tooltips give the real times.
#include <algorithm>
#include <cstdio>
#include <unordered_map>

#include "oracles/linearizability/report.hpp"

namespace nfz::oracles::lin {
namespace {

constexpr int kLaneHeight = 34;
constexpr int kBarHeight = 20;
constexpr int kColumn = 14;  // pixels per call or return
constexpr int kLabelWidth = 70;

std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

constexpr const char* kStyle = R"(
body { font: 13px sans-serif; margin: 16px; color: #222; }
h1 { font-size: 18px; } .verdict-ok { color: #1a7f37; } .verdict-illegal { color: #c62828; }
.verdict-unknown { color: #b26a00; } svg { border: 1px solid #ddd; background: #fafafa; }
.lane-label { font: bold 12px monospace; } .lane-line { stroke: #e3e3e3; }
rect.op { fill: #b0bec5; stroke: #607d8b; } rect.op.linearized { fill: #a5d6a7; stroke: #2e7d32; }
rect.op.pending { fill: #fff59d; stroke: #f9a825; } rect.op.hung { stroke-dasharray: 4 2; }
rect.op.before-failing { stroke: #1565c0; stroke-width: 2; }
rect.op.failing { fill: #ef5350; stroke: #b71c1c; stroke-width: 3; }
text.order { font: 10px monospace; pointer-events: none; } polyline.order { fill: none; stroke: #2e7d32; stroke-width: 1.5; stroke-dasharray: 3 2; }
.legend span { display: inline-block; padding: 2px 8px; margin-right: 6px; border: 1px solid #999; }
pre { background: #f4f4f4; padding: 8px; overflow-x: auto; }
)";

// Measures the failing op in the browser: a DOM check can tell that the page was laid out.
constexpr const char* kScript = R"(
window.addEventListener('load', function () {
  var f = document.querySelector('rect.op.failing');
  var b = f ? f.getBBox() : null;
  document.body.setAttribute('data-rendered', 'yes');
  document.body.setAttribute('data-lanes', document.querySelectorAll('g.lane').length);
  document.body.setAttribute('data-failing-width', b ? Math.round(b.width) : 0);
});
)";

}  // namespace

std::string html_report(const History& history, const CheckInput& input, const CheckResult& result,
                        std::string_view title, std::string_view text) {
  const bool illegal = result.verdict == Verdict::kIllegal;
  size_t end = illegal ? result.failing_mark + 1 : input.marks.size();
  // The window: the marks of the last kHtmlWindowOps ops called before `end`.
  size_t begin = 0, calls = 0;
  for (size_t m = end; m-- > 0;) {
    if (!input.marks[m].is_return && ++calls > kHtmlWindowOps) {
      begin = m + 1;
      break;
    }
  }
  std::unordered_map<uint32_t, std::pair<int, int>> span;  // op -> columns of call, return
  int column = 0;
  for (size_t m = begin; m < end; ++m) {
    const Mark& mark = input.marks[m];
    if (!mark.is_return) span[mark.op] = {column, -1};
    else if (auto it = span.find(mark.op); it != span.end()) it->second.second = column;
    ++column;
  }
  const int last_column = column + 2;
  std::unordered_map<uint32_t, size_t> order;  // op -> position in the partial linearization
  for (size_t i = 0; i < result.partial.size(); ++i)
    if (!(result.partial[i] & kStepBit)) order[result.partial[i]] = i + 1;
  const int64_t failing_call = illegal ? input.ops[result.failing_op].call_ns : 0;

  const int lanes = static_cast<int>(history.ops.size());  // setup + threads
  const int width = kLabelWidth + (last_column + 1) * kColumn;
  const int height = lanes * kLaneHeight + 10;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) + "\" height=\"" +
                    std::to_string(height) + "\">\n";
  auto lane_y = [](int thread) { return (thread + 1) * kLaneHeight + 5; };
  for (int t = -1; t + 1 < lanes; ++t) {
    std::string name = t == kSetupThread ? "setup" : "T" + std::to_string(t);
    svg += "<g class=\"lane\" data-thread=\"" + std::to_string(t) + "\"><text class=\"lane-label\" x=\"4\" y=\"" +
           std::to_string(lane_y(t) + kBarHeight / 2 + 4) + "\">" + name + "</text><line class=\"lane-line\" x1=\"" +
           std::to_string(kLabelWidth) + "\" x2=\"" + std::to_string(width) + "\" y1=\"" +
           std::to_string(lane_y(t) + kBarHeight + 6) + "\" y2=\"" + std::to_string(lane_y(t) + kBarHeight + 6) +
           "\"/></g>\n";
  }
  std::vector<std::pair<size_t, std::pair<int, int>>> points;  // order -> (x, y) of the label
  for (const auto& [op, cols] : span) {
    const CheckOp& c = input.ops[op];
    const int x1 = kLabelWidth + cols.first * kColumn;
    const int x2 = kLabelWidth + (cols.second < 0 ? last_column : cols.second) * kColumn + kColumn / 2;
    const int y = lane_y(c.thread);
    std::string cls = "op";
    auto placed = order.find(op);
    if (placed != order.end()) cls += " linearized";
    else if (illegal && cols.second < 0) cls += " pending";
    if (c.hung) cls += " hung";
    if (illegal && op == result.failing_op) cls += " failing";
    else if (illegal && !c.hung && c.return_ns < failing_call && c.thread != kSetupThread) cls += " before-failing";
    char when[160];
    std::snprintf(when, sizeof when, "called %lld ns, %s", static_cast<long long>(c.call_ns),
                  c.hung ? "never returned" : ("returned " + std::to_string(c.return_ns) + " ns").c_str());
    svg += "<rect class=\"" + cls + "\" data-op=\"" + escape(op_label(c)) + "\" x=\"" + std::to_string(x1) +
           "\" y=\"" + std::to_string(y) + "\" width=\"" + std::to_string(std::max(x2 - x1, 4)) + "\" height=\"" +
           std::to_string(kBarHeight) + "\" rx=\"3\"><title>" + escape(op_label(c) + "  " + describe_outcome(c)) +
           "\n" + when + "</title></rect>\n";
    if (placed != order.end()) {
      const int cx = x1 + 3, cy = y + kBarHeight / 2 + 4;
      svg += "<text class=\"order\" x=\"" + std::to_string(cx) + "\" y=\"" + std::to_string(cy) + "\">" +
             std::to_string(placed->second) + "</text>\n";
      points.push_back({placed->second, {cx, cy - 4}});
    }
  }
  std::sort(points.begin(), points.end());
  if (points.size() > 1) {
    svg += "<polyline class=\"order\" points=\"";
    for (const auto& [n, p] : points) svg += std::to_string(p.first) + "," + std::to_string(p.second) + " ";
    svg += "\"/>\n";
  }
  svg += "</svg>\n";

  std::string verdict_class = result.verdict == Verdict::kOk ? "verdict-ok"
                              : illegal                      ? "verdict-illegal"
                                                             : "verdict-unknown";
  std::string html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + escape(title) +
                     "</title>\n<style>" + kStyle + "</style>\n<script>" + kScript + "</script></head>\n<body>\n";
  html += "<h1>" + escape(title) + ": <span class=\"" + verdict_class + "\" id=\"verdict\">" +
          std::string(verdict_name(result.verdict)) + "</span></h1>\n";
  html += "<p class=\"legend\"><span style=\"background:#ef5350\">failing op</span><span style=\"background:#a5d6a7\">"
          "in the longest partial linearization (numbered in its order)</span><span style=\"background:#fff59d\">in "
          "flight, not linearized</span><span style=\"border:2px solid #1565c0\">returned before the failing op was "
          "called</span><span style=\"border-style:dashed\">hung</span></p>\n";
  if (begin > 0) html += "<p>Showing the last " + std::to_string(kHtmlWindowOps) + " ops before the failure.</p>\n";
  html += svg;
  html += "<h2>Checker output</h2>\n<pre>" + escape(text) + "</pre>\n</body></html>\n";
  return html;
}

}  // namespace nfz::oracles::lin
