// One replay of a program on a fresh instance of a target, judged by one oracle: the
// step confirm and minimize repeat. It gathers what that oracle needs as the stress
// loop does (the FUSE trace, sleeps, probes, the syscall twin, the kernel log), so a
// replay judges the program exactly as the run that found it did.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/fuse_trace.hpp"
#include "core/history.hpp"
#include "exec/sandbox.hpp"
#include "exec/kernel/sleep_tracer.hpp"
#include "oracles/violation.hpp"
#include "stress/kernel_log.hpp"
#include "stress/oracle.hpp"
#include "stress/run_extras.hpp"

namespace nfz::pipeline {

struct TrialOptions {
  TargetSpec target;
  std::string oracle;            // a name of the stress loop's oracle table
  bool shared_ring = false;      // one ring for all threads, as the finding's run had
  int64_t op_deadline_ns = 250'000'000;
};

struct TrialResult {
  History history;
  std::optional<FuseTrace> fuse;
  std::vector<oracles::Violation> violations;
  bool environment_error = false;  // the run could not start: `why` says so

  bool has(const std::string& title) const;
};

class Trial {
 public:
  // Prepares the target and the oracle's gatherers (call while single-threaded: the
  // sleep tracer starts here). Null and `why` on an unknown oracle or a target that
  // cannot be made.
  static std::unique_ptr<Trial> open(const TrialOptions& options, std::string& why);
  TrialResult run(const Program& program);

  const TrialOptions& options() const { return options_; }
  // "on", "off" or "skipped: why": what the sleep tracer does for this oracle.
  const std::string& tracing() const { return tracing_; }
  uint64_t runs() const { return runs_; }

 private:
  explicit Trial(TrialOptions options) : options_(std::move(options)) {}

  TrialOptions options_;
  const stress::Oracle* oracle_ = nullptr;
  std::unique_ptr<Sandbox> sandbox_;
  stress::ExtrasChannel channel_;
  kernel::SleepTracer tracer_;
  stress::KernelLog kernel_log_;
  std::string tracing_ = "off";
  uint64_t runs_ = 0;
};

// The oracle a title names: the text before its first ": " ("nonblock.issue: ...").
std::string oracle_of_title(const std::string& title);

}  // namespace nfz::pipeline
