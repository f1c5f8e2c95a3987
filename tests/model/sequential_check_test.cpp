// check_sequential() (model/lookup/sequential_check.hpp) on programs run on the kernel:
// what io_uring and the executor do to a linked chain after a failed op is the checker's
// to apply, so each case here is a program whose whole history must check clean.
#include <unistd.h>

#include <variant>

#include "core/text.hpp"
#include "exec/sandbox.hpp"
#include "exec/sequential.hpp"
#include "exec/uring_backend.hpp"
#include "model/lookup/sequential_check.hpp"
#include "tests/model/model_test_util.hpp"

namespace nfz::model::testing {
namespace {

struct ChainCase {
  std::string name;
  std::string cite;
  std::string program;
};

std::vector<ChainCase> chain_cases() {
  return {
      // `nameifuzz diff --target tmpfs --seed 1`, program 43, after 751fc32: the close
      // that was cancelled gave f2 back, so the plain close after it succeeds.
      {"CancelledCloseKeepsItsFd",
       "io_uring: a linked op after a failed close is -ECANCELED; the executor gives the cancelled close's fd back",
       "nameifuzz program v1\nthread 0:\n  f2 = open(\"c\", O_RDONLY|O_CREAT, 0)\n  close(f3) [uring link]\n"
       "  close(f2) [uring]\n  close(f2)\n"},
      // Both pass on any kernel: the history carries the rule exec/link_probe.hpp measured.
      {"ChainAfterFailedMkdir",
       "io_uring/fs.c: io_mkdirat() fails without req_set_fail() from 6.0 on, so the chain goes on; a kernel "
       "that sets it (before 6.0, or patched) cancels the open",
       "nameifuzz program v1\nthread 0:\n  mkdir(\"d\", 0755)\n  mkdir(\"d\", 0755) [uring link]\n"
       "  f0 = open(\"d\", O_RDONLY) [uring]\n  close(f0)\n"},
      {"ChainAfterFailedStatx",
       "io_uring/statx.c: io_statx() fails without req_set_fail() from 6.0 on; a kernel that sets it cancels the mkdir",
       "nameifuzz program v1\nthread 0:\n  statx(\"nope\", 0) [uring link]\n  mkdir(\"d\", 0755) [uring]\n"
       "  statx(\"d\", 0)\n"},
  };
}

void PrintTo(const ChainCase& c, std::ostream* os) { *os << c.name; }

class SequentialCheck : public ::testing::TestWithParam<ChainCase> {};

TEST_P(SequentialCheck, KernelHistoryChecksClean) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root: the sandbox mounts a fresh tmpfs in a mount namespace";
  const ChainCase& c = GetParam();
  auto parsed = parse_program(c.program, c.name);
  ASSERT_TRUE(std::holds_alternative<Program>(parsed)) << std::get<ParseError>(parsed).to_string();
  const Program p = std::get<Program>(parsed);
  std::string why;
  auto sandbox = Sandbox::open(*parse_target("tmpfs"), SandboxOptions{}, why);
  if (!sandbox) GTEST_SKIP() << "tmpfs unavailable: " << why;
  const LookupModel model(Profile::kTmpfs, Mode::kSequential);
  RunStatus st = sandbox->run([&](const SandboxEnv& env) {
    History h;
    SequentialOptions options;
    options.op_deadline_ns = 50'000'000;
    if (!run_sequential(p, env, options, h, [](const Event&) {}).empty()) return 3;
    auto d = check_sequential(model, h, kMaxChain);
    if (!d) return 0;
    const Event& e = h.events[d->event];
    std::fprintf(stderr, "%s: %s = %s, the model allows only", c.name.c_str(), print_op(h.op_of(e)).c_str(),
                 result_name(d->observed).c_str());
    for (int32_t r : d->allowed) std::fprintf(stderr, " %s", result_name(r).c_str());
    std::fprintf(stderr, "\n");
    return 1;
  });
  if (st.exit_code == 3) GTEST_SKIP() << "io_uring unavailable";
  EXPECT_EQ(st.exit_code, 0) << c.name << " [" << c.cite << "]";
}

struct ChainCaseName {
  std::string operator()(const ::testing::TestParamInfo<ChainCase>& info) const { return info.param.name; }
};
INSTANTIATE_TEST_SUITE_P(Lookup, SequentialCheck, ::testing::ValuesIn(chain_cases()), ChainCaseName());

}  // namespace
}  // namespace nfz::model::testing
