#include "repro/c_checks.hpp"

#include <algorithm>

#include "core/flags.hpp"
#include "repro/c_program.hpp"

namespace nfz::repro {
namespace {

std::string nothing(const CheckContext&, std::string&) { return "\n"; }

// issue.equivalent judges the setup (the oracle's rule: it runs alone, on a known state),
// and also the one thread of a sequential program.
std::string equivalent_lists(const CheckContext& ctx, std::string&) {
  int lists = ctx.program.threads.size() == 1 ? 2 : 1;
  return "#define TWIN_LISTS " + std::to_string(lists) + "\n";
}

// Whether the History's ops are the program's (it is the History of this program).
bool same_ops(const Program& p, const History& h) {
  if (h.ops.size() != p.threads.size() + 1 || h.ops[0] != p.setup) return false;
  for (size_t t = 0; t < p.threads.size(); ++t)
    if (h.ops[t + 1] != p.threads[t]) return false;
  return true;
}

std::string history_outcomes(const CheckContext& ctx, std::string& why) {
  if (!ctx.failing) {
    why = "linearizable needs the failing History (--history): its outcomes are what repro.c looks for";
    return {};
  }
  const History& h = *ctx.failing;
  if (!same_ops(ctx.program, h)) {
    why = "the History is not of this program (its ops differ)";
    return {};
  }
  if (h.events.empty()) {
    why = "the History has no events";
    return {};
  }
  std::string table = "static const struct expected expected[] = {\n", summary;
  for (const Event& e : h.events) {
    bool hung = e.how == Completion::kHung;
    table += "  {" + std::to_string(e.thread + 1) + ", " + std::to_string(e.index) + ", " + std::to_string(e.result) +
             ", " + (hung ? "1" : "0") + "},\n";
    std::string where = e.thread == kSetupThread ? "setup" : "T" + std::to_string(e.thread);
    std::string outcome = hung ? "hung" : e.result >= 0 ? "ok" : errno_name(-e.result);
    if (summary.size() < 300) summary += (summary.empty() ? "" : ", ") + where + " #" + std::to_string(e.index) + " " + outcome;
  }
  if (summary.size() >= 300) summary += ", ...";
  table += "};\n#define NEXPECTED " + std::to_string(h.events.size()) + "\n";
  return "struct expected { int list, index, res, hung; };\n" + table + "#define HISTORY_SUMMARY " + c_string(summary) + "\n";
}

// negative.fresh reads the requests of repro.c's own FUSE server.
std::string fuse_target_only(const CheckContext& ctx, std::string& why) {
  if (ctx.target.starts_with("fuse:")) return "\n";
  why = "negative.fresh judges FUSE requests: a fuse:* target";
  return {};
}

constexpr ReproCheck kChecks[] = {
    {"kernel.health", "check_kernel_health",
     "an io_uring CQE carries a kernel-internal errno (-512 ERESTARTSYS .. -530), e.g. after the cancel at an op's deadline",
     nothing},
    {"nonblock.issue", "check_nonblock_issue",
     "an inline io_uring op (open without O_CREAT/O_TRUNC/O_TMPFILE, close; not IOSQE_ASYNC) made the submit-only "
     "io_uring_enter sleep: nvcsw (getrusage RUSAGE_THREAD) rose across it; on FUSE, for at least half the fault's "
     "latency, while the submitting thread waited for the named request",
     nothing},
    {"nonblock.walk", "check_nonblock_walk",
     "an openat2(RESOLVE_CACHED) left RCU mode: it answered an errno only ->lookup, ->d_revalidate or IO gives "
     "(not EAGAIN, ENOENT, ENOTDIR, ELOOP, ...), or on FUSE a LOOKUP or READLINK came from its thread during it",
     nothing},
    {"issue.equivalent", "check_issue_equivalent",
     "an io_uring op (setup, or the one thread of a sequential program) ends differently from the same op as a plain "
     "system call on a fresh target (a result, an errno, or waiting past the deadline)",
     equivalent_lists},
    {"linearizable", "check_history",
     "the run ends with every outcome of the failing History (the combination no order of the ops explains)",
     history_outcomes},
    {"uring.link", "check_uring_link",
     "a failed request does not sever its IOSQE_IO_LINK chain: the linked request after it runs instead of "
     "completing -ECANCELED",
     nothing},
    {"negative.fresh", "check_negative_fresh",
     "the kernel sent FUSE MKNOD, MKDIR or CREATE for a name repro.c's server holds (it trusted a negative dentry: "
     "lookup_open() and filename_create() create only names they believe absent)",
     fuse_target_only},
};

}  // namespace

std::span<const ReproCheck> repro_checks() { return kChecks; }

const ReproCheck* repro_check_by_name(std::string_view oracle) {
  auto it = std::find_if(std::begin(kChecks), std::end(kChecks), [&](const ReproCheck& c) { return c.oracle == oracle; });
  return it == std::end(kChecks) ? nullptr : &*it;
}

}  // namespace nfz::repro
