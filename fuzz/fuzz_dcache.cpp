// libFuzzer target over the dcache protocol model: the input decodes to a scenario
// (threads of ops) and a schedule (decode_input), which runs under the variant named by
// NFZ_DCACHE_VARIANT (default "fixed"). A violated oracle is a crash, with the
// minimized report on stderr, so `fuzz_dcache` run against a seeded variant must find
// it and against "fixed" must run clean. If the input's own schedule finds nothing, the
// scenario also runs a few PCT schedules seeded by the input's bytes.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "model/dcache/explore.hpp"
#include "model/dcache/oracle.hpp"
#include "model/dcache/report.hpp"
#include "model/dcache/variant.hpp"

namespace {

uint8_t g_variant = 0;

// PCT schedules per input whose own schedule is clean: a run is cheap next to libFuzzer's
// own work per input.
constexpr int kPctSchedules = 4;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* name = std::getenv("NFZ_DCACHE_VARIANT");
  if (name && *name) {
    auto v = nfz::dcache::find_variant(name);
    if (!v) {
      std::fprintf(stderr, "ERROR: fuzz_dcache: unknown NFZ_DCACHE_VARIANT '%s' (known: %s)\n", name,
                   std::string(nfz::dcache::variant_names()).c_str());
      std::exit(2);
    }
    g_variant = *v;
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nfz::dcache;
  if (size > 4096) return -1;  // keep the schedule within kMaxSteps-sized reach
  const Decoded in = decode_input(std::span<const uint8_t>(data, size), g_variant);
  RunResult r = run_schedule(in.scenario, in.schedule);
  std::vector<uint8_t> schedule = in.schedule;
  if (!r.found()) {
    // Coverage does not see interleavings: the same scenario also gets PCT schedules,
    // seeded by the input's bytes (deterministic: the input replays).
    uint64_t seed = 0x9e3779b97f4a7c15ull ^ size;
    for (size_t i = 0; i < size; ++i) seed = (seed ^ data[i]) * 0x100000001b3ull;
    Rng rng{seed};
    for (int i = 0; i < kPctSchedules && !r.found(); ++i)
      r = random_run(in.scenario, rng, static_cast<int>(1 + rng.below(3)), schedule);
    if (!r.found()) return 0;
  }
  const Finding f = minimize({in.scenario, schedule, r.violation});
  std::fprintf(stderr, "%s", format_report(f).c_str());
  std::fprintf(stderr, "ERROR: fuzz_dcache: %s\nSUMMARY: %s\n", std::string(oracle_info(f.violation.oracle).name).c_str(),
               finding_title(f).c_str());
  std::abort();
}
