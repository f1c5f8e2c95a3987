// The `linearizable` oracle proper: a History checked against the reference lookup model
// (model/lookup/) with a filesystem profile.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/history.hpp"
#include "oracles/linearizability/check_input.hpp"
#include "oracles/linearizability/check_result.hpp"

namespace nfz::oracles::lin {

struct LookupCheck {
  CheckInput input;
  CheckResult result;
  double seconds = 0;
};

// Profiles the lookup model knows ("tmpfs", ...).
std::vector<std::string> lookup_profiles();

// Checks `history` against LookupModel(profile). Returns "" or why it cannot be checked
// (unknown profile, an event naming no op); `bad_event` then says which event, if one.
std::string check_with_lookup_model(const History& history, std::string_view profile, const Budget& budget,
                                    LookupCheck& out, size_t* bad_event = nullptr);

}  // namespace nfz::oracles::lin
