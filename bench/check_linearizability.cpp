// bench-libs: nfz_oracles nfz_model
// The linearizability checker on generated histories (its bars: bench/RESULTS.md): 100,000 ops of 8 threads
// on 16 names with renames, on one core; and 1,000-op histories of 8 threads always in
// flight (no quiescent point), linearizable and with one impossible outcome. Each history
// is checked against the toy flat model of the tests (the search's own cost) and, where it
// is built, the reference lookup model.
// With the lookup model every history carries identities (an inode number per model node,
// its type, a statx's nlink: history_gen.hpp), and the d<j>/n<i> rows give walks a
// component before the last, so namespace ops are taken in steps.
// Usage: bench_check_linearizability [SEED [toy|lookup [ROW [BUDGET_S]]]] (ROW: a part of the rows' names)
#include <sys/resource.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>

#include "oracles/linearizability/history_gen.hpp"
#include "oracles/linearizability/lookup_check.hpp"
#include "tests/oracles/lin_toy_model.hpp"

namespace lin = nfz::oracles::lin;

namespace {

long peak_rss_mb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

// The search as the oracle runs it: the toy model straight, the lookup model through
// check_with_lookup_model() (its io_uring chain adapter included).
template <lin::Model M>
lin::CheckResult check(const M& model, const nfz::History& h, lin::CheckInput& input, const lin::Budget& budget) {
  if constexpr (std::is_same_v<M, nfz::model::LookupModel>) {
    lin::LookupCheck k;
    lin::check_with_lookup_model(h, nfz::model::profile_name(model.profile()), budget, k);
    input = std::move(k.input);
    return std::move(k.result);
  } else {
    lin::make_check_input(h, input);
    return lin::check_linearizable(model, input, budget);
  }
}

const char* g_only = "";  // run only the rows whose name contains this (argv[3])
double g_budget_s = 2;    // the bar (argv[4] for a longer look: over it the answer is unknown)

template <lin::Model M>
void run(const M& model, const char* what, const lin::GenShape& shape, bool mutate) {
  if (std::string_view(what).find(g_only) == std::string_view::npos) return;
  nfz::History h = lin::generate_history(model, shape);
  if (mutate) h.events[h.events.size() / 2].result = -EPROTO;  // an outcome no op gives
  lin::CheckInput input;
  const long rss_before = peak_rss_mb();
  auto start = std::chrono::steady_clock::now();
  lin::Budget budget;
  budget.max_seconds = g_budget_s;
  lin::CheckResult r = check(model, h, input, budget);
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::printf("| %s | %zu | %d | %s | %llu | %.3f s | %llu | %.1f, %d | %zu | %ld MB | %ld MB |\n", what, shape.ops,
              shape.threads, std::string(lin::verdict_name(r.verdict)).c_str(),
              static_cast<unsigned long long>(shape.seed), took.count(),
              static_cast<unsigned long long>(r.stats.steps),
              r.stats.calls ? static_cast<double>(r.stats.in_flight_sum) / r.stats.calls : 0.0, r.stats.max_in_flight, r.stats.max_frontier,
              rss_before, peak_rss_mb());
  if (r.verdict == lin::Verdict::kUnknown) std::printf("|   (unknown: %s) |\n", r.reason.c_str());
  std::fflush(stdout);
}

}  // namespace

template <lin::Model M>
void run_all(const M& model, const char* name, uint64_t seed) {
  std::printf("\nmodel: %s\n\n", name);
  std::printf("| history | ops | threads | verdict | seed | check time | model steps | in flight: mean, max | max states carried | peak RSS before check | peak RSS after |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
  lin::GenShape big;
  big.seed = seed;
  run(model, "16 names, renames, ~5 in flight", big, false);
  run(model, "16 names, renames, one impossible outcome", big, true);
  lin::GenShape flat = big;
  flat.renames = false;
  run(model, "16 names, no renames", flat, false);
  lin::GenShape busy = big;
  busy.ops = 1000;
  busy.max_gap_ns = 0;
  busy.max_duration_ns = 1000;
  for (int i = 0; i < 3; ++i) {
    busy.seed = seed + i;
    run(model, "8 threads always in flight", busy, false);
    run(model, "8 threads always in flight, one impossible outcome", busy, true);
  }
  busy.reads = false;
  busy.seed = seed;
  run(model, "8 threads always in flight, writes only", busy, false);
  run(model, "8 threads always in flight, writes only, one impossible outcome", busy, true);
  lin::GenShape writes = big;
  writes.reads = false;
  run(model, "16 names, renames, writes only", writes, false);
  lin::GenShape nested = big;
  nested.dirs = 4;
  run(model, "4 dirs x 16 names, renames of both, ~5 in flight", nested, false);
  run(model, "4 dirs x 16 names, renames of both, one impossible outcome", nested, true);
}

int main(int argc, char** argv) {
  const uint64_t seed = argc > 1 ? std::strtoull(argv[1], nullptr, 0) : 20261124;
  const bool toy = argc <= 2 || std::string(argv[2]) != "lookup";
  const bool lookup = argc <= 2 || std::string(argv[2]) != "toy";
  if (argc > 3) g_only = argv[3];
  if (argc > 4) g_budget_s = std::strtod(argv[4], nullptr);
  if (toy) run_all(nfz::oracles::lin::toy::FlatModel{}, "toy flat namespace (tests/oracles/lin_toy_model.hpp)", seed);
  if (lookup)
    run_all(nfz::model::LookupModel(nfz::model::Profile::kTmpfs, nfz::model::Mode::kConcurrent),
            "reference lookup model, tmpfs profile, Mode::kConcurrent (model/lookup)", seed);
  return 0;
}
