// nameifuzz diff: sequential differential testing of the reference lookup model against
// the kernel (docs/MODEL.md). N generated one-thread programs, each run on a
// fresh instance of the target once with plain syscalls and once through io_uring; every
// result is checked against the model. The first disagreement is minimized (delta
// debugging over ops, then over each op's issue mode, flags and path), printed as a
// reproducer with what the kernel and the model said, and the exit code is 1.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <sys/mman.h>

#include "cli/command.hpp"
#include "cli/report_output.hpp"
#include "core/flags.hpp"
#include "core/text.hpp"
#include "exec/sandbox.hpp"
#include "exec/sequential.hpp"
#include "exec/uring_backend.hpp"
#include "model/lookup/diff_programs.hpp"
#include "model/lookup/sequential_check.hpp"
#include "report/progress.hpp"

namespace nfz::cli {
namespace {

using model::DiffIssue;

std::optional<model::Profile> profile_of(const TargetSpec& t) {
  switch (t.kind) {
    case TargetKind::kTmpfs: return model::Profile::kTmpfs;
    case TargetKind::kExt4: return model::Profile::kExt4;
    case TargetKind::kXfs: return model::Profile::kXfs;
    case TargetKind::kBtrfs: return model::Profile::kBtrfs;
    case TargetKind::kOverlay: return model::Profile::kOverlay;
    case TargetKind::kFuse: return model::Profile::kFuse;
    default: return std::nullopt;
  }
}

enum class Verdict { kAgree, kDisagree, kEnvironment };

// What a run's child prints: nothing, its history up to a disagreement (so that the first
// sighting is on record even when it does not happen again), or every op's result.
enum class Report { kNone, kDisagreement, kAlways };

// How often each (op kind, result) was observed, counted by the sandbox children in
// memory shared with the parent: what the programs exercised (--stats).
struct ResultCounts {
  static constexpr int kSlots = 256;  // 0: success, 1..254: errno, 255: blocked
  uint64_t counts[kOpKindCount][kSlots];

  static ResultCounts* create() {
    void* p = mmap(nullptr, sizeof(ResultCounts), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? nullptr : new (p) ResultCounts{};
  }
  void add(const Op& op, int32_t result) {
    int slot = result == model::kBlocks ? 255 : result >= 0 ? 0 : std::min(-result, 254);
    __atomic_fetch_add(&counts[static_cast<int>(op.kind)][slot], 1, __ATOMIC_RELAXED);
  }
  void print(std::ostream& out) const {
    for (int k = 0; k < kOpKindCount; ++k) {
      Op op;
      op.kind = static_cast<OpKind>(k);
      std::string line;
      for (int slot = 0; slot < kSlots; ++slot)
        if (counts[k][slot])
          line += " " + (slot == 0 ? std::string("ok") : slot == 255 ? std::string("blocks") : errno_name(slot)) + "=" +
                  std::to_string(counts[k][slot]);
      if (!line.empty()) out << "  " << op_name(op) << ":" << line << "\n";
    }
  }
};

struct Differ {
  Sandbox& sandbox;
  model::LookupModel model;
  SequentialOptions options;
  ResultCounts* counts = nullptr;  // --stats
  uint64_t runs = 0;

  // Runs `p` on a fresh instance of the target; the child prints what `report` says.
  Verdict run(const Program& p, Report report) {
    ++runs;
    RunStatus st = sandbox.run([&](const SandboxEnv& env) {
      History h;
      std::string why = run_sequential(p, env, options, h, [](const Event&) {});
      if (!why.empty()) {
        std::fprintf(stderr, "nameifuzz diff: io_uring unavailable: %s\n", why.c_str());
        return kExitEnvironment;
      }
      if (counts)
        for (const Event& e : h.events) counts->add(h.op_of(e), model::observed_result(e));
      auto d = model::check_sequential(model, h, kMaxChain);
      if (report == Report::kAlways || (report == Report::kDisagreement && d)) print_report(h, d);
      return d ? kExitFinding : kExitOk;
    });
    if (st.exit_code == kExitOk) return Verdict::kAgree;
    if (st.exit_code == kExitFinding) return Verdict::kDisagree;
    return Verdict::kEnvironment;
  }

