#include <unistd.h>

#include "oracles/nonblock/nonblock.hpp"
#include "stress/issue_equivalent.hpp"
#include "stress/kernel_health.hpp"
#include "stress/oracle.hpp"

namespace nfz::stress {

const std::vector<Oracle>& oracle_table() {
  static const std::vector<Oracle> table = {
      {"kernel.health", "kmsg BUG/WARNING/hung task/RCU stall/GPF/list corruption, taint, ops past deadline", true,
       check_kernel_health,
       [] { return access("/dev/kmsg", R_OK) == 0 ? std::string() : std::string("/dev/kmsg unreadable (needs root)"); }},
      {"issue.equivalent", "setup ops: io_uring outcome == plain syscall outcome on the same state", true,
       check_issue_equivalent, [] { return std::string(); }},
      {"linearizable", "history explained by the reference lookup model", true, nullptr,
       [] { return std::string("the reference lookup model (model/lookup) has not landed yet"); }},
      {"nonblock.issue", "inline io_uring ops never make the submitter sleep (nvcsw only, no tracer)", false,
       [](const RunRecord& run) -> oracles::OracleResult {
         return oracles::check_nonblock_issue({run.history, nullptr, nullptr});
       },
       [] { return std::string(); }},
  };
  return table;
}

const Oracle* find_oracle(std::string_view name) {
  for (const auto& o : oracle_table())
    if (o.name == name) return &o;
  return nullptr;
}

}  // namespace nfz::stress
