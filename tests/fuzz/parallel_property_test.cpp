// A rapidcheck parallel state machine on the real kernel: a sequential prefix (setup) and
// two or three parallel suffixes (threads) of namespace ops, each program run several times
// on a resident tmpfs (interleavings differ between runs), every history judged by the
// linearizability checker against the reference model. A failure is shrunk by rapidcheck
// to a minimal parallel case, and rapidcheck prints the string that reproduces it
// (RC_PARAMS="reproduce=...").
//
// NFZ_INJECT names an executor fault to inject (e.g. excl-double-success: an exclusive
// create of an existing name reports success); it is passed on as it is, and this property
// must then fail and shrink (docs/FUZZING.md).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <optional>

#include "core/generate.hpp"
#include "core/text.hpp"
#include "exec/concurrent.hpp"
#include "exec/history_buffer.hpp"
#include "exec/inject.hpp"
#include "exec/sandbox.hpp"
#include "oracles/linearizability/lookup_check.hpp"

namespace nfz {

// rapidcheck prints a counterexample with this.
void showValue(const Program& program, std::ostream& os) { os << "\n" << print_program(program); }

namespace {

constexpr int kRunsPerProgram = 3;

// Symlinks are left out: the checker does not yet take a followed symlink as its own step
// (docs/ORACLES.md), and its ELOOP histories would be false alarms.
rc::Gen<Op> namespace_op() {
  return rc::gen::mapcat(rc::gen::weightedElement<OpKind>({{6, OpKind::kOpen}, {2, OpKind::kClose},
                                                           {3, OpKind::kMkdir}, {2, OpKind::kRmdir},
                                                           {2, OpKind::kUnlink}, {3, OpKind::kRename},
                                                           {1, OpKind::kLink}, {2, OpKind::kStatx}}),
                         gen::op_of_kind);
}

// Each list (setup, thread t) keeps to fd registers of its own, four each: a close of a
// register another thread's open is filling is judged wrongly by the checker, which takes
// the create and the register write as one step (the executor writes the register after
// the syscall returns): "close EBADF unexplained".
constexpr int kSlotsPerList = 4;
void own_registers(std::vector<Op>& ops, int list) {
  for (Op& op : ops) {
    if (op.fd != kNoSlot) op.fd = static_cast<int8_t>(list * kSlotsPerList + op.fd % kSlotsPerList);
    if (op.dirfd != kNoSlot) op.dirfd = static_cast<int8_t>(list * kSlotsPerList + op.dirfd % kSlotsPerList);
  }
}

rc::Gen<Program> parallel_program() {
  return rc::gen::exec([] {
    Program p;
    p.setup = *rc::gen::resize(6, rc::gen::container<std::vector<Op>>(namespace_op()));
    int threads = *rc::gen::inRange(2, 4);
    for (int t = 0; t < threads; ++t)
      p.threads.push_back(*rc::gen::resize(4, rc::gen::nonEmpty(rc::gen::container<std::vector<Op>>(namespace_op()))));
    own_registers(p.setup, 0);
    for (int t = 0; t < threads; ++t) own_registers(p.threads[t], t + 1);
    return p;
  });
}

size_t op_count(const Program& p) {
  size_t n = p.setup.size();
  for (const auto& t : p.threads) n += t.size();
  return n;
}

// The property on tmpfs under `params` (none: RC_PARAMS', as rc::check takes them).
// `smallest`: the last program that failed, which, after rapidcheck's shrinking, is the
// minimal case it prints. Skips (returns nullopt) where tmpfs or io_uring is missing.
std::optional<bool> check_parallel(const std::optional<rc::detail::TestParams>& params, Program* smallest) {
  std::string why;
  SandboxOptions options;
  options.resident = true;
  auto sandbox = Sandbox::open(*parse_target("tmpfs"), options, why);
  if (!sandbox) {
    std::cerr << "ParallelKernel: tmpfs: " << why << "\n";
    return std::nullopt;
  }
  HistoryBuffer buffer;
  ConcurrentOptions run_options;
  run_options.op_deadline_ns = 250'000'000;
  bool no_uring = false;
  auto property = [&] {
    Program program = *parallel_program();
    for (int run = 0; run < kRunsPerProgram; ++run) {
      ConcurrentRun r = run_program(*sandbox, program, run_options, buffer);
      if (r.code == kRunNoUring) {
        no_uring = true;
        return;
      }
      if (r.code == kExitEnvironment) std::cerr << "ParallelKernel: environment failure (stalled " << r.status.stalled << ", abandoned " << r.status.abandoned << ")\n";
      RC_ASSERT(r.code != kExitEnvironment);
      auto verdict = oracles::check_linearizable_run(program, r.history, "tmpfs");
      if (!verdict.violations.empty()) {
        if (smallest) *smallest = program;
        // A nondeterministic history: the case rapidcheck shrinks to may pass when it is
        // replayed, so every failing history is printed as it is found.
        std::cerr << "ParallelKernel: " << verdict.violations.front().title << "\n" << print_program(program) << "\n"
                  << verdict.violations.front().detail << "\n";
        RC_LOG() << verdict.violations.front().detail << "\n";
        RC_FAIL(verdict.violations.front().title + " (run " + std::to_string(run + 1) + " of " +
                std::to_string(kRunsPerProgram) + ")");
      }
    }
  };
  bool ok;
  if (params) {  // rc::check would take RC_PARAMS' (rapidcheck reads them once)
    rc::detail::TestMetadata metadata;
    metadata.id = metadata.description = "parallel suffixes on tmpfs, an injected fault";
    const auto result = rc::detail::checkTestable(property, metadata, *params);
    rc::detail::printResultMessage(result, std::cerr);
    std::cerr << "\n";
    ok = result.template is<rc::detail::SuccessResult>();
  } else {
    ok = rc::check("parallel suffixes on tmpfs are linearizable", property);
  }
  if (no_uring) return std::nullopt;
  return ok;
}

// NFZ_INJECT=<fault> (exec/inject.hpp) runs the property with that fault injected: it then
// fails, and rapidcheck prints the minimal parallel case.
TEST(ParallelKernel, TmpfsHistoriesAreLinearizable) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for mount namespaces";
  if (const char* name = std::getenv("NFZ_INJECT")) {
    std::string why;
    inject::Injection in = inject::parse(name, why);
    ASSERT_TRUE(why.empty()) << "NFZ_INJECT: " << why;
    inject::enable(in);
    std::cerr << "ParallelKernel: inject " << name << "\n";
  }
  std::optional<bool> ok = check_parallel(std::nullopt, nullptr);
  inject::disable();
  if (!ok) GTEST_SKIP() << "tmpfs or io_uring unavailable (stderr says which)";
  EXPECT_TRUE(*ok) << "rapidcheck printed the minimal parallel case and its reproduce string above";
}

// An unlink that reports success and removes nothing (inject unlink-phantom): the property
// finds it and shrinks it to a small parallel case that still has the unlink.
TEST(ParallelKernel, FindsAnInjectedFaultAndShrinksItToAMinimalParallelCase) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for mount namespaces";
  std::string why;
  inject::enable(inject::parse("unlink-phantom", why));
  ASSERT_TRUE(why.empty()) << why;
  Program smallest;
  rc::detail::TestParams params;
  params.seed = 1;
  params.maxSuccess = 300;
  std::optional<bool> ok = check_parallel(params, &smallest);
  inject::disable();
  if (!ok) GTEST_SKIP() << "tmpfs or io_uring unavailable (stderr says which)";
  EXPECT_FALSE(*ok) << "an unlink that removes nothing went unnoticed";
  EXPECT_GE(smallest.threads.size(), 2u) << print_program(smallest);
  EXPECT_LE(op_count(smallest), 4u) << print_program(smallest);
  bool unlinks = false;
  for (const Op& op : smallest.setup) unlinks |= op.kind == OpKind::kUnlink;
  for (const auto& thread : smallest.threads)
    for (const Op& op : thread) unlinks |= op.kind == OpKind::kUnlink;
  EXPECT_TRUE(unlinks) << print_program(smallest);
}

}  // namespace
}  // namespace nfz
