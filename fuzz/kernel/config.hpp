// fuzz_kernel's settings, each declared once in kSettings (name, environment variable,
// default, help): from the environment, or from a libFuzzer-ignored `--name=value` flag
// (libFuzzer skips arguments that start with "--").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nfz::fuzz {

struct Config {
  std::string target = "tmpfs";  // any target `nameifuzz stress --targets` takes
  bool counters = true;          // the kernel-outcome counters (off: code coverage only)
  std::string source = "input";  // "input", or "stress": the stress loop's generator, input ignored
  std::string findings = "fuzz-findings";  // where violations are written as findings ("" none)
  std::string outcomes_log;      // appends "seconds runs outcomes" lines here
  std::string stats;              // appends the mutator statistics here at exit (fork mode's jobs)
  std::string inject;            // a fault for the executor to inject (exec/inject.hpp)
  std::vector<std::string> oracles;  // as `nameifuzz stress --oracles`; empty: its defaults
  bool decode_only = false;      // print each input's program instead of running it
  std::string encode;            // write this .nfz program as an input to stdout and exit
  uint64_t seed = 1;             // source=stress: the generator's seed
};

struct Setting {
  std::string_view flag, env, help;
};
inline constexpr Setting kSettings[] = {
    {"target", "NFZ_TARGET", "filesystem to fuzz (tmpfs, ext4, fuse:strict, ...)"},
    {"counters", "NFZ_COUNTERS", "1: kernel-outcome counters feed libFuzzer; 0: code coverage only"},
    {"source", "NFZ_SOURCE", "input: programs decoded from the inputs; stress: the stress loop's generator"},
    {"findings", "NFZ_FINDINGS", "directory for findings (program.nfz, history, message); empty: none"},
    {"outcomes-log", "NFZ_OUTCOMES_LOG", "append 'seconds runs distinct-outcomes' lines to this file"},
    {"stats", "NFZ_STATS", "append the per-mutator statistics to this file at exit"},
    {"inject", "NFZ_INJECT", "name of an executor fault to inject (e.g. excl-double-success)"},
    {"oracles", "NFZ_ORACLES", "comma-separated oracles, as `nameifuzz stress --oracles` (default: its defaults)"},
    {"decode-only", "NFZ_DECODE_ONLY", "1: print each input's program text and run nothing"},
    {"encode", "NFZ_ENCODE", "write this .nfz program's input bytes to stdout and exit (seed corpus)"},
    {"seed", "NFZ_SEED", "source=stress: the generator's seed"},
};

// Reads the environment, then the `--name=value` arguments. Returns why a value is bad,
// or "".
std::string read_config(int argc, char** argv, Config& config);
std::string config_help();

}  // namespace nfz::fuzz
