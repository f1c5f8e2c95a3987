// nameifuzz stress: the long-running loop (docs/EXECUTOR.md#nameifuzz-stress). Options map one to one onto
// stress::StressOptions; the loop itself is stress/stress_loop.cpp.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <unistd.h>

#include "cli/command.hpp"
#include "cli/report_output.hpp"
#include "exec/target.hpp"
#include "pipeline/stress_findings.hpp"
#include "pipeline/suppressions.hpp"
#include "stress/stress_loop.hpp"

namespace nfz::cli {
namespace {

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

int stress(const po::variables_map& vm) {
  auto report = ReportOutput::begin(vm, "stress");
  if (!report) return kExitUsage;
  stress::StressOptions o;
  for (const auto& name : split(vm["target"].as<std::string>())) {
    auto t = parse_target(name);
    if (!t) return usage_error("stress", "unknown target '" + name + "' (known: " + std::string(kKnownTargets) + ")");
    o.targets.push_back(*t);
  }
  if (o.targets.empty()) return usage_error("stress", "--target names no target");
  o.threads = vm["threads"].as<int>();
  if (o.threads < 1 || o.threads > kMaxThreads) return usage_error("stress", "--threads must be 1.." + std::to_string(kMaxThreads));
  o.duration_s = vm["duration"].as<double>();
  o.max_programs = vm["programs"].as<uint64_t>();
  o.first_program = vm["first-program"].as<uint64_t>();
  o.seed = vm.count("seed") ? vm["seed"].as<uint64_t>()
                            : static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) % 1000000007;
  std::string why;
  auto mix = stress::parse_op_mix(vm["op-mix"].as<std::string>(), why);
  if (!mix) return usage_error("stress", "--op-mix: " + why);
  o.mix = *mix;
  if (vm.count("oracles")) o.oracles = split(vm["oracles"].as<std::string>());
  o.findings_dir = vm["findings"].as<std::string>();
  o.max_ops_per_thread = vm["ops-per-thread"].as<int>();
  if (o.max_ops_per_thread < 1 || o.max_ops_per_thread > 10000) return usage_error("stress", "--ops-per-thread must be 1..10000");
  o.op_deadline_ns = vm.count("deadline-ms") ? vm["deadline-ms"].as<int64_t>() * 1'000'000 : default_deadline_ns(o.targets);
  if (!vm.count("deadline-ms") && emulated_cpu())
    std::cerr << "stress: under TCG (NFZ_VM_ACCEL=tcg): ops get " << o.op_deadline_ns / 1'000'000
              << " ms before they count as hung (--deadline-ms to change)\n";
  o.shared_ring_every = vm["shared-ring-every"].as<int>();
  o.memory_limit_mb = vm["memory-limit-mb"].as<uint32_t>();
  o.progress = !vm.count("quiet");
  o.keep_going = vm.count("keep-going") > 0;
  int64_t jobs = vm.count("jobs") ? vm["jobs"].as<int64_t>() : std::max<long>(1, sysconf(_SC_NPROCESSORS_ONLN));
  if (jobs < 1 || jobs > 256) return usage_error("stress", "--jobs must be 1..256");
  o.jobs = static_cast<uint32_t>(jobs);
  o.fresh_every = vm["fresh-every"].as<uint32_t>();
  o.drop_caches_ms = vm["drop-caches-ms"].as<uint32_t>();
  o.drop_caches_level = vm["drop-caches-level"].as<int>();
  if (o.drop_caches_level < 1 || o.drop_caches_level > 3) return usage_error("stress", "--drop-caches-level must be 1, 2 or 3");
  if (vm.count("suppressions")) {
    std::string why;
    auto known = pipeline::Suppressions::read(vm["suppressions"].as<std::string>(), why);
    if (!known) return usage_error("stress", why);
    o.suppressions = known->patterns;
  }
  if (!enable_inject_option(vm, "stress")) return kExitUsage;
  pipeline::PipelineOptions pipe;
  pipe.confirm = vm["confirm"].as<uint32_t>();
  pipe.budget_s = vm["minimize-budget"].as<double>();
  pipe.findings_dir = o.findings_dir;
  pipe.op_deadline_ns = o.op_deadline_ns;
  pipe.quiet = !o.progress;
  std::ofstream json;
  if (vm.count("json")) {
    json.open(vm["json"].as<std::string>());
    if (!json) return usage_error("stress", "cannot write " + vm["json"].as<std::string>());
  }
  stress::StressSummary summary;
  int code = stress::run_stress(o, std::cerr, summary);
  if (code == kExitUsage && summary.programs == 0) return usage_error("stress", summary.stopped_by);
  nlohmann::json j = stress::summary_json(summary);
  if (code == kExitFinding && pipe.confirm > 0) {
    std::string why = pipeline::run_on_new_findings(summary, o.seed, pipe, j);
    if (!why.empty()) std::cerr << "nameifuzz stress: findings pipeline: " << why << "\n";
  }
  stress::print_summary(std::cout, summary);
  return report->finish(j, code, json.is_open() ? &json : nullptr);
}

}  // namespace

