// The stress loop's oracles as a table (STYLE: oracles registered with display names):
// each entry is a name, a check over one run, and a reason it cannot run here (empty when
// it can). An oracle joins by adding one entry to oracle_table() in stress/oracle_table.cpp.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/fuse_trace.hpp"
#include "core/history.hpp"
#include "core/sleep_trace.hpp"
#include "exec/target.hpp"
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
  // fuse:* targets: the observer's requests during the run (stress/run_extras.hpp).
  const FuseTrace* fuse = nullptr;
  bool fuse_quiescent = false;  // the trace ends after drop_caches and the FORGETs
  // Where the run's threads slept (null: tracefs not available or not asked for).
  const std::vector<SleepSample>* sleeps = nullptr;
  // cached.complete, judged in the run's child where the probes ran (null: not probed).
  const oracles::OracleResult* cached_complete = nullptr;
  int64_t op_deadline_ns = 0;  // the executor's per-op deadline in this run
  bool shared_ring = false;    // one ring for all threads (else a ring per thread)
};

// What an oracle needs gathered in the run's child (see stress/run_extras.hpp).
enum class Needs : uint8_t { kFuseTrace, kFuseQuiescent, kCachedProbes, kSleeps };

struct Oracle {
  std::string_view name;
  std::string_view summary;
  bool default_on = true;
  std::function<oracles::OracleResult(const RunRecord&)> check;
  // Why it cannot run on this machine, build or these targets ("" when it can); asked
  // once at start.
  std::function<std::string(const std::vector<TargetSpec>&)> skipped;
  std::vector<Needs> needs = {};
};

// Oracle groups --oracles accepts besides single names: "fuse" (lookup.single,
// lookup.balance, negative.fresh) and "nonblock" (nonblock.walk, nonblock.issue,
// cached.complete). Returns the names `name` stands for (itself when no group).
std::vector<std::string_view> expand_oracle_group(std::string_view name);

// Whether the cached.complete probes run on this target.
bool target_gets_cached_probes(TargetKind kind);

const std::vector<Oracle>& oracle_table();
const Oracle* find_oracle(std::string_view name);

}  // namespace nfz::stress
