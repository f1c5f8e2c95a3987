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

  void merge(OracleResult&& other) {
    checks += other.checks;
    for (auto& v : other.violations) violations.push_back(std::move(v));
  }
};

}  // namespace nfz::oracles
