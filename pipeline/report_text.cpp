#include "pipeline/report_text.hpp"

#include <cstdio>
#include <sstream>

#include "core/text.hpp"

namespace nfz::pipeline {
namespace {

struct Promise {
  std::string_view oracle;
  std::string_view op;  // linearizable: the op the title names first ("" any)
  std::string_view where;
  std::string_view quote;
};

// Quotes are verbatim (man-pages 6.x, liburing's io_uring_enter.2, the kernel source).
constexpr Promise kPromises[] = {
    {"linearizable", "open", "open(2), O_EXCL",
     "Ensure that this call creates the file: if this flag is specified in conjunction with O_CREAT, and pathname "
     "already exists, then open() fails with the error EEXIST."},
    {"linearizable", "unlink", "unlink(2)", "unlink() deletes a name from the filesystem."},
    {"linearizable", "rename", "rename(2)", "rename() renames a file, moving it between directories if required."},
    {"linearizable", "", "the reference model (docs/MODEL.md)",
     "Each op's outcome must be explained by some order of the ops, consistent with real time, that the "
     "documented semantics of open(2), rename(2), unlink(2), mkdir(2), link(2) and symlink(2) accept."},
    {"nonblock.issue", "", "io_uring_enter(2), IOSQE_ASYNC",
     "Normal operation for io_uring is to try and issue an sqe as non-blocking first, and if that fails, execute it "
     "in an async manner."},
    {"nonblock.walk", "", "openat2(2), RESOLVE_CACHED",
     "Make the open operation fail unless all path components are already present in the kernel's lookup cache. If "
     "any kind of revalidation or I/O is needed to satisfy the lookup, openat2() fails with the error EAGAIN."},
    {"cached.complete", "", "openat2(2), RESOLVE_CACHED",
     "Make the open operation fail unless all path components are already present in the kernel's lookup cache."},
    {"negative.fresh", "", "fs/namei.c, lookup_open()",
     "The kernel sends CREATE only for a dentry it holds negative under the parent's exclusive i_rwsem; "
     "fuse_atomic_open() LOOKUPs an in-lookup dentry first."},
    {"issue.equivalent", "", "io_uring_enter(2), IOSQE_ASYNC",
     "Normal operation for io_uring is to try and issue an sqe as non-blocking first, and if that fails, execute it "
     "in an async manner. (The outcome is the same however the sqe is issued.)"},
    {"kernel.health", "", "Documentation/admin-guide/reporting-issues.rst",
     "A warning or BUG in the kernel's log, a taint or a hung task is a kernel problem to report."},
};

std::string_view first_op_of(const std::string& title) {
  size_t colon = title.find(": ");
  if (colon == std::string::npos) return {};
  std::string_view rest = std::string_view(title).substr(colon + 2);
  return rest.substr(0, rest.find(' '));
}

std::string seconds_text(double s) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

std::string indent(const std::string& text, const std::string& prefix) {
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) out += prefix + line + "\n";
  return out;
}

}  // namespace

std::string replay_command(const FindingFacts& f) {
  return "nameifuzz replay repro.nfz --target " + f.target + " --threads-concurrent" + (f.shared_ring ? " --shared-ring" : "") +
         (f.injected.empty() || f.injected.rfind("fuse-", 0) == 0 ? "" : " --inject " + f.injected);
}

std::string documented_for(const FindingFacts& f) {
  std::string_view op = first_op_of(f.title);
  for (const Promise& p : kPromises)
    if (p.oracle == f.oracle && (p.op.empty() || op.rfind(p.op, 0) == 0))
      return "  " + std::string(p.where) + ":\n    \"" + std::string(p.quote) + "\"\n";
  return "  docs/ORACLES.md, " + f.oracle + "\n";
}

std::string report_text(const FindingFacts& f, const Program& repro, const CReproducer& c) {
  std::string r;
  r += "Subject: [BUG] " + f.title + "\n\n";
  if (!f.injected.empty()) r += "NOTE: made by the injected fault " + f.injected + " (a test aid); not a kernel bug.\n\n";
  r += "Kernel: " + f.kernel_release + "\nTarget: " + f.target + (f.shared_ring ? " (one io_uring shared by the threads)" : "") +
       "\nConfirmed: " + f.rate + " replays on fresh instances of the target\n\n";
  r += "What happened\n" + indent(f.detail.empty() ? "(see history.jsonl)" : f.detail, "  ") + "\n";
  r += "What is documented\n" + documented_for(f) + "\n";
  r += "Reproducer (nameifuzz program, " + std::to_string(repro.op_count()) + " ops in " +
       std::to_string(repro.threads.size()) + (repro.threads.size() == 1 ? " thread" : " threads") +
       (f.minimize ? ", minimized from " + std::to_string(f.original_ops) + " ops" : "") + ")\n";
  r += indent(print_program(repro), "  ") + "  run: " + replay_command(f) + "\n\n";
  r += "C reproducer\n";
  if (c.written) r += "  " + c.build + "\n  ./repro   (exits 1 and says so when it reproduces, 0 when not)\n\n";
  else r += "  repro.c: " + c.status + "\n\n";
  r += "How it was found\n  " + f.found_by + "\n";
  if (f.minimize)
    r += "  minimized in " + seconds_text(f.minimize->seconds) + " (" +
         std::to_string(f.minimize->candidates) + " candidates, stopped at " +
         (f.minimize->budget_spent ? "the budget" : "a local minimum") + "), original confirm rate " + f.original_rate + "\n";
  r += "  files: repro.nfz, history.jsonl, history.html (timeline), kmsg.txt, summary.json\n";
  return r;
}

}  // namespace nfz::pipeline
