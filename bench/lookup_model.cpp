// bench-libs: nfz_model
// The reference lookup model's bar (issue 3, docs/MODEL.md): simple ops per second on one
// core, so that the model is never the bottleneck of a stress run. A loop of simple ops
// (open, create, unlink, rename, stat, mkdir/rmdir, close) on a small namespace, each
// step() followed by taking its first outcome's state, as the checker does.
// Usage: bench_lookup_model [SECONDS=2] [PROFILE=tmpfs]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <variant>
#include <vector>

#include "core/text.hpp"
#include "model/lookup/lookup_model.hpp"

using namespace nfz;
using Clock = std::chrono::steady_clock;

namespace {

Op op_of(const char* line) {
  auto parsed = parse_op(line, "bench", 1);
  if (auto* err = std::get_if<ParseError>(&parsed)) {
    std::fprintf(stderr, "bench_lookup_model: %s\n", err->to_string().c_str());
    std::exit(2);
  }
  return std::get<Op>(parsed);
}

// A namespace of a few directories, files and a symlink, then a cycle of simple ops that
// comes back to the same namespace (so the state stays small and the run is steady).
const char* const kSetup[] = {
    "mkdir(\"a\", 0755)",           "mkdir(\"a/b\", 0755)",        "mkdir(\"c\", 0755)",
    "open(\"a/f\", O_WRONLY|O_CREAT, 0644)", "open(\"a/b/g\", O_WRONLY|O_CREAT, 0644)",
    "symlink(\"a/b\", \"s\")",
};
const char* const kCycle[] = {
    "f0 = open(\"a/f\", O_RDONLY)",
    "statx(\"a/b/g\", 0)",
    "f1 = open(\"c/x\", O_WRONLY|O_CREAT, 0644)",
    "statx(\"s/g\", 0)",
    "rename(\"c/x\", \"a/b/y\")",
    "open(\"a/missing\", O_RDONLY)",
    "close(f0)",
    "unlink(\"a/b/y\")",
    "close(f1)",
    "mkdir(\"c/d\", 0755)",
    "f2 = open(\"s/../f\", O_RDONLY|O_NOFOLLOW)",
    "rmdir(\"c/d\")",
    "statx(\"a/f/\", 0)",
    "close(f2)",
    "openat2(\"a/b/g\", O_RDONLY, 0, RESOLVE_BENEATH)",
    "unlink(\"c\")",
};

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  const char* profile_arg = argc > 2 ? argv[2] : "tmpfs";
  auto profile = model::profile_by_name(profile_arg);
  if (!profile || seconds <= 0) {
    std::fprintf(stderr, "usage: bench_lookup_model [SECONDS>0] [tmpfs|ext4|xfs|btrfs|overlay]\n");
    return 2;
  }
  const model::LookupModel m(*profile, model::Mode::kConcurrent);
  std::vector<model::Transition> out;
  model::State s = m.initial();
  for (const char* line : kSetup) {
    m.step(s, op_of(line), out);
    s = out.front().next;
  }
  std::vector<Op> cycle;
  for (const char* line : kCycle) cycle.push_back(op_of(line));
  // One cycle must come back to the namespace it started from, or the run drifts.
  const model::State first = s;
  for (const Op& op : cycle) {
    m.step(s, op, out);
    s = out.front().next;
  }
  if (!(s == first)) {
    std::fprintf(stderr, "bench_lookup_model: the op cycle does not return to its state:\n%s",
                 model::describe_state(s).c_str());
    return 1;
  }

  uint64_t ops = 0, outcomes = 0;
  const auto start = Clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    for (int round = 0; round < 4096; ++round) {
      for (const Op& op : cycle) {
        m.step(s, op, out);
        outcomes += out.size();
        s = out.front().next;
      }
    }
    ops += 4096 * cycle.size();
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  }
  std::printf("lookup model, profile %s, one core: %llu ops in %.2f s = %.2f M ops/s (%.2f outcomes/op, %zu nodes)\n",
              profile_arg, static_cast<unsigned long long>(ops), elapsed, ops / elapsed / 1e6,
              static_cast<double>(outcomes) / ops, s.nodes.size());
  return 0;
}
