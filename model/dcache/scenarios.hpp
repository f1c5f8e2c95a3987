// Where scenarios come from: the built-in ones (the races of the 2016 mails, the 2020
// seed mail, the RESOLVE_CACHED cases), random generation for the explorers, and the
// byte decoder of the fuzz target (every byte string decodes to a valid scenario).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "model/dcache/scenario.hpp"

namespace nfz::dcache {

struct NamedScenario {
  std::string_view name;
  std::string_view why;
  bool two_thread_2016;  // one of the two-thread scenarios of the 2016 mails (--exhaustive)
  Scenario scenario;     // variant and rules left 0: set by with_variant()
};

std::span<const NamedScenario> builtin_scenarios();

Scenario with_variant(Scenario s, uint8_t variant);

// splitmix64: small, fast, good enough to pick schedules.
struct Rng {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(next() % n); }
};

// A small random scenario: 2 or 3 threads of 1 or 2 ops on 2 names, sometimes a setup.
Scenario random_scenario(Rng& rng, uint8_t variant);

// The fuzz input: a scenario, then the rest of the bytes as schedule entries. A first
// byte with the top bit set names a built-in scenario (the races that need three or four
// threads of exactly the right ops are there); otherwise the next bytes spell one. Each
// schedule byte is a run of 1 to 4 steps of one thread.
struct Decoded {
  Scenario scenario;
  std::vector<uint8_t> schedule;
};
Decoded decode_input(std::span<const uint8_t> bytes, uint8_t variant);

}  // namespace nfz::dcache
