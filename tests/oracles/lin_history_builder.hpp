// Hand-written histories for the linearizability tests: ops in .nfz syntax with call and
// return times and an outcome, turned into a History.
#pragma once

#include <cctype>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "core/flags.hpp"
#include "core/history.hpp"
#include "core/text.hpp"

namespace nfz::oracles::lin::testing {

inline constexpr int64_t kHung = -1;

struct TimedOp {
  int thread;
  const char* op;        // .nfz syntax
  int64_t call, ret;     // ret kHung: never returned
  const char* outcome;   // "ok", a number, or an errno name
};

struct HistoryCase {
  const char* name;
  std::vector<const char*> setup;  // each succeeded
  std::vector<TimedOp> ops;        // each thread's ops in its order
};

inline Op parse(const char* text) {
  auto parsed = parse_op(text, "test", 1);
  if (auto* err = std::get_if<ParseError>(&parsed)) throw std::runtime_error(err->to_string());
  return std::get<Op>(parsed);
}

inline int32_t outcome_value(const std::string& s) {
  if (s == "ok") return 0;
  if (!s.empty() && s[0] == 'E') return -*errno_by_name(s);
  return std::stoi(s);
}

inline History build_history(const HistoryCase& c) {
  History h;
  h.target = "tmpfs";
  h.ops.emplace_back();
  int64_t t = 1;
  for (const char* s : c.setup) {
    h.ops[0].push_back(parse(s));
    Event e;
    e.thread = kSetupThread;
    e.index = static_cast<uint32_t>(h.ops[0].size() - 1);
    e.call_ns = t;
    e.return_ns = t + 1;
    t += 2;
    h.events.push_back(e);
  }
  for (const TimedOp& o : c.ops) {
    while (h.ops.size() < static_cast<size_t>(o.thread) + 2) h.ops.emplace_back();
    auto& lane = h.ops[o.thread + 1];
    lane.push_back(parse(o.op));
    Event e;
    e.thread = o.thread;
    e.index = static_cast<uint32_t>(lane.size() - 1);
    e.call_ns = o.call + 1'000'000;  // after setup, whatever the case says
    e.return_ns = o.ret == kHung ? -1 : o.ret + 1'000'000;
    e.how = o.ret == kHung ? Completion::kHung : Completion::kSyscall;
    e.result = outcome_value(o.outcome);
    h.events.push_back(e);
  }
  return h;
}

// A case's name as a gtest name: what is not a letter or digit becomes '_'.
inline std::string gtest_name(const char* name) {
  std::string s;
  for (const char* p = name; *p; ++p) s += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
  return s;
}

}  // namespace nfz::oracles::lin::testing
