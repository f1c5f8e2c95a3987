// Helpers for the lookup model's tests: ops from their .nfz lines, and a model run that
// follows one outcome of each op.
#pragma once

#include <gtest/gtest.h>

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

}  // namespace nfz::model::testing