// With injected latency on every request and zero timeouts (fuse:churn+latency), a walk
// through a symlink loop makes a hundred or more round trips (LOOKUP and READLINK per
// link, and again in ref-walk and LOOKUP_REVAL mode before ELOOP): a quarter second is
// slow there, not hung.
// Under TCG every op is 10 to 50 times slower (a rename on fuse:strict passed 250 ms in
// Debian's 6.1 under qemu): slow again, not hung.
int64_t default_deadline_ns(const std::vector<TargetSpec>& targets) {
  bool latency = std::any_of(targets.begin(), targets.end(), [](const TargetSpec& t) {
    return t.kind == TargetKind::kFuse && t.fuse.find("latency") != std::string::npos;
  });
  return latency || emulated_cpu() ? 5'000'000'000 : 250'000'000;
}

// `nameifuzz vm` puts NFZ_VM_ACCEL=kvm|tcg on the guest kernel's command line; the kernel
// hands a parameter it does not know, with '=' and no '.', to init as an environment
// variable (init/main.c, unknown_bootoption()), and the guest's init passes it on.
bool emulated_cpu() {
  const char* accel = std::getenv("NFZ_VM_ACCEL");
  return accel && std::string_view(accel) == "tcg";
}

Command stress_command() {
  return {"stress", "run generated concurrent programs on real targets and check every run", "[OPTIONS]",
          [](po::options_description& desc, po::positional_options_description&) {
            desc.add_options()
                ("target", po::value<std::string>()->default_value("tmpfs"), "targets, comma-separated, rotated per program: tmpfs, ext4, xfs, btrfs, overlay, dir:PATH, fuse:strict|churn|nocreate[+latency]")
                ("threads", po::value<int>()->default_value(4), "threads per program, run concurrently")
                ("duration", po::value<double>()->default_value(60), "seconds to run (unless --programs)")
                ("programs", po::value<uint64_t>()->default_value(0), "stop after this many programs (0: use --duration)")
                ("seed", po::value<uint64_t>(), "seed of the program generator (default: from the clock, printed)")
                ("first-program", po::value<uint64_t>()->default_value(0), "start at this program number of the seed (a finding's program.nfz names it)")
                ("op-mix", po::value<std::string>()->default_value("default"), "op kind weights, e.g. open=40,rename=15,drop_caches=0")
                ("oracles", po::value<std::string>(), "oracles to run, comma-separated names or groups: fuse, nonblock (default: every default-on oracle; the summary lists them all)")
                ("json", po::value<std::string>(), "write the summary as JSON to this file")
                ("findings", po::value<std::string>()->default_value("findings"), "folder for findings (<signature>/program.nfz, history.jsonl, message.txt, fuse_trace.jsonl)")
                ("ops-per-thread", po::value<int>()->default_value(24), "at most this many ops per thread (and in setup)")
                ("deadline-ms", po::value<int64_t>(), "an op still running after this is hung (FIFO opens wait for a peer); default 250, 5000 with a fuse:*+latency target or under TCG (nameifuzz vm)")
                ("shared-ring-every", po::value<int>()->default_value(4), "every Nth program shares one io_uring among its threads (0: never)")
                ("memory-limit-mb", po::value<uint32_t>()->default_value(0), "run in a memory cgroup with this limit (memory pressure; 0: off)")
                ("quiet", "no progress line")
                ("jobs", po::value<int64_t>(), "worker processes, each with its own sandboxes; program n runs in job n mod N (default: online CPUs)")
                ("fresh-every", po::value<uint32_t>()->default_value(256), "programs per resident target instance before a fresh one (1: a fresh mount per program; fuse:* always mounts per program)")
                ("drop-caches-ms", po::value<uint32_t>()->default_value(2000), "cache pressure: write /proc/sys/vm/drop_caches every this many ms beside the programs (0: off)")
                ("drop-caches-level", po::value<int>()->default_value(3), "what the cache pressure drops: 1 page cache, 2 dentries and inodes, 3 both")
                ("confirm", po::value<uint32_t>()->default_value(20), "after the loop, replay each new finding this many times on fresh targets (0: no findings pipeline)")
                ("minimize-budget", po::value<double>()->default_value(60), "seconds the minimizer may spend on each new finding")
                ("keep-going", "do not stop at a finding: run the whole duration, write each title's first violation, count the rest");
            add_inject_option(desc);
            add_report_options(desc);
          },
          stress};
}

}  // namespace nfz::cli
