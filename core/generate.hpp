// rapidcheck generators for ops and Programs: the property tests, `nameifuzz diff` and the
// stress loop all draw programs from these, over the same alphabet as the byte decoder.
#pragma once

#include <cerrno>
#include <span>
#include <vector>

#include <rapidcheck.h>

#include "core/alphabet.hpp"
#include "core/program.hpp"
#include "core/text.hpp"

namespace nfz::gen {

inline rc::Gen<std::string> path() {
  return rc::gen::exec([] {
    auto depth = *rc::gen::inRange(1, 4);
    std::string p = *rc::gen::element(false, false, false, true) ? "/" : "";
    for (int i = 0; i < depth; ++i) {
      if (i) p += '/';
      bool long_name = *rc::gen::weightedElement<bool>({{30, false}, {1, true}});
      p += long_name ? std::string_view(kLongComponent) : *rc::gen::elementOf(kComponents);
    }
    if (*rc::gen::weightedElement<bool>({{6, false}, {1, true}})) p += '/';
    return p;
  });
}

inline rc::Gen<uint32_t> bits_of(std::span<const uint32_t> choices) {
  std::vector<uint32_t> all(choices.begin(), choices.end());
  return rc::gen::map(rc::gen::container<std::vector<uint32_t>>(rc::gen::elementOf(all)),
                      [](const std::vector<uint32_t>& picked) {
                        uint32_t bits = 0;
                        for (auto b : picked) bits |= b;
                        return bits;
                      });
}

inline rc::Gen<Issue> issue_for(OpKind kind) {
  return rc::gen::exec([kind] {
    Issue issue;
    if (is_harness_action(kind) || kind == OpKind::kMknod) return issue;
    issue.via = *rc::gen::element(Via::kSyscall, Via::kUring, Via::kUringAsync);
    if (issue.via == Via::kSyscall) return issue;
    issue.link = *rc::gen::weightedElement<bool>({{4, false}, {1, true}});
    if (kind == OpKind::kOpen || kind == OpKind::kClose)
      issue.fixed = *rc::gen::weightedElement<bool>({{4, false}, {1, true}});
    return issue;
  });
}

// The share of generated opens drawn valid (build_open_flags() accepts their flags and
// RESOLVE bits); the rest take any bits, so that the refusals stay tested too.
inline constexpr uint32_t kValidOpenPercent = 85;

inline constexpr std::array<uint32_t, 6> kResolveBits = {RESOLVE_NO_XDEV, RESOLVE_NO_MAGICLINKS, RESOLVE_NO_SYMLINKS,
                                                         RESOLVE_BENEATH, RESOLVE_IN_ROOT, RESOLVE_CACHED};

// Open flags that build_open_flags() takes from openat2 (and so from openat): one of the
// shapes an open has, with the bits that go with it.
inline rc::Gen<uint32_t> valid_open_flags() {
  return rc::gen::exec([] {
    auto maybe = [](uint32_t bit, uint32_t one_in) {
      return *rc::gen::weightedElement<bool>({{1, true}, {one_in - 1, false}}) ? bit : 0u;
    };
    const uint32_t nofollow = maybe(O_NOFOLLOW, 4), nonblock = maybe(O_NONBLOCK, 6);
    switch (*rc::gen::weightedElement<int>({{4, 0}, {4, 1}, {2, 2}, {1, 3}, {1, 4}})) {
      case 0: {  // an existing file
        uint32_t acc = *rc::gen::element<uint32_t>(O_RDONLY, O_WRONLY, O_RDWR);
        return acc | nofollow | nonblock | (acc != O_RDONLY ? maybe(O_TRUNC, 3) : 0u);
      }
      case 1:  // a create: never with O_DIRECTORY (EINVAL since 6.4)
        return *rc::gen::element<uint32_t>(O_WRONLY, O_RDWR, O_RDONLY) | O_CREAT | maybe(O_EXCL, 2) |
               maybe(O_TRUNC, 4) | nofollow | nonblock;
      case 2: return O_RDONLY | O_DIRECTORY | nofollow | nonblock;
      case 3: return O_PATH | maybe(O_DIRECTORY, 3) | nofollow;  // O_PATH_FLAGS only
      default:  // O_TMPFILE: write access, no O_CREAT (O_TMPFILE_MASK)
        return *rc::gen::element<uint32_t>(O_WRONLY, O_RDWR) | O_TMPFILE | maybe(O_EXCL, 3);
    }
  });
}

// RESOLVE bits build_open_flags() takes with `flags`: RESOLVE_BENEATH and RESOLVE_IN_ROOT
// exclude each other (EINVAL), and RESOLVE_CACHED cannot create or truncate (EAGAIN).
inline uint32_t make_resolve_valid(uint32_t resolve, uint32_t flags) {
  if ((resolve & RESOLVE_BENEATH) && (resolve & RESOLVE_IN_ROOT)) resolve &= ~RESOLVE_IN_ROOT;
  if (flags & (O_CREAT | O_TRUNC | O_TMPFILE)) resolve &= ~RESOLVE_CACHED;
  return resolve;
}

inline void fill_open(Op& op) {
  // weightedElement, not inRange: rapidcheck scales inRange by the size, and small sizes
  // would draw only valid opens.
  const bool valid = *rc::gen::weightedElement<bool>({{kValidOpenPercent, true}, {100 - kValidOpenPercent, false}});
  op.flags = valid ? *valid_open_flags()
                   : *rc::gen::element<uint32_t>(O_RDONLY, O_WRONLY, O_RDWR) | *bits_of(kOpenFlagBits);
  op.openat2 = *rc::gen::arbitrary<bool>();
  if (op.openat2) {
    op.resolve = *rc::gen::weightedElement<bool>({{1, false}, {2, true}}) ? *rc::gen::elementOf(kResolveBits) : *bits_of(kResolveBits);
    if (valid) op.resolve = make_resolve_valid(op.resolve, op.flags);
  }
  auto slot = rc::gen::inRange<int>(0, kSlotCount);
  if (*rc::gen::weightedElement<bool>({{5, false}, {1, true}})) op.dirfd = static_cast<int8_t>(*slot);
  op.fd = *rc::gen::weightedElement<bool>({{1, false}, {3, true}}) ? static_cast<int8_t>(*slot) : kNoSlot;
  if (creates_file(op.flags)) op.mode = *rc::gen::elementOf(kModes);
  op.path = *path();
}

inline rc::Gen<Op> op_of_kind(OpKind kind) {
  return rc::gen::exec([kind] {
    Op op;
    op.kind = kind;
    op.issue = *issue_for(kind);
    switch (kind) {
      case OpKind::kOpen: fill_open(op); break;
      case OpKind::kClose: op.fd = static_cast<int8_t>(*rc::gen::inRange<int>(0, kSlotCount)); break;
      case OpKind::kMkdir: op.mode = *rc::gen::elementOf(kModes); op.path = *path(); break;
      case OpKind::kRmdir:
      case OpKind::kUnlink: op.path = *path(); break;
      case OpKind::kRename:
        op.flags = *rc::gen::element<uint32_t>(0, 0, kRenameNoreplace, kRenameExchange, kRenameWhiteout);
        [[fallthrough]];
      case OpKind::kSymlink:
      case OpKind::kLink: op.path = *path(); op.path2 = *path(); break;
      case OpKind::kMknod:
        op.mode = *rc::gen::elementOf(kNodeTypes) | *rc::gen::elementOf(kModes);
        if ((op.mode & S_IFMT) == S_IFCHR) op.major = kCharMajor, op.minor = kCharMinor;
        op.path = *path();
        break;
      case OpKind::kStatx: op.flags = *rc::gen::element<uint32_t>(0, AT_SYMLINK_NOFOLLOW); op.path = *path(); break;
      case OpKind::kDropCaches: op.arg = *rc::gen::inRange<uint32_t>(1, 4); break;
      case OpKind::kSleep: op.arg = *rc::gen::inRange<uint32_t>(0, 2000); break;
      case OpKind::kRevalidate: break;
    }
    if (kind == OpKind::kOpen && op.fd == kNoSlot) op.issue.fixed = false;
    return op;
  });
}

// Namespace-changing and open ops dominate; harness actions are rare.
inline rc::Gen<Op> op() {
  return rc::gen::mapcat(
      rc::gen::weightedElement<OpKind>({{8, OpKind::kOpen}, {3, OpKind::kClose}, {4, OpKind::kMkdir},
                                        {2, OpKind::kRmdir}, {3, OpKind::kUnlink}, {3, OpKind::kRename},
                                        {2, OpKind::kSymlink}, {2, OpKind::kLink}, {1, OpKind::kMknod},
                                        {2, OpKind::kStatx}, {1, OpKind::kDropCaches},
                                        {1, OpKind::kRevalidate}, {1, OpKind::kSleep}}),
      op_of_kind);
}

inline rc::Gen<FuseFault> fuse_fault() {
  return rc::gen::exec([] {
    FuseFault f;
    f.op = *rc::gen::elementOf(kFaultOps);
    if (*rc::gen::arbitrary<bool>()) {
      f.kind = FuseFault::Kind::kLatency;
      f.min_us = *rc::gen::inRange<uint32_t>(0, 1000);
      f.max_us = f.min_us + *rc::gen::inRange<uint32_t>(0, 5000);
    } else {
      f.kind = FuseFault::Kind::kError;
      f.error = *rc::gen::elementOf(kFaultErrors);
      f.permille = *rc::gen::inRange<uint32_t>(0, 1001);
    }
    return f;
  });
}

inline rc::Gen<Program> program(int max_threads = 4) {
  return rc::gen::exec([max_threads] {
    Program p;
    if (*rc::gen::weightedElement<bool>({{4, false}, {1, true}}))
      p.faults = *rc::gen::container<std::vector<FuseFault>>(fuse_fault());
    p.setup = *rc::gen::container<std::vector<Op>>(op());
    int n = *rc::gen::inRange(1, max_threads + 1);
    for (int t = 0; t < n; ++t) p.threads.push_back(*rc::gen::container<std::vector<Op>>(op()));
    return p;
  });
}

// Programs for the NOBLOCK oracles: they make sleeping likely where it must not happen.
// Setup builds a deep tree and a chain of symlinks through it; the threads mix
// RESOLVE_CACHED opens and inline io_uring opens of deep paths with renames of the
// paths' components (seqcount retries in the RCU walk), cache drops (cold dentries and
// inodes) and creates in the same directories (i_rwsem contention).
inline const std::vector<std::string>& deep_paths() {
  static const std::vector<std::string> paths = {
      "a/b/c/d/f", "a/b/c/d", "s3/f", "s2/d/f", "/s1/c/d/f", "a/b/c/../c/d/f", "a/b/x/d/f", "a/b/c/d/g"};
  return paths;
}

inline Program nonblock_setup() {
  Program p;
  auto add = [&p](const char* line) { p.setup.push_back(std::get<Op>(parse_op(line, "nonblock_setup", 0))); };
  add("mkdir(\"a\", 0755)");
  add("mkdir(\"a/b\", 0755)");
  add("mkdir(\"a/b/c\", 0700)");
  add("mkdir(\"a/b/c/d\", 0755)");
  add("f0 = open(\"a/b/c/d/f\", O_WRONLY|O_CREAT, 0644)");
  add("close(f0)");
  add("symlink(\"a/b\", \"s1\")");
  add("symlink(\"s1/c\", \"s2\")");
  add("symlink(\"/s2/d\", \"s3\")");
  return p;
}

inline rc::Gen<Op> nonblock_op() {
  return rc::gen::exec([] {
    std::string path = *rc::gen::elementOf(deep_paths());
    int pick = *rc::gen::weightedElement<int>({{6, 0}, {6, 1}, {2, 2}, {1, 3}, {2, 4}, {1, 5}});
    Op op;
    switch (pick) {
      case 0:  // the walk under RESOLVE_CACHED, however issued
        op.kind = OpKind::kOpen;
        op.openat2 = true;
        op.resolve = RESOLVE_CACHED;
        op.flags = *rc::gen::element<uint32_t>(O_RDONLY, O_RDONLY | O_DIRECTORY, O_RDONLY | O_PATH);
        op.issue.via = *rc::gen::element(Via::kSyscall, Via::kUring);
        break;
      case 1:  // an inline io_uring open: LOOKUP_CACHED first, punt on -EAGAIN
        op.kind = OpKind::kOpen;
        op.flags = *rc::gen::element<uint32_t>(O_RDONLY, O_RDONLY | O_DIRECTORY, O_RDONLY | O_NOFOLLOW);
        op.issue.via = Via::kUring;
        break;
      case 2:
        op.kind = OpKind::kRename;
        op.path = *rc::gen::element<std::string>("a/b/c", "a/b/x");
        op.path2 = op.path == "a/b/c" ? "a/b/x" : "a/b/c";
        return op;
      case 3:
        op.kind = OpKind::kDropCaches;
        op.arg = *rc::gen::element<uint32_t>(2, 3);
        return op;
      case 4:
        op.kind = OpKind::kOpen;
        op.flags = O_WRONLY | O_CREAT;
        op.mode = 0644;
        op.path = *rc::gen::element<std::string>("a/b/c/d/g", "a/b/c/d/h", "a/b/x/d/g");
        op.issue.via = *rc::gen::element(Via::kSyscall, Via::kUring);
        return op;
      default:
        op.kind = OpKind::kStatx;
        op.issue.via = Via::kUring;
        break;
    }
    op.path = path;
    return op;
  });
}

inline rc::Gen<Program> nonblock_program(int max_threads = 4) {
  return rc::gen::exec([max_threads] {
    Program p = nonblock_setup();
    int n = *rc::gen::inRange(1, max_threads + 1);
    for (int t = 0; t < n; ++t) p.threads.push_back(*rc::gen::container<std::vector<Op>>(nonblock_op()));
    return p;
  });
}

}  // namespace nfz::gen
