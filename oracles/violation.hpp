// What an oracle reports: how much it checked, and each violation with a stable title
// (the finding's dedup key: oracle, op or request kinds, errnos, class; no ids, pids or
// times) and a detail for a person.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nfz::oracles {

struct Violation {
  std::string title;
  std::string detail;
};

struct OracleResult {
  uint64_t checks = 0;
  std::vector<Violation> violations;
  uint64_t unknown = 0;     // checks that ran out of budget: neither kept nor broken
  uint64_t not_judged = 0;  // runs the oracle had to leave alone (its reason in the docs)

  void merge(OracleResult&& other) {
    checks += other.checks;
    unknown += other.unknown;
    not_judged += other.not_judged;
    for (auto& v : other.violations) violations.push_back(std::move(v));
  }
};

}  // namespace nfz::oracles
