#include "model/dcache/scenarios.hpp"

#include <algorithm>
#include <array>

#include "model/dcache/variant.hpp"

namespace nfz::dcache {
namespace {

constexpr uint8_t A = 0, B = 1;

constexpr Op open_op(uint8_t name, uint8_t flags = 0, uint8_t how = kHowSync) {
  return Op{kOpOpen, name, 0, flags, how};
}
constexpr Op simple(uint8_t kind, uint8_t name = 0, uint8_t name2 = 0) { return Op{kind, name, name2, 0, kHowSync}; }

struct Builder {
  Scenario s;
  constexpr Builder(uint8_t fs) { s.fs = fs; }
  constexpr Builder& readonly() {
    s.readonly = 1;
    return *this;
  }
  constexpr Builder& acl() {
    s.acl = 1;
    return *this;
  }
  constexpr Builder& atime() {
    s.atime = 1;
    return *this;
  }
  constexpr Builder& server(uint8_t name, uint8_t type, uint8_t target = 0) {
    s.server[name] = type;
    s.server_target[name] = target;
    return *this;
  }
  constexpr Builder& setup(Op op) {
    s.ops[kSetupSlot][s.nops[kSetupSlot]++] = op;
    return *this;
  }
  constexpr Builder& thread(std::initializer_list<Op> ops) {
    for (const Op& op : ops) s.ops[s.nthreads][s.nops[s.nthreads]++] = op;
    ++s.nthreads;
    return *this;
  }
};

const std::vector<NamedScenario>& table() {
  static const std::vector<NamedScenario> kTable = {
      {"atomic-open-2016", "the 2016 mail: openers handed the hashed negative dentry the first one left",
       false, Builder(kFsNfs).thread({open_op(A)}).thread({open_op(A)}).thread({open_op(A)}).s},
      {"atomic-open-2016-eisdir", "two openers of that hashed negative dentry, and another client's mkdir", false,
       Builder(kFsNfs).thread({open_op(A)}).thread({open_op(A)}).thread({open_op(A)})
           .thread({simple(kOpRemoteMkdir, A)}).s},
      {"lustre-openers-2016", "two openers of one name on lustre: the second is handed a hashed negative dentry",
       false, Builder(kFsLustre).thread({open_op(A)}).thread({open_op(A)}).s},
      {"ceph-remote-create-2026", "two openers on ceph, another client creates the name between", false,
       Builder(kFsCeph).thread({open_op(A)}).thread({open_op(A)}).thread({simple(kOpRemoteCreate, A)}).s},
      {"create-readonly-2013", "an O_CREAT open of a missing name on a read-only nfs mount", false,
       Builder(kFsNfs).readonly().thread({open_op(A, kOCreat)}).thread({simple(kOpStat, A)}).s},
      {"cached-acl", "RESOLVE_CACHED and io_uring opens, and a lookup, in a directory whose ACL is not cached",
       false, Builder(kFsExt4).server(A, kFile).acl()
           .thread({open_op(A, 0, kHowCached)}).thread({open_op(A, 0, kHowUring)}).thread({simple(kOpStat, A)}).s},
      {"atomic-open-2016-pair", "two non-O_CREAT openers of one name on an atomic_open filesystem", true,
       Builder(kFsNfs).thread({open_op(A)}).thread({open_op(A)}).s},
      {"atomic-open-2016-create", "an O_CREAT opener against a plain opener on an atomic_open filesystem", true,
       Builder(kFsNfs).thread({open_op(A, kOCreat)}).thread({open_op(A)}).s},
      {"d-alloc-parallel-2016", "two lookups of one uncached name race in d_alloc_parallel()", true,
       Builder(kFsExt4).server(A, kFile).thread({simple(kOpStat, A)}).thread({simple(kOpStat, A)}).s},
      {"d-alloc-parallel-2016-nfs", "a lookup and an open of one uncached name on nfs", true,
       Builder(kFsNfs).server(A, kFile).thread({simple(kOpStat, A)}).thread({open_op(A)}).s},
      {"uring-open-2020", "io_uring opens a name that is not in the dcache (the seed mail's ext4_lookup)", false,
       Builder(kFsExt4).server(A, kFile).thread({open_op(A, 0, kHowUring)}).thread({simple(kOpUnlink, A)}).s},
      {"cached-odirectory-2023", "RESOLVE_CACHED|O_DIRECTORY open of a cached directory", false,
       Builder(kFsExt4).server(A, kDir).setup(simple(kOpStat, A))
           .thread({open_op(A, kODirectory, kHowCached)}).thread({simple(kOpStat, A)}).s},
      {"cached-miss-2025", "RESOLVE_CACHED open of a name that is not in the dcache", false,
       Builder(kFsExt4).server(A, kFile).thread({open_op(A, 0, kHowCached)}).thread({simple(kOpStat, B)}).s},
      {"create-excl", "two O_CREAT|O_EXCL opens and a lookup of one name", false,
       Builder(kFsExt4).thread({open_op(A, kOCreat | kOExcl)}).thread({open_op(A, kOCreat | kOExcl)})
           .thread({simple(kOpStat, A)}).s},
      {"rename-cached", "a rename under a RESOLVE_CACHED open and a lookup", false,
       Builder(kFsExt4).server(A, kFile).setup(simple(kOpStat, A)).setup(simple(kOpStat, B))
           .thread({simple(kOpRename, A, B)}).thread({open_op(B, 0, kHowCached)}).thread({simple(kOpStat, A)}).s},
      {"cached-symlink-2025", "RESOLVE_CACHED open through a cached symlink to an uncached name (depth 1)", false,
       Builder(kFsExt4).server(A, kFile).server(B, kLink, A).setup(simple(kOpLstat, B))
           .thread({open_op(B, 0, kHowCached)}).thread({simple(kOpStat, B)}).s},
      {"cached-symlink-atime", "RESOLVE_CACHED and open(2) through a cached symlink whose atime needs an update",
       false, Builder(kFsExt4).server(A, kFile).server(B, kLink, A).atime().setup(simple(kOpStat, A))
           .setup(simple(kOpLstat, B)).thread({open_op(B, 0, kHowCached)}).thread({open_op(B)}).s},
      {"nfs-remote", "a name created by another client under a cached negative dentry", false,
       Builder(kFsNfs).setup(simple(kOpStat, A)).setup(simple(kOpRemoteCreate, A))
           .thread({open_op(A)}).thread({open_op(A, 0, kHowUring)}).thread({simple(kOpEvict)}).s},
  };
  return kTable;
}

Op random_op(Rng& rng, uint8_t fs) {
  for (;;) {
    Op op;
    const uint32_t k = rng.below(16);
    op.name = static_cast<uint8_t>(rng.below(4) == 0 ? B : A);
    if (k < 9) {
      op.kind = kOpOpen;
      op.how = static_cast<uint8_t>(rng.below(kHowCount));
      const uint32_t f = rng.below(6);
      op.flags = f == 0 ? kOCreat : f == 1 ? (kOCreat | kOExcl) : f == 2 ? kODirectory : 0;
    } else if (k < 12) {
      op.kind = rng.below(3) ? kOpStat : kOpLstat;
    } else if (k == 12) {
      op.kind = kOpUnlink;
    } else if (k == 13) {
      op.kind = kOpRename;
      op.name2 = static_cast<uint8_t>(1 - op.name);
    } else if (k == 14) {
      op.kind = kOpEvict;
      op.name = 0;
    } else {
      const uint32_t r = rng.below(3);
      op.kind = r == 0 ? kOpRemoteCreate : r == 1 ? kOpRemoteUnlink : kOpRemoteMkdir;
    }
    if (validate_op(op, fs).empty()) return op;
  }
}

// Schedule bytes: each is a run of one thread, `b % nthreads`, of 1 to 4 steps: a race
// needs a few context switches at the right places, and runs reach them with fewer bytes.
void append_runs(std::span<const uint8_t> bytes, uint8_t nthreads, std::vector<uint8_t>& schedule) {
  for (uint8_t b : bytes) {
    const int steps = 1 + (b / nthreads) % 4;
    for (int i = 0; i < steps; ++i) schedule.push_back(static_cast<uint8_t>(b % nthreads));
  }
}

}  // namespace

std::span<const NamedScenario> builtin_scenarios() { return table(); }

Scenario with_variant(Scenario s, uint8_t variant) {
  s.variant = variant;
  s.rules = variants()[variant].rules;
  return s;
}

Scenario random_scenario(Rng& rng, uint8_t variant) {
  Scenario s;
  s.fs = static_cast<uint8_t>(rng.below(kFsCount));
  s.readonly = rng.below(8) == 0;
  s.acl = rng.below(8) == 0;
  s.atime = rng.below(8) == 0;
  for (uint8_t n = 0; n < 2; ++n) {
    const uint32_t k = rng.below(8);
    s.server[n] = static_cast<uint8_t>(k < 3 ? kNone : k < 6 ? kFile : k == 6 ? kDir : kLink);
    s.server_target[n] = s.server[n] == kLink ? static_cast<uint8_t>(1 - n) : 0;
  }
  s.nops[kSetupSlot] = static_cast<uint8_t>(rng.below(3));
  for (int i = 0; i < s.nops[kSetupSlot]; ++i) s.ops[kSetupSlot][i] = random_op(rng, s.fs);
  s.nthreads = static_cast<uint8_t>(2 + rng.below(2));
  for (int t = 0; t < s.nthreads; ++t) {
    s.nops[t] = static_cast<uint8_t>(1 + rng.below(2));
    for (int i = 0; i < s.nops[t]; ++i) s.ops[t][i] = random_op(rng, s.fs);
  }
  return with_variant(s, variant);
}

Decoded decode_input(std::span<const uint8_t> bytes, uint8_t variant) {
  Decoded out;
  Scenario& s = out.scenario;
  size_t pos = 0;
  auto next = [&]() -> uint8_t { return pos < bytes.size() ? bytes[pos++] : 0; };
  const uint8_t head = next();
  if (head & 0x80) {  // a built-in scenario; the rest of the bytes are its schedule
    const auto builtins = builtin_scenarios();
    s = builtins[(head & 0x7f) % builtins.size()].scenario;
    out.scenario = with_variant(s, variant);
    append_runs(bytes.subspan(std::min(pos, bytes.size())), s.nthreads, out.schedule);
    return out;
  }
  s.fs = static_cast<uint8_t>(head % kFsCount);
  s.nthreads = static_cast<uint8_t>(2 + ((head >> 2) % (kMaxThreads - 1)));
  const uint8_t srv = next();
  for (int n = 0; n < kMaxNames; ++n) {
    s.server[n] = static_cast<uint8_t>((srv >> (2 * n)) & 3);
    s.server_target[n] = s.server[n] == kLink ? static_cast<uint8_t>(n ^ 1) : 0;
  }
  const uint8_t counts = next();
  s.nops[kSetupSlot] = counts % 3;
  s.readonly = counts >> 7;
  s.acl = (counts >> 6) & 1;
  s.atime = (head >> 6) & 1;
  for (int t = 0; t < s.nthreads; ++t) s.nops[t] = static_cast<uint8_t>(1 + ((counts >> (2 + t)) & 1));
  for (int t = 0; t < kSlots; ++t) {
    for (int i = 0; i < s.nops[t]; ++i) {
      const uint8_t a = next(), b = next();
      Op op;
      op.kind = static_cast<uint8_t>(a % kOpKindCount);
      op.name = b & 1;
      op.name2 = (b >> 1) & 1;
      if (op.kind == kOpOpen) {
        op.how = static_cast<uint8_t>((a >> 3) % kHowCount);
        op.flags = static_cast<uint8_t>((b >> 2) & 7);
        if ((op.flags & kOCreat) && (op.flags & kODirectory)) op.flags &= static_cast<uint8_t>(~kODirectory);
        if ((op.flags & kOExcl) && !(op.flags & kOCreat)) op.flags &= static_cast<uint8_t>(~kOExcl);
      }
      if (op.kind == kOpEvict) op.name = 0;
      if (op.kind != kOpRename) op.name2 = 0;
      if (!validate_op(op, s.fs).empty()) op = Op{kOpStat, op.name, 0, 0, kHowSync};
      s.ops[t][i] = op;
    }
  }
  out.scenario = with_variant(s, variant);
  append_runs(bytes.subspan(std::min(pos, bytes.size())), s.nthreads, out.schedule);
  return out;
}

}  // namespace nfz::dcache
