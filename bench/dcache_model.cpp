// bench-libs: nfz_dcache
// The dcache protocol model's bars: schedules per second on small
// scenarios (one core), and the median time for random exploration to catch each
// seeded variant, with the built-in scenarios in the mix and with random scenarios
// only. Usage: bench_dcache_model [SECONDS_PER_SCENARIO=1] [RUNS=21]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "model/dcache/explore.hpp"
#include "model/dcache/oracle.hpp"
#include "model/dcache/variant.hpp"

using namespace nfz::dcache;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// CPU time of this thread: on a machine shared with other work the wall clock counts the
// time other processes had the core; this is the time the model had it.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void schedules_per_second(double seconds) {
  std::printf("## schedules/s, variant fixed, one core, random schedules (PCT and uniform)\n\n");
  std::printf("| scenario | threads | schedules | steps/schedule | schedules/s | schedules/CPU-s |\n"
              "|---|---|---|---|---|---|\n");
  uint64_t all = 0;
  double all_time = 0, all_cpu = 0;
  Rng rng{1};
  std::vector<uint8_t> schedule;
  schedule.reserve(kMaxSteps);
  for (const NamedScenario& ns : builtin_scenarios()) {
    const Scenario s = with_variant(ns.scenario, 0);
    uint64_t n = 0, steps = 0;
    const auto start = Clock::now();
    const double cpu_start = thread_cpu_seconds();
    double elapsed = 0;
    while (elapsed < seconds) {
      for (int i = 0; i < 4096; ++i) {
        const RunResult r = random_run(s, rng, i & 1 ? 1 + (i >> 1) % 3 : 0, schedule);
        if (r.found()) std::abort();  // the fixed model must stay clean
        steps += r.steps;
      }
      n += 4096;
      elapsed = seconds_since(start);
    }
    const double cpu = thread_cpu_seconds() - cpu_start;
    all += n;
    all_time += elapsed;
    all_cpu += cpu;
    std::printf("| %s | %d | %llu | %.1f | %.0f | %.0f |\n", std::string(ns.name).c_str(), ns.scenario.nthreads,
                static_cast<unsigned long long>(n), static_cast<double>(steps) / n, n / elapsed, n / cpu);
  }
  std::printf("| **all** | | %llu | | **%.0f** | **%.0f** |\n\n", static_cast<unsigned long long>(all), all / all_time,
              all / all_cpu);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void time_to_catch(int runs) {
  std::printf("## time to catch each seeded variant (random exploration, %d seeds, median / max)\n\n", runs);
  std::printf("| variant | oracle | builtin+random scenarios | random scenarios only |\n|---|---|---|---|\n");
  for (uint8_t v = 1; v < variants().size(); ++v) {
    std::string cells[2];
    for (int mode = 0; mode < 2; ++mode) {
      std::vector<double> times;
      int wrong = 0, missed = 0;
      for (int seed = 1; seed <= runs; ++seed) {
        RandomOptions o;
        o.seed = static_cast<uint64_t>(seed) * 7919;
        o.budget_seconds = 10;
        o.builtin_scenarios = mode == 0;
        RandomStats stats;
        const auto start = Clock::now();
        auto found = explore_random(v, o, stats);
        times.push_back(seconds_since(start));
        if (!found) ++missed;
        else if (!variants()[v].caught_by(found->violation.oracle)) ++wrong;
      }
      char buf[160];
      std::snprintf(buf, sizeof buf, "%.4f s / %.4f s%s%s", median(times), *std::max_element(times.begin(), times.end()),
                    missed ? " (missed!)" : "", wrong ? " (wrong oracle!)" : "");
      cells[mode] = buf;
    }
    std::printf("| %s | %s | %s | %s |\n", std::string(variants()[v].name).c_str(),
                std::string(oracle_info(variants()[v].expected).name).c_str(), cells[0].c_str(), cells[1].c_str());
  }
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 21;
  schedules_per_second(seconds);
  time_to_catch(runs);
  return 0;
}
