// Helpers for the lookup model's tests: ops from their .nfz lines, and a model run that
// follows one outcome of each op.
#pragma once

#include <gtest/gtest.h>

#include <optional>

#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/text.hpp"
#include "model/lookup/lookup_model.hpp"

namespace nfz::model::testing {

inline Op parse(std::string_view line) {
  auto parsed = parse_op(line, "test", 1);
  if (auto* err = std::get_if<ParseError>(&parsed)) {
    ADD_FAILURE() << err->to_string();
    return Op{};
  }
  return std::get<Op>(parsed);
}

class Sim {
 public:
  explicit Sim(Profile profile = Profile::kTmpfs, Mode mode = Mode::kSequential)
      : model_(profile, mode), state_(model_.initial()) {}

  // Every result `line` may give from the current state (the state stays).
  std::set<int32_t> outcomes(std::string_view line) {
    model_.step(state_, parse(line), out_);
    std::set<int32_t> results;
    for (const Transition& t : out_) results.insert(t.result);
    return results;
  }

  // Runs `line` and follows its outcome: the only one, or else the one giving `want`.
  int32_t run(std::string_view line, std::optional<int32_t> want = std::nullopt) {
    out_.clear();
    model_.step(state_, parse(line), out_);
    if (out_.empty()) {
      ADD_FAILURE() << "no outcome for " << line;
      return -1;
    }
    const Transition* pick = &out_.front();
    if (want) {
      pick = nullptr;
      for (const Transition& t : out_)
        if (t.result == *want) pick = &t;
      if (!pick) {
        ADD_FAILURE() << line << " cannot give " << *want;
        return -1;
      }
    } else if (out_.size() != 1) {
      ADD_FAILURE() << line << " has " << out_.size() << " outcomes";
    }
    int32_t r = pick->result;
    state_ = pick->next;
    return r;
  }

  void run_all(const std::vector<std::string>& lines) {
    for (const std::string& l : lines) run(l);
  }

  const State& state() const { return state_; }
  State& state() { return state_; }
  const LookupModel& model() const { return model_; }

 private:
  LookupModel model_;
  State state_;
  std::vector<Transition> out_;
};

// A named POSIX/Linux case: setup ops (one outcome each), then steps, each with the
// results the model must allow exactly. `cite` names the man page or kernel function
// that defines the behaviour.
struct Step {
  std::string op;
  std::set<int32_t> expect;
};
struct Case {
  std::string name;
  std::string cite;
  std::vector<std::string> setup;
  std::vector<Step> steps;
  Profile profile = Profile::kTmpfs;
  Mode mode = Mode::kSequential;
};

inline std::string results_text(const std::set<int32_t>& results) {
  std::string out = "{";
  for (int32_t r : results) {
    if (out.size() > 1) out += ", ";
    out += r == kBlocks ? "blocks" : r >= 0 ? std::to_string(r) : "-" + std::to_string(-r);
  }
  return out + "}";
}

// Runs `c` on the model: each step must allow exactly its results; the run then follows
// the step's success if it has one, else its first outcome.
inline void check_case(const Case& c) {
  Sim m(c.profile, c.mode);
  for (const std::string& line : c.setup) m.run(line);
  for (const Step& step : c.steps) {
    std::set<int32_t> got = m.outcomes(step.op);
    EXPECT_EQ(results_text(got), results_text(step.expect)) << c.name << ": " << step.op << "  [" << c.cite << "]";
    m.run(step.op, got.count(0) ? 0 : got.empty() ? -1 : *got.rbegin());
  }
}

inline void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

// gtest parameter names: the case's name.
struct CaseName {
  std::string operator()(const ::testing::TestParamInfo<Case>& info) const { return info.param.name; }
};

}  // namespace nfz::model::testing