  static void print_report(const History& h, const std::optional<model::Disagreement>& d) {
    std::string text;
    for (size_t k = 0; k < h.events.size(); ++k) {
      const Event& e = h.events[k];
      text += "  #" + std::to_string(e.index) + " " + print_op(h.op_of(e)) + "  = " +
              model::result_name(model::observed_result(e));
      if (d && d->event == k && !d->identity.empty()) {
        text += "   <-- another object: " + d->identity + "\n";
        break;
      }
      if (d && d->event == k) {
        text += "   <-- the model allows only:";
        for (int32_t r : d->allowed) text += " " + model::result_name(r);
        text += "\n";
        break;
      }
      text += "\n";
    }
    if (d) {
      text += "model state before that op:\n";
      text += d->state.empty() ? "  (empty root)\n" : "";
      size_t start = 0;
      while (start < d->state.size()) {
        size_t end = d->state.find('\n', start);
        text += "  " + d->state.substr(start, end - start) + "\n";
        start = end + 1;
      }
    }
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  }
};

// The simpler variants of one op a minimizer tries, most drastic first.
std::vector<Op> simpler_ops(const Op& op) {
  std::vector<Op> out;
  auto add = [&](Op o) {
    if (o != op && validate_op(o).empty()) out.push_back(std::move(o));
  };
  if (op.issue.via != Via::kSyscall) {
    Op o = op;
    o.issue = Issue{};
    add(o);
    o = op;
    o.issue.link = false;
    add(o);
    o = op;
    o.issue.fixed = false;
    add(o);
    o = op;
    o.issue.via = Via::kUring;
    add(o);
  }
  for (uint32_t bit = 1; bit; bit <<= 1) {
    if (op.flags & bit) {
      Op o = op;
      o.flags &= ~bit;
      add(o);
    }
    if (op.resolve & bit) {
      Op o = op;
      o.resolve &= ~bit;
      add(o);
    }
  }
  if (op.openat2 && op.resolve == 0) {
    Op o = op;
    o.openat2 = false;
    add(o);
  }
  if (op.dirfd != kNoSlot) {
    Op o = op;
    o.dirfd = kNoSlot;
    add(o);
  }
  if (op.fd != kNoSlot && op.kind == OpKind::kOpen && !op.issue.fixed) {
    Op o = op;
    o.fd = kNoSlot;
    add(o);
  }
  // Paths: drop one component (or a leading / trailing slash).
  for (std::string Op::*field : {&Op::path, &Op::path2}) {
    const std::string& p = op.*field;
    if (p.size() > 1 && p.back() == '/') {
      Op o = op;
      (o.*field).pop_back();
      add(o);
    }
    if (p.size() > 1 && p.front() == '/') {
      Op o = op;
      (o.*field).erase(0, 1);
      add(o);
    }
    for (size_t start = 0; start < p.size();) {
      size_t end = p.find('/', start);
      if (end == std::string::npos) end = p.size();
      std::string shorter = p.substr(0, start) + (end < p.size() ? p.substr(end + 1) : "");
      if (!shorter.empty() && shorter != "/") {
        Op o = op;
        o.*field = shorter;
        add(o);
      }
      start = end + 1;
    }
  }
  return out;
}

// Delta debugging: drop chunks of ops while the disagreement stays, then simplify each op.
Program minimize(Differ& d, Program p) {
  auto fails = [&](std::vector<Op> ops) {
    model::normalize_links(ops);
    Program q;
    q.threads.push_back(std::move(ops));
    return d.run(q, Report::kNone) == Verdict::kDisagree;
  };
  std::vector<Op>& ops = p.threads[0];
  for (size_t chunk = std::max<size_t>(ops.size() / 2, 1);; chunk /= 2) {
    for (size_t start = 0; start < ops.size();) {
      std::vector<Op> candidate = ops;
      candidate.erase(candidate.begin() + start, candidate.begin() + std::min(ops.size(), start + chunk));
      if (!candidate.empty() && fails(candidate)) ops = candidate;
      else start += chunk;
    }
    if (chunk == 1) break;
  }
  for (bool progress = true; progress;) {
    progress = false;
    for (size_t i = 0; i < ops.size(); ++i) {
      for (const Op& simpler : simpler_ops(ops[i])) {
        std::vector<Op> candidate = ops;
        candidate[i] = simpler;
        if (fails(candidate)) {
          ops = candidate;
          progress = true;
          break;
        }
      }
    }
  }
  model::normalize_links(ops);
  return p;
}

Program program_number(uint64_t seed, uint64_t index, const model::DiffProgramOptions& o) {
  rc::Random random(rc::Random::Key{seed, index, 0x6e616d6569ull, 0x64696666ull});
  return model::diff_program(o)(random, rc::kNominalSize).value();
}

// A diff run as a summary: one oracle per issue mode, "model.syscall" and
// "model.io_uring" (the kernel's results are among the model's), each program a check.
struct DiffTally {
  uint64_t checks[2] = {0, 0};
  nlohmann::json findings = nlohmann::json::array();
};

std::string diff_oracle(DiffIssue how) { return "model." + std::string(model::diff_issue_name(how)); }

nlohmann::json diff_summary(const std::string& target, model::Profile profile, uint64_t seed, double seconds,
                            uint64_t ops, const DiffTally& tally) {
  nlohmann::json oracles = nlohmann::json::array();
  for (DiffIssue how : {DiffIssue::kSyscall, DiffIssue::kUring})
    oracles.push_back({{"name", diff_oracle(how)}, {"checks", tally.checks[how == DiffIssue::kUring]}});
  return {{"format", "nameifuzz-diff-summary"}, {"version", 1}, {"targets", {target}},
          {"profile", model::profile_name(profile)}, {"seed", seed}, {"seconds", seconds}, {"ops", ops},
          {"oracles", oracles}, {"findings", tally.findings}, {"exit", tally.findings.empty() ? kExitOk : kExitFinding}};
}

int diff(const po::variables_map& vm) {
  const auto target_name = vm["target"].as<std::string>();
  auto spec = parse_target(target_name);
  if (!spec) return usage_error("diff", "unknown target '" + target_name + "' (known: " + std::string(kKnownTargets) + ")");
  std::optional<model::Profile> profile = profile_of(*spec);
  if (vm.count("profile")) {
    profile = model::profile_by_name(vm["profile"].as<std::string>());
    if (!profile) return usage_error("diff", "unknown profile '" + vm["profile"].as<std::string>() + "' (tmpfs, ext4, xfs, btrfs, overlay)");
  }
  if (!profile) return usage_error("diff", "target '" + target_name + "' needs --profile");
  const uint64_t seqs = vm["seqs"].as<uint64_t>(), seed = vm["seed"].as<uint64_t>(),
                 first = vm["first-seq"].as<uint64_t>();
  model::DiffProgramOptions gen_options;
  gen_options.max_ops = vm["max-ops"].as<int>();
  gen_options.harness_actions = vm.count("harness-actions") > 0;
  if (gen_options.max_ops < 1 || gen_options.max_ops > 10000) return usage_error("diff", "--max-ops must be 1..10000");

  auto report = ReportOutput::begin(vm, "diff");
  if (!report) return kExitUsage;
  std::string why;
  auto sandbox = Sandbox::open(*spec, SandboxOptions{}, why);
  if (!sandbox) return usage_error("diff", target_name + ": " + why);
  Differ d{*sandbox, model::LookupModel(*profile, model::Mode::kSequential), {}};
  d.options.op_deadline_ns = vm["deadline-ms"].as<int64_t>() * 1'000'000;
  if (vm.count("stats") && !(d.counts = ResultCounts::create())) return usage_error("diff", "mmap failed");
  const bool verbose = vm.count("verbose") > 0;
  const bool progress = !vm.count("quiet") && !verbose;
  const auto start = std::chrono::steady_clock::now();
  uint64_t ops = 0;
  DiffTally tally;
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  report::Progress progress_out(std::cerr, report::Progress::stderr_is_terminal());
  auto progress_line = [&](uint64_t done) {
    return "diff: " + std::to_string(done) + "/" + std::to_string(seqs) + " programs, " + report::rounded(ops) +
           " ops, " + report::duration_text(seconds());
  };
  for (uint64_t i = first; i < first + seqs; ++i) {
    Program generated = program_number(seed, i, gen_options);
    ops += generated.op_count();
    for (DiffIssue how : {DiffIssue::kSyscall, DiffIssue::kUring}) {
      Program p = model::with_issue(generated, how);
      if (verbose) std::cout << "program " << i << " (" << model::diff_issue_name(how) << "):\n" << std::flush;
      Verdict v = d.run(p, verbose ? Report::kAlways : Report::kDisagreement);
      if (v == Verdict::kEnvironment) return usage_error("diff", "the sandbox failed on " + target_name + " (see above)");
      ++tally.checks[how == DiffIssue::kUring];
      if (v == Verdict::kAgree) continue;
      if (progress) progress_out.break_line();
      std::cout << "nameifuzz diff: DISAGREEMENT on " << target_name << " (profile " << model::profile_name(*profile)
                << ", " << model::diff_issue_name(how) << "), program " << i << " of seed " << seed
                << " (its run is above, as it happened)\n";
      Program small = minimize(d, p);
      int again = 0;
      for (int k = 0; k < 3; ++k) again += d.run(small, Report::kNone) == Verdict::kDisagree;
      std::cout << "minimized from " << p.op_count() << " to " << small.op_count() << " ops (reproduced " << again
                << "/3 after minimizing):\n"
                << print_program(small) << "run on a fresh " << target_name << ":\n";
      std::cout.flush();
      d.run(small, Report::kAlways);
      tally.findings.push_back({{"title", diff_oracle(how) + ": the kernel disagrees with the model on " + target_name},
                                {"oracle", diff_oracle(how)}, {"target", target_name},
                                {"detail", "program " + std::to_string(i) + " of seed " + std::to_string(seed)}});
      return report->finish(diff_summary(target_name, *profile, seed, seconds(), ops, tally), kExitFinding);
    }
    if (progress && progress_out.due()) progress_out.report(progress_line(i - first + 1));
  }
  double s = seconds();
  if (progress) progress_out.finish(progress_line(seqs));
  std::cout << "diff: " << seqs << " programs (" << ops << " ops) x 2 issue modes (syscall, io_uring) on " << target_name
            << " (profile " << model::profile_name(*profile) << "), seed " << seed << ": 0 disagreements in " << report::duration_text(s)
            << " (" << d.runs << " fresh targets)\n";
  if (d.counts) {
    std::cout << "results seen (both issue modes):\n";
    d.counts->print(std::cout);
  }
  return report->finish(diff_summary(target_name, *profile, seed, s, ops, tally), kExitOk);
}

}  // namespace

std::string target_help();

Command diff_command() {
  return {"diff", "check the reference lookup model against the kernel on generated sequential programs", "[OPTIONS]",
          [](po::options_description& desc, po::positional_options_description&) {
            desc.add_options()
                ("target", po::value<std::string>()->default_value("tmpfs"), target_help().c_str())
                ("profile", po::value<std::string>(), "model profile (default: the target's filesystem): tmpfs, ext4, xfs, btrfs, overlay")
                ("seqs", po::value<uint64_t>()->default_value(1000), "programs to generate and run")
                ("seed", po::value<uint64_t>()->default_value(1), "seed of the program generator")
                ("first-seq", po::value<uint64_t>()->default_value(0), "start at this program number of the seed")
                ("max-ops", po::value<int>()->default_value(40), "ops per program, at most")
                ("deadline-ms", po::value<int64_t>()->default_value(100), "an op still running after this is hung (a FIFO open waiting for a peer)")
                ("harness-actions", "also generate drop_caches, usleep and revalidate")
                ("verbose", "print every op's result")
                ("stats", "print how often each op kind gave each result")
                ("quiet", "no progress line");
            add_report_options(desc);
          },
          diff};
}

}  // namespace nfz::cli
