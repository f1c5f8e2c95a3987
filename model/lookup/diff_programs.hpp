// Programs for sequential differential testing (`nameifuzz diff`, tests/model): one
// thread of ops from the shared generators (core/generate.hpp), and the two issue
// variants every program runs in. Header-only: it needs rapidcheck, the model library
// does not.
#pragma once

#include <rapidcheck.h>

#include <string_view>
#include <vector>

#include "core/generate.hpp"
#include "core/program.hpp"

namespace nfz::model {

// How a diff run issues a program's ops.
enum class DiffIssue : uint8_t {
  kSyscall,  // every op a plain system call
  kUring,    // every op through io_uring (inline, or as generated: async, linked, fixed);
             // mknod has no io_uring op and stays a syscall
};
inline constexpr std::string_view diff_issue_name(DiffIssue d) { return d == DiffIssue::kSyscall ? "syscall" : "io_uring"; }

struct DiffProgramOptions {
  int max_ops = 40;
  bool harness_actions = false;  // drop_caches, usleep, revalidate: off by default (drop_caches
                                 // is machine-wide and slow, and none changes the namespace)
};

// The generator tweaks of differential testing, over the shared alphabet: short paths
// (so that the names ops make are the names later ops use), each open flag on its own
// with a fair chance (gen::op()'s flag sets grow with the size parameter until nearly every
// open is EINVAL), and four fd registers (so that close and dirfd meet what opens set).
namespace diff_gen {

inline constexpr int kSlots = 4;

inline rc::Gen<std::string> path() {
  return rc::gen::exec([] {
    int depth = *rc::gen::weightedElement<int>({{6, 1}, {5, 2}, {2, 3}, {1, 4}});
    std::string p = *rc::gen::weightedElement<bool>({{5, false}, {1, true}}) ? "/" : "";
    for (int i = 0; i < depth; ++i) {
      if (i) p += '/';
      p += *rc::gen::weightedElement<std::string_view>(
          {{8, "a"}, {8, "b"}, {6, "c"}, {4, "d"}, {2, "."}, {3, ".."}, {1, kLongComponent}});
    }
    if (*rc::gen::weightedElement<bool>({{8, false}, {1, true}})) p += '/';
    return p;
  });
}

inline uint32_t some_bits(std::initializer_list<std::pair<uint32_t, int>> bits_and_odds) {
  uint32_t out = 0;
  for (auto [bit, one_in] : bits_and_odds)
    if (*rc::gen::inRange(0, one_in) == 0) out |= bit;
  return out;
}

inline void fill_open(Op& op) {
  op.flags = *rc::gen::element<uint32_t>(O_RDONLY, O_RDONLY, O_WRONLY, O_RDWR) |
             some_bits({{O_CREAT, 3}, {O_EXCL, 6}, {O_TRUNC, 8}, {O_DIRECTORY, 6}, {O_NOFOLLOW, 6},
                        {O_PATH, 8}, {O_NONBLOCK, 6}});
  if (*rc::gen::inRange(0, 16) == 0) op.flags = (op.flags & ~O_CREAT) | O_TMPFILE;
  op.openat2 = *rc::gen::arbitrary<bool>();
  if (op.openat2)
    op.resolve = some_bits({{RESOLVE_NO_XDEV, 8}, {RESOLVE_NO_MAGICLINKS, 8}, {RESOLVE_NO_SYMLINKS, 5},
                            {RESOLVE_BENEATH, 5}, {RESOLVE_IN_ROOT, 5}, {RESOLVE_CACHED, 3}});
  if (*rc::gen::inRange(0, 5) == 0) op.dirfd = static_cast<int8_t>(*rc::gen::inRange(0, kSlots));
  if (*rc::gen::inRange(0, 4) != 0) op.fd = static_cast<int8_t>(*rc::gen::inRange(0, kSlots));
  if (creates_file(op.flags)) op.mode = *rc::gen::elementOf(kModes);
  op.path = *path();
}

inline rc::Gen<Op> op() {
  return rc::gen::exec([] {
    Op op;
    op.kind = *rc::gen::weightedElement<OpKind>({{10, OpKind::kOpen}, {4, OpKind::kClose}, {5, OpKind::kMkdir},
                                                 {2, OpKind::kRmdir}, {3, OpKind::kUnlink}, {4, OpKind::kRename},
                                                 {3, OpKind::kSymlink}, {2, OpKind::kLink}, {2, OpKind::kMknod},
                                                 {2, OpKind::kStatx}});
    op.issue = *gen::issue_for(op.kind);
    switch (op.kind) {
      case OpKind::kOpen: fill_open(op); break;
      case OpKind::kClose: op.fd = static_cast<int8_t>(*rc::gen::inRange(0, kSlots)); break;
      case OpKind::kMkdir: op.mode = *rc::gen::elementOf(kModes); op.path = *path(); break;
      case OpKind::kRename:
        op.flags = *rc::gen::element<uint32_t>(0, 0, 0, kRenameNoreplace, kRenameExchange, kRenameWhiteout);
        [[fallthrough]];
      case OpKind::kSymlink:
      case OpKind::kLink: op.path = *path(); op.path2 = *path(); break;
      case OpKind::kMknod:
        op.mode = *rc::gen::elementOf(kNodeTypes) | *rc::gen::elementOf(kModes);
        if ((op.mode & S_IFMT) == S_IFCHR) op.major = kCharMajor, op.minor = kCharMinor;
        op.path = *path();
        break;
      case OpKind::kStatx: op.flags = *rc::gen::element<uint32_t>(0, AT_SYMLINK_NOFOLLOW); [[fallthrough]];
      default: op.path = *path(); break;
    }
    if (op.kind == OpKind::kOpen && op.fd == kNoSlot) op.issue.fixed = false;
    return op;
  });
}

// An op that makes something at a plain path (no ".", "..", no long name): programs
// start with a few, so that later ops meet existing files, directories, symlinks and
// FIFOs instead of ENOENT.
inline rc::Gen<Op> constructive_op() {
  return rc::gen::exec([] {
    auto plain = [] {
      int depth = *rc::gen::weightedElement<int>({{3, 1}, {2, 2}, {1, 3}});
      std::string p;
      for (int i = 0; i < depth; ++i) p += std::string(i ? "/" : "") + *rc::gen::element("a", "b", "c", "d");
      return p;
    };
    Op op;
    switch (*rc::gen::weightedElement<int>({{5, 0}, {3, 1}, {2, 2}, {1, 3}})) {
      case 0: op.kind = OpKind::kMkdir; op.mode = 0755; op.path = plain(); break;
      case 1:
        op.kind = OpKind::kOpen;
        op.flags = O_WRONLY | O_CREAT;
        op.mode = 0644;
        op.path = plain();
        break;
      case 2: op.kind = OpKind::kSymlink; op.path = *path(); op.path2 = plain(); break;
      default: op.kind = OpKind::kMknod; op.mode = S_IFIFO | 0644; op.path = plain(); break;
    }
    return op;
  });
}

}  // namespace diff_gen

// One thread of ops, no FUSE faults.
inline rc::Gen<Program> diff_program(DiffProgramOptions o = {}) {
  return rc::gen::exec([o] {
    Program p;
    int n = *rc::gen::inRange(1, o.max_ops + 1);
    std::vector<Op> ops;
    int prefix = *rc::gen::weightedElement<int>({{1, 0}, {3, 3}, {3, 6}, {1, 10}});
    for (int i = 0; i < prefix; ++i) ops.push_back(*diff_gen::constructive_op());
    n += prefix;
    while (static_cast<int>(ops.size()) < n) {
      bool harness = o.harness_actions && *rc::gen::inRange(0, 30) == 0;
      ops.push_back(harness ? *gen::op_of_kind(*rc::gen::element(OpKind::kDropCaches, OpKind::kSleep)) : *diff_gen::op());
    }
    p.threads.push_back(std::move(ops));
    return p;
  });
}

// A linked io_uring chain is prepared at once, so its ops read the fd registers as they
// were before the chain (docs/FORMAT.md); the model reads them op by op. Ends a chain
// before an op that reads (dirfd, or a plain close) a register an earlier op of the
// chain sets, which is what issue.equivalent does too.
inline void split_register_chains(std::vector<Op>& ops) {
  uint32_t set_in_chain = 0;  // registers opened into since the chain began
  for (size_t i = 0; i < ops.size(); ++i) {
    Op& op = ops[i];
    bool in_chain = i > 0 && ops[i - 1].issue.link;
    if (!in_chain) set_in_chain = 0;
    uint32_t reads = 0;
    if (op.kind == OpKind::kOpen && op.dirfd != kNoSlot) reads |= 1u << op.dirfd;
    if (op.kind == OpKind::kClose && !op.issue.fixed) reads |= 1u << op.fd;
    if (in_chain && (reads & set_in_chain)) {
      ops[i - 1].issue.link = false;
      set_in_chain = 0;
    }
    if (op.kind == OpKind::kOpen && op.fd != kNoSlot) set_in_chain |= 1u << op.fd;
  }
}

// Links only into a next io_uring op (the executor would not link into a syscall or a
// harness action), and no chain reading a register it sets.
inline void normalize_links(std::vector<Op>& ops) {
  for (size_t i = 0; i < ops.size(); ++i)
    if (ops[i].issue.link && (i + 1 == ops.size() || ops[i + 1].issue.via == Via::kSyscall ||
                              is_harness_action(ops[i + 1].kind)))
      ops[i].issue.link = false;
  split_register_chains(ops);
}

// `p` with every op issued as `how` says.
inline Program with_issue(Program p, DiffIssue how) {
  for (auto& ops : p.threads) {
    for (Op& op : ops) {
      if (is_harness_action(op.kind) || op.kind == OpKind::kMknod || how == DiffIssue::kSyscall) op.issue = Issue{};
      else if (op.issue.via == Via::kSyscall) op.issue = Issue{Via::kUring, false, false};
    }
    normalize_links(ops);
  }
  return p;
}

}  // namespace nfz::model
