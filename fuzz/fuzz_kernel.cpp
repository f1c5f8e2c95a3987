// libFuzzer target over the real kernel: an input decodes (core/decode.hpp) to a concurrent
// Program, which runs on the target in a resident sandbox (a child per run: this process
// never issues a program's op itself) and is judged by every default oracle, as the stress
// loop does (stress/program_judge.hpp). A violation aborts like a crash, with the finding's
// title on the ==ERROR: line, and is written as a finding folder (program.nfz for
// `nameifuzz replay`). Feedback: the kernel-outcome counters (fuzz/kernel/outcome_counters.hpp)
// and the structure-aware mutators (fuzz/kernel/mutators.hpp). docs/FUZZING.md.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <span>
#include <variant>

#include "core/decode.hpp"
#include "core/text.hpp"
#include "exec/clock.hpp"
#include "exec/inject.hpp"
#include "exec/sandbox.hpp"
#include "fuzz/kernel/config.hpp"
#include "fuzz/kernel/kcov.hpp"
#include "fuzz/kernel/mutators.hpp"
#include "fuzz/kernel/outcome_counters.hpp"
#include "fuzz/kernel/program_encode.hpp"
#include "stress/program_judge.hpp"
#include "stress/program_source.hpp"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

// libFuzzer reads every byte of this section after each run as extra coverage counters.
__attribute__((section("__libfuzzer_extra_counters"))) uint8_t nfz_outcome_counters[nfz::fuzz::kOutcomeCounters];

namespace nfz::fuzz {
namespace {

struct MutatorStats {
  uint64_t used = 0, paid = 0;  // paid: the run of its result met a kernel outcome new to this process
};

struct Harness {
  Config config;
  std::unique_ptr<Sandbox> sandbox;
  stress::ProgramJudge judge;
  stress::StressSummary summary;
  std::unique_ptr<stress::ProgramSource> stress_source;
  OutcomeSet outcomes;
  std::vector<uint8_t> scratch = std::vector<uint8_t>(kOutcomeCounters);
  std::vector<MutatorStats> stats = std::vector<MutatorStats>(mutator_table().size() + 2);  // + bytes, crossover
  int last_mutator = -1;
  uint64_t runs = 0;
  int64_t start_ns = 0, next_log_ns = 0;
};
Harness* harness = nullptr;

constexpr size_t kBytesMutator = 0;  // stats slots past the table: libFuzzer's own, crossover
size_t bytes_slot() { return mutator_table().size() + kBytesMutator; }
size_t crossover_slot() { return mutator_table().size() + 1; }

[[noreturn]] void environment_failure(const std::string& why) {
  std::fprintf(stderr, "fuzz_kernel: %s\n", why.c_str());
  std::_Exit(kExitEnvironment);
}

void log_outcomes(bool force) {
  Harness& h = *harness;
  const int64_t now = monotonic_ns();
  if (h.config.outcomes_log.empty() || (!force && now < h.next_log_ns)) return;
  h.next_log_ns = now + 1'000'000'000;
  std::ofstream log(h.config.outcomes_log, std::ios::app);
  log << (now - h.start_ns) / 1e9 << " " << h.runs << " " << h.outcomes.size() << "\n";
}

void write_stats(FILE* out) {
  std::fprintf(out, "fuzz_kernel: %llu runs, distinct kernel outcomes %s\n",
               static_cast<unsigned long long>(harness->runs), harness->outcomes.describe().c_str());
  for (size_t i = 0; i < harness->stats.size(); ++i) {
    std::string_view name = i < mutator_table().size() ? mutator_table()[i].name
                            : i == bytes_slot()        ? std::string_view("libfuzzer_bytes")
                                                       : std::string_view("crossover");
    std::fprintf(out, "fuzz_kernel: mutator %-22.*s used %8llu paid %6llu\n", static_cast<int>(name.size()),
                 name.data(), static_cast<unsigned long long>(harness->stats[i].used),
                 static_cast<unsigned long long>(harness->stats[i].paid));
  }
}

void print_stats() {
  if (!harness || harness->config.decode_only) return;
  log_outcomes(true);
  write_stats(stderr);
  if (harness->config.stats.empty()) return;
  if (FILE* f = std::fopen(harness->config.stats.c_str(), "a")) {
    write_stats(f);
    std::fclose(f);
  }
}

// The finding's title on the ==ERROR: line (as a sanitizer's report), then abort: libFuzzer
// keeps the input as crash-<sha1>.
[[noreturn]] void report_violation(const stress::Verdict& v, const Program& program) {
  const oracles::Violation& first = v.result.violations.front();
  std::fprintf(stderr, "==%d==ERROR: nameifuzz: %s\n%s\n--- program (nameifuzz replay takes it) ---\n%s", getpid(),
               first.title.c_str(), first.detail.c_str(), print_program(program).c_str());
  if (!harness->summary.findings.empty())
    std::fprintf(stderr, "finding written to %s\n", harness->summary.findings.back().folder.c_str());
  std::fprintf(stderr, "SUMMARY: nameifuzz: %s\n", first.title.c_str());
  std::fflush(stderr);
  std::abort();
}

void open_harness(Harness& h) {
  auto spec = parse_target(h.config.target);
  if (!spec) environment_failure("unknown target '" + h.config.target + "' (known: " + std::string(kKnownTargets) + ")");
  stress::StressOptions options;
  options.targets = {*spec};
  options.findings_dir = h.config.findings;
  options.oracles = h.config.oracles;
  h.summary.options = options;
  if (std::string e = h.judge.open(options, h.summary); !e.empty()) environment_failure(e);
  SandboxOptions sandbox_options;
  sandbox_options.resident = true;
  std::string why;
  h.sandbox = Sandbox::open(*spec, sandbox_options, why);
  if (!h.sandbox) environment_failure(h.config.target + ": " + why);
  if (h.config.source == "stress")
    h.stress_source = std::make_unique<stress::ProgramSource>(h.config.seed, options.threads,
                                                              options.max_ops_per_thread, stress::default_op_mix());
  if (!h.config.inject.empty()) {  // a test aid (exec/inject.hpp): the fault the fuzzer must find
    inject::Injection in = inject::parse(h.config.inject, why);
    if (!why.empty()) environment_failure("NFZ_INJECT / --inject: " + why);
    inject::enable(in);
  }
  std::fprintf(stderr, "fuzz_kernel: target %s, counters %s, source %s, kcov %s, inject %s\n", h.config.target.c_str(),
               h.config.counters ? "kernel outcomes" : "off (code coverage only)", h.config.source.c_str(),
               detect_kcov().text.c_str(), h.config.inject.empty() ? "none" : h.config.inject.c_str());
}

// The seed corpus: a text program as the bytes that decode to it (as near as it can be).
int encode_file(const std::string& path) {
  auto parsed = read_program_file(path);
  if (auto* err = std::get_if<ParseError>(&parsed)) {
    std::fprintf(stderr, "%s\n", err->to_string().c_str());
    return kExitEnvironment;
  }
  std::vector<uint8_t> bytes = encode_program(std::get<Program>(parsed));
  std::fwrite(bytes.data(), 1, bytes.size(), stdout);
  if (!encodable(std::get<Program>(parsed)))
    std::fprintf(stderr, "fuzz_kernel: %s: written as the nearest program the decoder makes\n", path.c_str());
  return 0;
}

}  // namespace
}  // namespace nfz::fuzz

