// The stress loop's oracles as a table (STYLE: oracles registered with display names):
// each entry is a name, a check over one run, and a reason it cannot run here (empty when
// it can). An oracle that lands later (linearizable, the FUSE and nonblock oracles) joins
// by adding one entry to oracle_table() in stress/oracle_table.cpp.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/history.hpp"
#include "oracles/violation.hpp"

namespace nfz::stress {

class KernelLog;

// One run as the oracles see it.
struct RunRecord {
  const Program& program;
  const History& history;
  std::string_view target;
  // issue.equivalent: the setup's events replayed with every op as a plain syscall (null
  // when no twin was run for this program).
  const History* syscall_twin = nullptr;
  KernelLog* kernel_log = nullptr;  // kernel.health: what /dev/kmsg said since the last run
};

struct Oracle {
  std::string_view name;
  std::string_view summary;
  bool default_on = true;
  std::function<oracles::OracleResult(const RunRecord&)> check;
  // Why it cannot run on this machine or build ("" when it can); asked once at start.
  std::function<std::string()> skipped;
};

const std::vector<Oracle>& oracle_table();
const Oracle* find_oracle(std::string_view name);

}  // namespace nfz::stress
