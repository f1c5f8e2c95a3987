#include "stress/kernel_health.hpp"

#include <cerrno>
#include <cstdio>

#include "core/text.hpp"
#include "stress/kernel_log.hpp"

namespace nfz::stress {
namespace {

constexpr int kErestartSys = 512;  // include/linux/errno.h, never meant for user space

std::string hex(unsigned long v) {
  char buf[32];
  snprintf(buf, sizeof buf, "0x%lx", v);
  return buf;
}

}  // namespace

oracles::OracleResult check_kernel_health(const RunRecord& run) {
  oracles::OracleResult r;
  std::string target(run.target);
  if (run.kernel_log) {
    ++r.checks;
    KernelLog::News news = run.kernel_log->read_new();
    for (const auto& line : news.lines)
      if (std::string_view p = trouble_in(line); !p.empty())
        r.violations.push_back({"kernel.health: " + std::string(p) + " on " + target, line});
    if (news.taint_after != news.taint_before)
      r.violations.push_back({"kernel.health: taint changed on " + target,
                              "tainted " + hex(news.taint_before) + " -> " + hex(news.taint_after)});
  }
  for (const Event& e : run.history.events) {
    ++r.checks;
    if (e.how != Completion::kHung) continue;
    // Explained: it came back from the harness's interrupt or cancel (an interruptible
    // wait: on these targets, a FIFO open waiting for its other end), or it was cancelled
    // before it started (a linked successor of such an op).
    // io-wq posts an interrupted open's -ERESTARTSYS (512) to the CQE as it is.
    if (e.result == -EINTR || e.result == -kErestartSys || e.result == -ECANCELED || e.ino != 0) continue;
    const Op& op = run.history.op_of(e);
    r.violations.push_back({"kernel.health: " + std::string(op_name(op)) + " hung on " + target,
                            (e.thread == kSetupThread ? std::string("setup") : "T" + std::to_string(e.thread)) +
                                " #" + std::to_string(e.index) + " " + print_op(op) +
                                " did not complete within its deadline"});
  }
  return r;
}

}  // namespace nfz::stress
