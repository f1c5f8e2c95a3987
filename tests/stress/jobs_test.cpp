// --jobs: program n runs in job n mod N, so the same seed and --programs give the same
// programs whatever the job count; the jobs' summaries merge (counts add up, findings merge
// by title); a finding's program, run again on a fresh mount, gives the outcomes the job's
// resident sandbox recorded.
#include <filesystem>
#include <sstream>
#include <unistd.h>

#include <gtest/gtest.h>

#include "exec/concurrent.hpp"
#include "exec/history_buffer.hpp"
#include "stress/jobs.hpp"
#include "stress/program_source.hpp"

namespace nfz::stress {
namespace {

StressOptions bounded(uint64_t seed, uint32_t jobs) {
  StressOptions o;
  o.targets = {*parse_target("tmpfs"), *parse_target("overlay")};
  o.threads = 2;
  o.max_programs = 24;
  o.seed = seed;
  o.jobs = jobs;
  o.progress = false;
  o.drop_caches_ms = 0;
  o.findings_dir = "/var/tmp/nameifuzz-test-findings-" + std::to_string(getpid());
  return o;
}

StressSummary run(const StressOptions& o) {
  std::ostringstream progress;
  StressSummary summary;
  EXPECT_EQ(run_stress(o, progress, summary), 0) << summary.stopped_by;
  std::filesystem::remove_all(o.findings_dir);
  return summary;
}

TEST(Jobs, TheSameSeedRunsTheSameProgramsWhateverTheJobCount) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for mount namespaces";
  StressSummary one = run(bounded(7, 1));
  StressSummary two = run(bounded(7, 2));
  StressSummary three = run(bounded(7, 3));
  EXPECT_EQ(one.programs, 24u);
  EXPECT_EQ(two.programs, 24u);
  EXPECT_EQ(three.programs, 24u);
  EXPECT_EQ(two.jobs, 2u);
  EXPECT_NE(one.program_digest, 0u);
  EXPECT_EQ(one.program_digest, two.program_digest);
  EXPECT_EQ(one.program_digest, three.program_digest);
  EXPECT_NE(one.program_digest, run(bounded(8, 2)).program_digest) << "another seed, other programs";
}

TEST(Jobs, SummariesMergeByName) {
  StressOptions o = bounded(1, 2);
  StressSummary a, b;
  a.programs = 3, b.programs = 4;
  a.ops = 30, b.ops = 41;
  a.stopped_by = b.stopped_by = "duration";
  a.oracles = {{"kernel.health", true, "", 10, 0, 0, 0}, {"linearizable", false, "", 0, 0, 0, 0}};
  b.oracles = {{"kernel.health", true, "", 12, 1, 0, 0}, {"linearizable", false, "", 0, 0, 0, 0}};
  a.findings = {{"kernel.health: WARNING on tmpfs", "(not written: another job of this run writes it)", 1}};
  b.findings = {{"kernel.health: WARNING on tmpfs", "findings/kernel.health-WARNING-on-tmpfs", 2}};
  StressSummary m = merge_summaries({a, b}, o);
  EXPECT_EQ(m.programs, 7u);
  EXPECT_EQ(m.ops, 71u);
  ASSERT_EQ(m.oracles.size(), 2u);
  EXPECT_EQ(m.oracles[0].checks, 22u);
  EXPECT_EQ(m.oracles[0].violations, 1u);
  ASSERT_EQ(m.findings.size(), 1u);
  EXPECT_EQ(m.findings[0].count, 3u);
  EXPECT_EQ(m.findings[0].folder, "findings/kernel.health-WARNING-on-tmpfs");
  EXPECT_EQ(m.exit_code, 1);
  b.stopped_by = "a target failed";
  b.exit_code = 2;
  EXPECT_EQ(merge_summaries({a, b}, o).exit_code, 2);
}

TEST(Jobs, ASummaryRoundTripsThroughItsJsonLine) {
  StressOptions o = bounded(1, 1);
  StressSummary s;
  s.options = o;
  s.programs = 5, s.ops = 77, s.seconds = 1.5, s.stopped_by = "programs";
  s.completions_by_kind[static_cast<size_t>(OpKind::kRename)][2] = 9;
  s.oracles = {{"issue.equivalent", true, "", 4, 0, 1, 2}, {"lookup.single", true, "no fuse:* target", 0, 0, 0, 0}};
  s.program_digest = 0xfeedfacecafebeefull;
  s.cache_pressure = "off";
  StressSummary back = read_summary_json(summary_json_line(s), o);
  EXPECT_EQ(back.programs, 5u);
  EXPECT_EQ(back.ops, 77u);
  EXPECT_EQ(back.completions_by_kind[static_cast<size_t>(OpKind::kRename)][2], 9u);
  ASSERT_EQ(back.oracles.size(), 2u);
  EXPECT_EQ(back.oracles[0].unknown, 1u);
  EXPECT_EQ(back.oracles[0].not_judged, 2u);
  EXPECT_EQ(back.oracles[1].skipped, "no fuse:* target");
  EXPECT_EQ(back.program_digest, s.program_digest);
}

// What a job recorded for program n on its resident sandbox is what a replay of program n
// on a fresh mount gives: the stress loop's program, setup and threads run one op at a
// time (alone, so the outcomes are determined), both ways.
TEST(Jobs, AJobsProgramReplaysToTheSameOutcomesOnAFreshMount) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for mount namespaces";
  ProgramSource source(11, 2, 12, default_op_mix());
  SandboxOptions resident_options;
  resident_options.resident = true;
  std::string why;
  auto resident = Sandbox::open(*parse_target("tmpfs"), resident_options, why);
  auto fresh = Sandbox::open(*parse_target("tmpfs"), {}, why);
  ASSERT_TRUE(resident && fresh) << why;
  HistoryBuffer buffer;
  auto outcomes = [](const History& h) {
    std::vector<int32_t> out;
    for (const Event& e : h.events) out.push_back(e.result < 0 ? e.result : 0);
    return out;
  };
  for (uint64_t n = 0; n < 20; ++n) {
    Program p = source.make(n);
    for (auto& t : p.threads) p.setup.insert(p.setup.end(), t.begin(), t.end());
    p.threads.clear();
    ConcurrentRun a = run_program(*resident, p, {}, buffer);
    ConcurrentRun b = run_program(*fresh, p, {}, buffer);
    ASSERT_EQ(a.code, kRunOk);
    ASSERT_EQ(b.code, kRunOk);
    EXPECT_EQ(outcomes(a.history), outcomes(b.history)) << "program " << n;
  }
}

}  // namespace
}  // namespace nfz::stress
