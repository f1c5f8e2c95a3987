// Every named case (tests/model/*_cases.hpp) run on the kernel: the setup ops must
// succeed and each step's result must be one the case expects. This keeps the cases, and
// so the model they pin, honest. Each case runs on a fresh instance of the filesystem its
// profile names; cases about races (Mode::kConcurrent) have nothing sequential to run.
#include <unistd.h>

#include <cstdio>
#include <map>
#include <memory>

#include "exec/sandbox.hpp"
#include "exec/sequential.hpp"
#include "model/lookup/sequential_check.hpp"
#include "tests/model/namespace_cases.hpp"
#include "tests/model/open_cases.hpp"
#include "tests/model/resolve_cases.hpp"

namespace nfz::model::testing {
namespace {

std::vector<Case> every_case() {
  std::vector<Case> all;
  for (auto list : {open_cases(), all_namespace_cases(), resolve_cases(), fifo_cases(), profile_cases()})
    for (Case& c : list)
      if (c.mode == Mode::kSequential) all.push_back(std::move(c));
  return all;
}

Program program_of(const Case& c) {
  Program p;
  p.threads.emplace_back();
  for (const std::string& line : c.setup) p.threads[0].push_back(parse(line));
  for (const Step& s : c.steps) p.threads[0].push_back(parse(s.op));
  return p;
}

// One sandbox per filesystem, made on first use and kept for the whole test binary.
Sandbox* sandbox_for(Profile profile, std::string& why) {
  static std::map<Profile, std::unique_ptr<Sandbox>> sandboxes;
  auto& slot = sandboxes[profile];
  if (!slot) slot = Sandbox::open(*parse_target(profile_name(profile)), SandboxOptions{}, why);
  return slot.get();
}

class KernelCases : public ::testing::TestWithParam<Case> {};

TEST_P(KernelCases, KernelAgrees) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root: the sandbox mounts a fresh filesystem in a mount namespace";
  const Case& c = GetParam();
  std::string why;
  Sandbox* sandbox = sandbox_for(c.profile, why);
  if (!sandbox) GTEST_SKIP() << profile_name(c.profile) << " unavailable: " << why;
  const Program p = program_of(c);
  RunStatus st = sandbox->run([&](const SandboxEnv& env) {
    History h;
    SequentialOptions options;
    options.op_deadline_ns = 50'000'000;  // a FIFO open with no peer waits forever
    if (std::string why = run_sequential(p, env, options, h, [](const Event&) {}); !why.empty()) return 3;
    int bad = h.events.size() == p.op_count() ? 0 : 1;  // every op ran and was recorded
    for (size_t k = 0; k < h.events.size(); ++k) {
      int32_t got = observed_result(h.events[k]);
      const Op& op = h.op_of(h.events[k]);
      if (k < c.setup.size()) {
        if (got < 0) std::fprintf(stderr, "setup %s = %s\n", print_op(op).c_str(), result_name(got).c_str()), ++bad;
        continue;
      }
      const std::set<int32_t>& want = c.steps[k - c.setup.size()].expect;
      if (!want.count(got))
        std::fprintf(stderr, "%s: %s = %s, the case expects %s\n", c.name.c_str(), print_op(op).c_str(),
                     result_name(got).c_str(), results_text(want).c_str()), ++bad;
    }
    return bad ? 1 : 0;
  });
  if (st.exit_code == 3) GTEST_SKIP() << "io_uring unavailable";
  EXPECT_EQ(st.exit_code, 0) << c.name << " [" << c.cite << "]: the kernel disagrees (see stderr)";
}

INSTANTIATE_TEST_SUITE_P(Lookup, KernelCases, ::testing::ValuesIn(every_case()), CaseName());

}  // namespace
}  // namespace nfz::model::testing
