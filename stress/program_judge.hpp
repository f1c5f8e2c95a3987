// One program run on a sandbox and judged by the active oracles: the stress loop's step
// (stress/stress_loop.cpp), and fuzz_kernel's for each input (fuzz/), so that both run and
// judge a program the same way: the same child extras, syscall twin, tracer and findings.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "exec/concurrent.hpp"
#include "exec/history_buffer.hpp"
#include "exec/program_server.hpp"
#include "exec/kernel/sleep_tracer.hpp"
#include "exec/sandbox.hpp"
#include "stress/findings.hpp"
#include "stress/kernel_log.hpp"
#include "stress/oracle.hpp"
#include "stress/run_extras.hpp"
#include "stress/stress_loop.hpp"

namespace nfz::stress {

struct ActiveOracle {
  const Oracle* oracle;
  OracleStats* stats;
};

// One oracle's answer on one run.
struct Verdict {
  std::string_view oracle;
  oracles::OracleResult result;
};

// The oracles asked for (or the default ones), each with its stats slot in
// `summary.oracles`; an asked-for oracle that cannot run here is listed as skipped with
// its reason. `why` when a name is unknown.
std::vector<ActiveOracle> choose_oracles(const StressOptions& options, StressSummary& summary, std::string& why);
bool needs(const std::vector<ActiveOracle>& oracles, Needs what);
// What the active oracles want gathered in the child of a run on `target`.
ExtrasWanted extras_for(const std::vector<ActiveOracle>& oracles, const TargetSpec& target);
void count_by_kind(const History& history, StressSummary& summary);
// Runs every active oracle on one run and writes its findings into options.findings_dir
// (a title seen before is only counted, a suppressed one counted as such); each oracle's
// answer into `verdicts` when it is not null.
void judge_run(std::vector<ActiveOracle>& oracles, const RunRecord& record, const FindingOrigin& origin,
               const StressOptions& options, StressSummary& summary, std::vector<Verdict>* verdicts);

// What a judged run saw, beside what it counted into the summary.
struct JudgedRun {
  ConcurrentRun run;
  RunExtras extras;
  std::vector<Verdict> verdicts;  // one per active oracle, in table order
  bool shared_ring = false;
  // An environment problem (the run could not start, no io_uring, a wedged instance
  // could not be rebuilt): the caller stops with exit code 2.
  std::string failure;
};

// The served runs' server of `sandbox`: its child sends each run's extras (FUSE trace,
// cached probes) on `channel` where `oracles` want them.
std::unique_ptr<ProgramServer> make_program_server(Sandbox& sandbox, ExtrasChannel& channel,
                                                   const std::vector<ActiveOracle>& oracles, const StressOptions& options);

class ProgramJudge {
 public:
  // Chooses the oracles asked for (or the default ones) into `summary.oracles` (each
  // asked-for one that cannot run here listed as skipped with its reason), starts the
  // sleep tracer when one needs it (call before any thread exists), opens the child's
  // extras channel and the kernel log. Returns why it could not, or "".
  std::string open(const StressOptions& options, StressSummary& summary);
  bool needs(Needs what) const;

  // Runs `program` on `sandbox` (its syscall twin too when issue.equivalent may judge
  // it), counts the run into `summary`, judges it with every active oracle and writes
  // each violation's finding into options.findings_dir (a title seen before is only
  // counted). `summary` must be the one open() filled.
  JudgedRun run(Sandbox& sandbox, const Program& program, const FindingOrigin& origin, StressSummary& summary);

 private:
  ExtrasWanted extras_for(const TargetSpec& target) const;
  void judge(const RunRecord& record, const FindingOrigin& origin, StressSummary& summary, JudgedRun& out);
  // The served runs' server of `sandbox` (made at its first run), or null where the
  // sandbox is not served (docs/EXECUTOR.md, "Served runs").
  ProgramServer* server_for(Sandbox& sandbox);

  StressOptions options_;
  std::vector<ActiveOracle> oracles_;
  kernel::SleepTracer tracer_;
  ExtrasChannel channel_;
  KernelLog kernel_log_;
  HistoryBuffer buffer_, twin_buffer_;
  Sandbox* served_sandbox_ = nullptr;
  std::unique_ptr<ProgramServer> server_;  // after the channel it sends on: destroyed first
};

}  // namespace nfz::stress
