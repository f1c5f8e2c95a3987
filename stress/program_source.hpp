// Where the stress loop's programs come from: the rapidcheck generators the property
// tests use (core/generate.hpp), drawn from a seed so that program n of a run with seed s
// is always the same program, with op kinds weighted by an op mix.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/program.hpp"

namespace nfz::stress {

struct OpMix {
  std::array<uint32_t, kOpKindCount> weight{};
};

// Opens and namespace changes dominate; drop_caches is rare (it is global and slow).
OpMix default_op_mix();
// "open=8,rename=3,drop_caches=0": changes the default weights of the kinds named (by
// their op name: open, close, mkdir, rmdir, unlink, rename, symlink, link, mknod, statx,
// drop_caches, revalidate, sleep). Returns none and `why` on a bad mix.
std::optional<OpMix> parse_op_mix(std::string_view text, std::string& why);
std::string format_op_mix(const OpMix& mix);

class ProgramSource {
 public:
  ProgramSource(uint64_t seed, int threads, int max_ops_per_thread, const OpMix& mix)
      : seed_(seed), threads_(threads), max_ops_(max_ops_per_thread), mix_(mix) {}
  // Every `every`th program (0: none) comes from gen::nonblock_program() instead: cached
  // opens and inline io_uring opens down deep paths and symlink chains, with renames and
  // drop_caches beside them, where a NOBLOCK path is most likely to sleep.
  void set_nonblock_every(int every) { nonblock_every_ = every; }
  // Program number `n` of this seed.
  Program make(uint64_t n) const;

 private:
  uint64_t seed_;
  int threads_;
  int max_ops_;
  OpMix mix_;
  int nonblock_every_ = 0;
};

}  // namespace nfz::stress
