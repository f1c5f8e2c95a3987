// The C reproducer generator (repro/): its output compiles with cc -Wall -Werror, and,
// as root, each corpus finding's repro.c gives its documented exit code.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <variant>

#include <gtest/gtest.h>

#include "core/text.hpp"
#include "repro/c_checks.hpp"
#include "repro/c_fragments.hpp"
#include "repro/repro.hpp"

namespace nfz::repro {
namespace {

namespace fs = std::filesystem;

// Why C reproducers cannot be built here, or "".
std::string cannot_compile() {
  static const std::string why = [] {
    if (std::system("command -v cc >/dev/null 2>&1") != 0) return std::string("no cc on PATH");
    if (std::system("echo '#include <liburing.h>' | cc -E -x c - >/dev/null 2>&1") != 0)
      return std::string("no liburing headers (liburing-dev)");
    if (std::system("echo '#include <fuse3/fuse_lowlevel.h>' | cc -D_FILE_OFFSET_BITS=64 -DFUSE_USE_VERSION=312 -E -x c - >/dev/null 2>&1") != 0)
      return std::string("no libfuse3 headers (libfuse3-dev)");
    return std::string();
  }();
  return why;
}

class Scratch {
 public:
  Scratch() {
    char tmpl[] = "/tmp/nfz-repro-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  ~Scratch() { fs::remove_all(dir_); }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

int exit_code_of(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

// Writes `c` to DIR/NAME.c and builds it as docs/REPRODUCERS.md says; returns the binary
// or "" (with the compiler's output in `log`).
std::string compile(const Scratch& s, const std::string& name, const std::string& c, std::string& log) {
  std::string src = s.dir() + "/" + name + ".c", bin = s.dir() + "/" + name, out = s.dir() + "/" + name + ".log";
  std::ofstream(src) << c;
  bool fuse = c.find("fuse_lowlevel.h") != std::string::npos;
  std::string cmd = "cc -Wall -Werror -o " + bin + " " + src + " -luring" + (fuse ? " -lfuse3" : "") + " >" + out + " 2>&1";
  int status = std::system(cmd.c_str());
  std::ifstream in(out);
  log.assign(std::istreambuf_iterator<char>(in), {});
  return exit_code_of(status) == 0 ? bin : std::string();
}

struct RunResult {
  int code = -1;
  std::string output;
};

RunResult run(const std::string& bin, const std::string& env = "") {
  std::string out = bin + ".out";
  int status = std::system((env + " " + bin + " >" + out + " 2>&1").c_str());
  std::ifstream in(out);
  return {exit_code_of(status), std::string(std::istreambuf_iterator<char>(in), {})};
}

Program parse(const std::string& text) {
  auto parsed = parse_program(text, "test");
  if (auto* err = std::get_if<ParseError>(&parsed)) ADD_FAILURE() << err->to_string();
  return std::holds_alternative<Program>(parsed) ? std::get<Program>(parsed) : Program{};
}

Program read_corpus(const std::string& relative) {
  auto parsed = read_program_file(std::string(NFZ_SOURCE_DIR) + "/" + relative);
  if (auto* err = std::get_if<ParseError>(&parsed)) ADD_FAILURE() << err->to_string();
  return std::holds_alternative<Program>(parsed) ? std::get<Program>(parsed) : Program{};
}

// Every corpus finding with a C reproducer, with the arguments docs/REPRODUCERS.md
// generates it with and its exit codes on Linux 6.18: with the fault, and (FUSE) with
// every request answered at once.
struct CorpusCase {
  const char* folder;
  const char* oracle;
  const char* target;
  const char* title;
  int exit_code, exit_without_fault;
};
constexpr CorpusCase kCorpus[] = {
    {"io_uring-failed-mkdirat-does-not-break-link", "uring.link", "tmpfs", "", 1, -1},
    {"issue.equivalent-uring-inline-fifo-open", "issue.equivalent", "tmpfs", "", 1, -1},
    {"kernel.health-io-wq-open-cancel-erestartsys", "kernel.health", "tmpfs", "", 1, -1},
    {"nonblock.issue-uring-inline-open-fuse-OPEN", "nonblock.issue", "fuse:strict",
     "nonblock.issue: io_uring inline open slept (fuse:OPEN)", 1, 0},
    {"nonblock.issue-uring-inline-open-fuse-OPENDIR", "nonblock.issue", "fuse:strict",
     "nonblock.issue: io_uring inline open slept (fuse:OPENDIR)", 1, 0},
    {"nonblock.issue-uring-inline-open-fuse-GETATTR", "nonblock.issue", "fuse:strict+latency",
     "nonblock.issue: io_uring inline open slept (fuse:GETATTR)", 1, 0},
};

void PrintTo(const CorpusCase& k, std::ostream* os) { *os << k.folder; }

std::string spec_source(const CorpusCase& k) { return std::string("corpus/findings/") + k.folder + "/repro.nfz"; }

std::string corpus_reproducer(const CorpusCase& k, std::string& why) {
  ReproSpec spec;
  spec.oracle = k.oracle;
  spec.target = k.target;
  spec.title = k.title;
  spec.source = spec_source(k);
  return c_reproducer(read_corpus(spec.source), nullptr, spec, why);
}

class CorpusRepro : public testing::TestWithParam<CorpusCase> {};

TEST_P(CorpusRepro, CompilesRunsAndGivesItsExitCode) {
  const CorpusCase& k = GetParam();
  if (std::string why = cannot_compile(); !why.empty()) GTEST_SKIP() << why;
  std::string why;
  std::string c = corpus_reproducer(k, why);
  ASSERT_FALSE(c.empty()) << why;
  Scratch s;
  std::string log, bin = compile(s, "repro", c, log);
  ASSERT_FALSE(bin.empty()) << log;
  if (geteuid() != 0) GTEST_SKIP() << "running repro.c needs root (mount namespace, mounts)";
  RunResult r = run(bin);
  EXPECT_EQ(r.code, k.exit_code) << r.output;
  EXPECT_NE(r.output.find(k.exit_code == 1 ? "reproduced" : "did not reproduce"), std::string::npos) << r.output;
  if (k.exit_without_fault >= 0) {
    RunResult off = run(bin, "NFZ_REPRO_NO_FAULT=1");
    EXPECT_EQ(off.code, k.exit_without_fault) << off.output;
  }
}

// The committed corpus/findings/*/repro.c is what the generator writes today.
TEST_P(CorpusRepro, CommittedFileIsTheGeneratorsOutput) {
  const CorpusCase& k = GetParam();
  std::string why;
  std::string c = corpus_reproducer(k, why);
  ASSERT_FALSE(c.empty()) << why;
  std::ifstream in(std::string(NFZ_SOURCE_DIR) + "/corpus/findings/" + k.folder + "/repro.c");
  ASSERT_TRUE(in) << "no repro.c in " << k.folder;
  std::string committed(std::istreambuf_iterator<char>(in), {});
  EXPECT_TRUE(committed == c) << "regenerate it from the top of the tree: nameifuzz repro " << spec_source(k) << " --oracle " << k.oracle
                          << " --target " << k.target << (*k.title ? std::string(" --title '") + k.title + "'" : "")
                          << " -o corpus/findings/" << k.folder << "/repro.c (docs/REPRODUCERS.md)";
}

INSTANTIATE_TEST_SUITE_P(Findings, CorpusRepro, testing::ValuesIn(kCorpus),
                         [](const testing::TestParamInfo<CorpusCase>& info) {
                           std::string name = info.param.folder;
                           for (char& c : name)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

// Every committed finding is a regression input: each corpus/findings/*/repro.nfz has its
// row in kCorpus, so that its repro.c is regenerated, compiled and run above.
TEST(CorpusRepro, EveryCommittedFindingHasItsRow) {
  for (const auto& e : std::filesystem::directory_iterator(std::string(NFZ_SOURCE_DIR) + "/corpus/findings")) {
    if (!std::filesystem::exists(e.path() / "repro.nfz")) continue;
    const std::string folder = e.path().filename().string();
    EXPECT_TRUE(std::any_of(std::begin(kCorpus), std::end(kCorpus), [&](const CorpusCase& k) { return folder == k.folder; }))
        << "corpus/findings/" << folder << "/repro.nfz has no row in kCorpus";
  }
}

// The three findings that had a hand-written reproducer keep it as repro-handwritten.c
// (docs/REPRODUCERS.md): it agrees with the generated repro.c (both exit 1 here).
TEST(CReproducer, HandWrittenReproducersAgreeWithTheGeneratedOnes) {
  if (std::string why = cannot_compile(); !why.empty()) GTEST_SKIP() << why;
  if (geteuid() != 0) GTEST_SKIP() << "running the reproducers needs root";
  int found = 0;
  for (const CorpusCase& k : kCorpus) {
    std::string path = std::string(NFZ_SOURCE_DIR) + "/corpus/findings/" + k.folder + "/repro-handwritten.c";
    if (!fs::exists(path)) continue;
    ++found;
    std::ifstream in(path);
    std::string c(std::istreambuf_iterator<char>(in), {}), log;
    Scratch s;
    std::string bin = compile(s, "handwritten", c, log);
    ASSERT_FALSE(bin.empty()) << k.folder << ":\n" << log;
    RunResult hand = run(bin, "cd " + s.dir() + " &&");  // it works in its current directory
    EXPECT_EQ(hand.code, k.exit_code) << k.folder << ": " << hand.output;
  }
  EXPECT_EQ(found, 3);
}

// Every op kind, every issue mode (syscall, inline, IOSQE_ASYNC, linked chains, fixed
// slots), registers as dirfds, and every harness action.
constexpr const char* kEveryOp = R"(nameifuzz program v1
faults:
  latency(LOOKUP, 10, 20)
  error(MKNOD, EIO, 0)
setup:
  mkdir("d", 0755)
  f0 = open("d", O_RDONLY|O_DIRECTORY)
  mknod("d/p", S_IFIFO|0644)
  mknod("d/r", S_IFREG|0600)
  mknod("d/null", S_IFCHR|0666, 1, 3)
thread 0:
  f1 = openat(f0, "x", O_WRONLY|O_CREAT|O_EXCL, 0644) [uring]
  close(f1) [uring-async]
  f2 = openat2(f0, "x", O_RDONLY, 0, RESOLVE_BENEATH|RESOLVE_CACHED) [uring link fixed]
  close(f2) [uring fixed]
  f3 = openat2("/d/x", O_RDONLY|O_NOFOLLOW, 0, 0)
  close(f3)
  statx("d/x", AT_SYMLINK_NOFOLLOW) [uring]
  symlink("x", "d/s") [uring link]
  link("d/x", "d/h") [uring-async link]
  rename("d/h", "d/i") [uring]
  renameat2("d/i", "d/x", RENAME_EXCHANGE)
  unlink("d/i") [uring-async]
  drop_caches(2)
  revalidate()
  usleep(100)
thread 1:
  mkdir("e", 0700) [uring-async]
  f4 = open("e", O_RDWR|O_TMPFILE, 0600) [uring]
  rmdir("e") [uring]
  statx("\x01\"\\?a", 0)
  f5 = open("d/x", O_RDWR|O_TRUNC|O_NONBLOCK) [uring-async fixed]
  close(f5) [uring-async fixed]
  close(f0)
)";

TEST(CReproducer, EveryOpKindAndIssueModeCompilesForEveryOracleAndTarget) {
  if (std::string why = cannot_compile(); !why.empty()) GTEST_SKIP() << why;
  Program p = parse(kEveryOp);
  History failing;
  failing.ops.push_back(p.setup);
  for (const auto& t : p.threads) failing.ops.push_back(t);
  failing.events.push_back({.thread = 0, .index = 0, .result = -EEXIST});
  Scratch s;
  int n = 0;
  // Each check on tmpfs (negative.fresh on FUSE), each other kind of target with one check
  // (the C that differs by target is the sandbox and the FUSE server, not the check).
  std::vector<std::pair<std::string, std::string>> cases;
  for (const std::string& line : repro_oracles()) {
    std::string oracle = line.substr(0, line.find(':'));
    cases.emplace_back(oracle, oracle == "negative.fresh" ? "fuse:strict" : "tmpfs");  // FUSE requests only
  }
  for (const char* target : {"ext4", "fuse:churn+latency", "fuse:nocreate"}) {
    cases.emplace_back("nonblock.issue", target);
    cases.emplace_back("issue.equivalent", target);
  }
  for (const auto& [oracle, target] : cases) {
    ReproSpec spec;
    spec.oracle = oracle;
    spec.target = target;
    spec.title = "test (fuse:LOOKUP)";
    std::string why, log;
    std::string c = c_reproducer(p, &failing, spec, why);
    ASSERT_FALSE(c.empty()) << oracle << " " << target << ": " << why;
    EXPECT_FALSE(compile(s, "every" + std::to_string(n++), c, log).empty()) << oracle << " " << target << ":\n" << log;
  }
}

// The same program runs to its end on tmpfs: every op completes, nothing hangs, no CQE
// has -512 (kernel.health: exit 0); its RESOLVE_CACHED opens stay in the RCU walk
// (nonblock.walk: exit 0).
TEST(CReproducer, EveryOpKindAndIssueModeRunsOnTmpfs) {
  if (std::string why = cannot_compile(); !why.empty()) GTEST_SKIP() << why;
  if (geteuid() != 0) GTEST_SKIP() << "running repro.c needs root";
  const std::pair<const char*, const char*> cases[] = {
      {"kernel.health", "did not reproduce on tmpfs (1 try): no CQE"},
      {"nonblock.walk", "did not reproduce on tmpfs (1 try): 1 RESOLVE_CACHED open answered within the RCU walk"},
  };
  Scratch s;
  for (const auto& [oracle, says] : cases) {
    ReproSpec spec;
    spec.oracle = oracle;
    spec.tries = 1;
    std::string why, log;
    std::string bin = compile(s, "every", c_reproducer(parse(kEveryOp), nullptr, spec, why), log);
    ASSERT_FALSE(bin.empty()) << why << log;
    RunResult r = run(bin);
    EXPECT_EQ(r.code, 0) << oracle << ": " << r.output;
    EXPECT_NE(r.output.find(says), std::string::npos) << r.output;
  }
}

// repro.c of `text` on fuse:strict for `oracle`: reproduces, saying `says`; with its
// program's faults off (every request answered at once) it does not.
void expect_reproduces_only_with_its_fault(const std::string& text, const char* oracle, const char* says) {
  ReproSpec spec;
  spec.oracle = oracle;
  spec.target = "fuse:strict";
  std::string why, log;
  Scratch s;
  std::string bin = compile(s, "faulty", c_reproducer(parse(text), nullptr, spec, why), log);
  ASSERT_FALSE(bin.empty()) << why << log;
  RunResult r = run(bin);
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find(says), std::string::npos) << r.output;
  EXPECT_EQ(run(bin, "NFZ_REPRO_NO_FAULT=1").code, 0);
}

// kernel.health: an op that does not come back even after its cancel reproduces. A
// FUSE request the server holds 3 s, past the 200 ms deadline and the 1 s grace that
// follows the cancel (the inline open waits in request_wait_answer(), which the cancel
// cannot end).
TEST(CReproducer, KernelHealthCountsAnOpThatNeverReturns) {
  if (std::string why = cannot_compile(); !why.empty()) GTEST_SKIP() << why;
  if (geteuid() != 0) GTEST_SKIP() << "running repro.c needs root";
  expect_reproduces_only_with_its_fault(
      "nameifuzz program v1\nfaults:\n  latency(OPENDIR, 3000000, 3000000)\nsetup:\n  mkdir(\"d\", 0755)\n"
      "  statx(\"d\", 0)\nthread 0:\n  open(\"d\", O_RDONLY|O_DIRECTORY) [uring]\n",
      "kernel.health", "did not return within its deadline");
}

// The loop-image path: the -ERESTARTSYS finding (found on tmpfs and ext4) on ext4.
TEST(CReproducer, KernelHealthFindingReproducesOnExt4) {
  if (std::string why = cannot_compile(); !why.empty()) GTEST_SKIP() << why;
  if (geteuid() != 0) GTEST_SKIP() << "running repro.c needs root";
  if (std::system("command -v mkfs.ext4 >/dev/null 2>&1") != 0) GTEST_SKIP() << "no mkfs.ext4 (e2fsprogs)";
  ReproSpec spec;
  spec.oracle = "kernel.health";
  spec.target = "ext4";
  std::string why, log;
  Scratch s;
  std::string c = c_reproducer(read_corpus("corpus/findings/kernel.health-io-wq-open-cancel-erestartsys/repro.nfz"), nullptr,
                               spec, why);
  std::string bin = compile(s, "ext4", c, log);
  ASSERT_FALSE(bin.empty()) << why << log;
  RunResult r = run(bin);
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("reproduced on ext4"), std::string::npos) << r.output;
  EXPECT_EQ(std::system("losetup -a | grep -q nfz-repro"), 256) << "repro.c left its loop device attached";
}

// linearizable: repro.c looks for the failing History's outcomes; a History the kernel
// does give reproduces, one it does not give does not.
TEST(CReproducer, HistoryOutcomesDecideTheExitCode) {
  if (std::string why = cannot_compile(); !why.empty()) GTEST_SKIP() << why;
  if (geteuid() != 0) GTEST_SKIP() << "running repro.c needs root";
  Program p = parse("nameifuzz program v1\nsetup:\n  mkdir(\"d\", 0755)\nthread 0:\n  mkdir(\"d\", 0755) [uring]\n"
                    "thread 1:\n  f0 = open(\"d\", O_RDONLY|O_DIRECTORY)\n");
  ReproSpec spec;
  spec.oracle = "linearizable";
  spec.tries = 2;
  Scratch s;
  for (int eexist : {1, 0}) {
    History h;
    h.ops = {p.setup, p.threads[0], p.threads[1]};
    h.events = {{.thread = -1, .index = 0, .result = 0},
                {.thread = 0, .index = 0, .result = eexist ? -EEXIST : 0},
                {.thread = 1, .index = 0, .result = 5}};
    std::string why, log;
    std::string bin = compile(s, "lin" + std::to_string(eexist), c_reproducer(p, &h, spec, why), log);
    ASSERT_FALSE(bin.empty()) << why << log;
    RunResult r = run(bin);
    EXPECT_EQ(r.code, eexist) << r.output;
  }
}

// uring.link: a failed open severs its chain (io_openat2() calls req_set_fail()), so the
// same shape with an open does not reproduce.
TEST(CReproducer, FailedOpenBreaksItsChainSoUringLinkDoesNotReproduce) {
  if (std::string why = cannot_compile(); !why.empty()) GTEST_SKIP() << why;
  if (geteuid() != 0) GTEST_SKIP() << "running repro.c needs root";
  Program p = parse("nameifuzz program v1\nthread 0:\n  open(\"absent\", O_RDONLY) [uring link]\n  mkdir(\"d\", 0755) [uring]\n");
  ReproSpec spec;
  spec.oracle = "uring.link";
  std::string why, log;
  Scratch s;
  std::string bin = compile(s, "link", c_reproducer(p, nullptr, spec, why), log);
  ASSERT_FALSE(bin.empty()) << why << log;
  RunResult r = run(bin);
  EXPECT_EQ(r.code, 0) << r.output;
}

TEST(CReproducer, RefusesWhatItCannotCheckOrMake) {
  Program p = parse("nameifuzz program v1\nthread 0:\n  mkdir(\"d\", 0755)\n");
  struct Case {
    const char *oracle, *target, *why;
  } cases[] = {
      {"no.such", "tmpfs", "oracle 'no.such'"},
      {"linearizable", "tmpfs", "needs the failing History"},
      {"kernel.health", "overlay", "target 'overlay'"},
      {"kernel.health", "fuse:bogus", "target 'fuse:bogus'"},
      {"kernel.health", "dir:/tmp", "target 'dir:/tmp'"},
      {"negative.fresh", "tmpfs", "a fuse:* target"},
  };
  for (const Case& k : cases) {
    ReproSpec spec;
    spec.oracle = k.oracle;
    spec.target = k.target;
    std::string why;
    EXPECT_EQ(c_reproducer(p, nullptr, spec, why), "") << k.oracle << " " << k.target;
    EXPECT_NE(why.find(k.why), std::string::npos) << why;
  }
  History other;
  other.ops = {{}, {}};
  other.events.push_back({});
  ReproSpec spec;
  spec.oracle = "linearizable";
  std::string why;
  EXPECT_EQ(c_reproducer(p, &other, spec, why), "");
  EXPECT_NE(why.find("not of this program"), std::string::npos) << why;
}

}  // namespace
}  // namespace nfz::repro

namespace nfz::repro {
namespace {

// `nameifuzz repro`: bad input is one line on stderr naming the file (and line), exit 2;
// good input writes what c_reproducer() writes.
struct CliCase {
  std::string args, stderr_starts;
  int code;
};

TEST(CliRepro, ExitCodesAndOneLineErrors) {
  std::string bin = std::string(NFZ_BINARY_DIR) + "/nameifuzz";
  std::string src = NFZ_SOURCE_DIR, erestart = src + "/corpus/findings/kernel.health-io-wq-open-cancel-erestartsys/repro.nfz";
  Scratch s;
  std::ofstream(s.dir() + "/bad.nfz") << "nameifuzz program v1\nthread 0:\n  bogus(\"x\")\n";
  std::ofstream(s.dir() + "/bad.jsonl") << "{\"format\":\"nameifuzz-history\"\n";
  const CliCase cases[] = {
      {s.dir() + "/bad.nfz --oracle kernel.health", s.dir() + "/bad.nfz:3:", 2},
      {s.dir() + "/missing.nfz --oracle kernel.health", s.dir() + "/missing.nfz", 2},
      {erestart + " --oracle linearizable --history " + s.dir() + "/bad.jsonl", s.dir() + "/bad.jsonl:1", 2},
      {erestart + " --oracle no.such", "nameifuzz repro: " + erestart + ": no C reproducer: oracle 'no.such'", 2},
      {erestart + " --oracle linearizable", "nameifuzz repro: " + erestart + ": no C reproducer: linearizable needs", 2},
      {erestart + " --oracle kernel.health --target overlay", "nameifuzz repro: " + erestart + ": no C reproducer: target", 2},
      {erestart + " --oracle kernel.health --tries -1", "nameifuzz repro: --tries", 2},
      {erestart, "nameifuzz repro: the option '--oracle' is required", 2},
      {erestart + " --oracle kernel.health -o " + s.dir() + "/out.c", "", 0},
  };
  for (const CliCase& k : cases) {
    std::string cmd = bin + " repro " + k.args + " >" + s.dir() + "/stdout 2>" + s.dir() + "/stderr";
    int code = exit_code_of(std::system(cmd.c_str()));
    std::ifstream in(s.dir() + "/stderr");
    std::string err(std::istreambuf_iterator<char>(in), {});
    EXPECT_EQ(code, k.code) << k.args << ": " << err;
    if (k.code == 0) {
      EXPECT_EQ(err, "") << k.args;
      continue;
    }
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << k.args << ": " << err;
    EXPECT_TRUE(err.starts_with(k.stderr_starts)) << k.args << ": " << err;
  }
  std::ifstream generated(s.dir() + "/out.c"), committed(fs::path(erestart).parent_path() / "repro.c");
  std::string a(std::istreambuf_iterator<char>(generated), {}), b(std::istreambuf_iterator<char>(committed), {});
  EXPECT_TRUE(a.find("check (kernel.health)") != std::string::npos);
  // The committed file was made with the source path relative to the tree.
  EXPECT_EQ(a.substr(a.find("#define _GNU_SOURCE")), b.substr(b.find("#define _GNU_SOURCE")));
}

// Every check names a fragment repro/CMakeLists.txt embeds (a missing one would leave
// repro.c without its try_once()).
TEST(CReproducer, EveryCheckHasItsFragment) {
  for (const ReproCheck& check : repro_checks()) EXPECT_FALSE(c_fragment(check.fragment).empty()) << check.fragment;
}

// negative.fresh on FUSE: a LOOKUP of a held name answered ENOENT (the fault) leaves a
// negative dentry, and the second mkdir sends MKDIR for a name the server holds.
TEST(CReproducer, NegativeFreshReproducesWithItsFaultAndNotWithout) {
  if (std::string why = cannot_compile(); !why.empty()) GTEST_SKIP() << why;
  if (geteuid() != 0) GTEST_SKIP() << "running repro.c needs root";
  expect_reproduces_only_with_its_fault(
      "nameifuzz program v1\nfaults:\n  error(LOOKUP, ENOENT, 1000)\nsetup:\n  mkdir(\"d\", 0755)\n"
      "  drop_caches(2)\n  mkdir(\"d\", 0755)\n",
      "negative.fresh", "FUSE MKDIR of a name the server holds");
}

}  // namespace
}  // namespace nfz::repro
