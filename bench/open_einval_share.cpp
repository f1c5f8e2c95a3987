// bench-libs: nfz_stress
// The share of generated opens the kernel refuses at once with EINVAL (bench/RESULTS.md,
// issue 14): programs 0..N-1 of the stress loop's generator (seed 1, 4 threads, up to 24
// ops each) run on a resident tmpfs; every open/openat2 event counted by its result.
// EAGAIN of RESOLVE_CACHED with O_CREAT/O_TRUNC/O_TMPFILE is counted apart (refused at
// once in build_open_flags() too).
// Usage: bench_open_einval_share [PROGRAMS]   (root)
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "exec/concurrent.hpp"
#include "exec/history_buffer.hpp"
#include "exec/sandbox.hpp"
#include "stress/program_source.hpp"

int main(int argc, char** argv) {
  using namespace nfz;
  const uint64_t programs = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 400;
  std::string why;
  SandboxOptions options;
  options.resident = true;
  auto sandbox = Sandbox::open(*parse_target("tmpfs"), options, why);
  if (!sandbox) {
    std::fprintf(stderr, "bench_open_einval_share: tmpfs: %s\n", why.c_str());
    return kExitEnvironment;
  }
  stress::ProgramSource source(1, 4, 24, stress::default_op_mix());
  HistoryBuffer buffer;
  ConcurrentOptions run_options;
  run_options.op_deadline_ns = 250'000'000;
  uint64_t opens = 0, einval = 0, eagain_cached = 0, ok = 0;
  for (uint64_t n = 0; n < programs; ++n) {
    Program program = source.make(n);
    ConcurrentRun run = run_program(*sandbox, program, run_options, buffer);
    for (const Event& ev : run.history.events) {
      const Op& op = run.history.op_of(ev);
      if (op.kind != OpKind::kOpen || !ev.returned()) continue;
      ++opens;
      if (ev.result == -EINVAL) ++einval;
      else if (ev.result == -EAGAIN && (op.resolve & RESOLVE_CACHED)) ++eagain_cached;
      else if (ev.result >= 0) ++ok;
    }
  }
  std::printf("programs %llu, opens %llu: EINVAL %.1f%%, EAGAIN(RESOLVE_CACHED) %.1f%%, succeeded %.1f%%\n",
              static_cast<unsigned long long>(programs), static_cast<unsigned long long>(opens),
              100.0 * einval / std::max<uint64_t>(opens, 1), 100.0 * eagain_cached / std::max<uint64_t>(opens, 1),
              100.0 * ok / std::max<uint64_t>(opens, 1));
  return 0;
}