using namespace nfz;
using namespace nfz::fuzz;

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  harness = new Harness;
  if (std::string e = read_config(*argc, *argv, harness->config); !e.empty()) environment_failure(e);
  if (!harness->config.encode.empty()) std::exit(encode_file(harness->config.encode));
  if (!harness->config.decode_only) open_harness(*harness);
  harness->start_ns = monotonic_ns();
  std::atexit(print_stats);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Harness& h = *harness;
  Program program = h.stress_source ? h.stress_source->make(h.runs) : decode_program({data, size});
  if (h.config.decode_only) {
    std::fputs(print_program(program).c_str(), stdout);
    return 0;
  }
  ++h.runs;
  stress::JudgedRun run = h.judge.run(*h.sandbox, program, {0, h.runs, h.config.target, false}, h.summary);
  if (!run.failure.empty()) environment_failure(run.failure);
  std::fill(h.scratch.begin(), h.scratch.end(), 0);
  count_outcomes(run, h.scratch);
  if (h.outcomes.add(h.scratch) && h.last_mutator >= 0) ++h.stats[static_cast<size_t>(h.last_mutator)].paid;
  h.last_mutator = -1;
  if (h.config.counters) std::memcpy(nfz_outcome_counters, h.scratch.data(), kOutcomeCounters);
  log_outcomes(false);
  for (const stress::Verdict& v : run.verdicts)
    if (!v.result.violations.empty()) report_violation(v, program);
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  Harness& h = *harness;
  Rng rng(seed);
  const auto& table = mutator_table();
  // One in eight: libFuzzer's byte mutations (they reach decodings no edit of ours makes).
  if (rng() % 8 == 0) {
    ++h.stats[bytes_slot()].used;
    h.last_mutator = static_cast<int>(bytes_slot());
    return LLVMFuzzerMutate(data, size, max_size);
  }
  Program program = decode_program({data, size});
  for (int attempt = 0; attempt < 8; ++attempt) {
    size_t m = rng() % table.size();
    if (!table[m].apply(program, rng)) continue;
    std::vector<uint8_t> bytes = encode_program(program);
    if (bytes.size() > max_size) bytes.resize(max_size);  // the tail's ops are dropped
    std::memcpy(data, bytes.data(), bytes.size());
    ++h.stats[m].used;
    h.last_mutator = static_cast<int>(m);
    return bytes.size();
  }
  ++h.stats[bytes_slot()].used;
  h.last_mutator = static_cast<int>(bytes_slot());
  return LLVMFuzzerMutate(data, size, max_size);
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t* data1, size_t size1, const uint8_t* data2, size_t size2,
                                            uint8_t* out, size_t max_out_size, unsigned int seed) {
  Rng rng(seed);
  Program child = cross_over(decode_program({data1, size1}), decode_program({data2, size2}), rng);
  std::vector<uint8_t> bytes = encode_program(child);
  if (bytes.size() > max_out_size) bytes.resize(max_out_size);
  std::memcpy(out, bytes.data(), bytes.size());
  ++harness->stats[crossover_slot()].used;
  harness->last_mutator = static_cast<int>(crossover_slot());
  return bytes.size();
}
