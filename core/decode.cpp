#include "core/decode.hpp"

#include "core/alphabet.hpp"

namespace nfz {
namespace {

// Reads bytes; past the end every byte is 0, so decoding never fails.
class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> data) : data_(data) {}
  bool empty() const { return pos_ >= data_.size(); }
  uint8_t next() { return empty() ? 0 : data_[pos_++]; }
  template <typename T, size_t N>
  T pick(const std::array<T, N>& choices) { return choices[next() % N]; }

 private:
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
};

// One byte of shape (depth 1..3, absolute, trailing slash), then a byte per component.
std::string decode_path(ByteReader& in) {
  uint8_t shape = in.next();
  int depth = 1 + shape % 3;
  std::string path = (shape & 4) ? "/" : "";
  for (int i = 0; i < depth; ++i) {
    if (i) path += '/';
    uint8_t c = in.next();
    path += c == 0xff ? std::string_view(kLongComponent) : kComponents[c % kComponents.size()];
  }
  if (shape & 8) path += '/';
  return path;
}

int8_t decode_slot(ByteReader& in, bool optional) {
  int n = in.next() % (kSlotCount + (optional ? 1 : 0));
  return n == kSlotCount ? kNoSlot : static_cast<int8_t>(n);
}

void decode_open(ByteReader& in, Op& op) {
  uint8_t shape = in.next();
  uint8_t bits = in.next();
  op.flags = shape % 3;  // O_RDONLY, O_WRONLY, O_RDWR
  for (size_t i = 0; i < kOpenFlagBits.size(); ++i)
    if (bits & (1u << i)) op.flags |= kOpenFlagBits[i];
  op.openat2 = shape & 0x80;
  if (op.openat2) op.resolve = in.next() & kResolveMask;
  if (shape & 0x40) op.dirfd = decode_slot(in, false);
  op.fd = decode_slot(in, true);
  if (creates_file(op.flags)) op.mode = in.pick(kModes);
  op.path = decode_path(in);
}

void decode_args(ByteReader& in, Op& op) {
  switch (op.kind) {
    case OpKind::kOpen: return decode_open(in, op);
    case OpKind::kClose: op.fd = decode_slot(in, false); return;
    case OpKind::kMkdir: op.mode = in.pick(kModes); op.path = decode_path(in); return;
    case OpKind::kRmdir:
    case OpKind::kUnlink: op.path = decode_path(in); return;
    case OpKind::kRename:
      op.flags = in.next() & kRenameMask;
      [[fallthrough]];
    case OpKind::kSymlink:
    case OpKind::kLink: op.path = decode_path(in); op.path2 = decode_path(in); return;
    case OpKind::kMknod:
      op.mode = in.pick(kNodeTypes) | in.pick(kModes);
      if ((op.mode & S_IFMT) == S_IFCHR) op.major = kCharMajor, op.minor = kCharMinor;
      op.path = decode_path(in);
      return;
    case OpKind::kStatx: op.flags = (in.next() & 1) ? AT_SYMLINK_NOFOLLOW : 0; op.path = decode_path(in); return;
    case OpKind::kDropCaches: op.arg = 1 + in.next() % 3; return;
    case OpKind::kSleep: op.arg = 10u * in.next(); return;
    case OpKind::kRevalidate: return;
  }
}

// The kind byte also carries the issue mode; modes an op cannot have are dropped.
Issue decode_issue(uint8_t b, OpKind kind) {
  Issue issue;
  if (is_harness_action(kind) || kind == OpKind::kMknod) return issue;
  issue.via = static_cast<Via>((b >> 4) % 3);
  if (issue.via == Via::kSyscall) return issue;
  issue.link = b & 0x40;
  issue.fixed = (b & 0x80) && (kind == OpKind::kOpen || kind == OpKind::kClose);
  return issue;
}

// Four bytes: the request type and the fault's kind, then the latency bounds (in 4 us and
// 20 us steps) or the errno and its share of the requests (per mille).
FuseFault decode_fault(ByteReader& in) {
  FuseFault f;
  uint8_t what = in.next();
  f.op = kFaultOps[(what & 0x7f) % kFaultOps.size()];
  uint8_t a = in.next(), b = in.next(), c = in.next();
  if (what & 0x80) {
    f.kind = FuseFault::Kind::kError;
    f.error = kFaultErrors[a % kFaultErrors.size()];
    f.permille = ((uint32_t{b} << 8) | c) % 1001;
  } else {
    f.kind = FuseFault::Kind::kLatency;
    f.min_us = kFaultMinStepUs * a;
    f.max_us = f.min_us + kFaultSpanStepUs * b;
  }
  return f;
}

}  // namespace

Program decode_program(std::span<const uint8_t> data) {
  ByteReader in(data);
  Program program;
  // The first byte: the thread count, and in its top three bits (5..7) one to three FUSE
  // faults, read next.
  uint8_t first = in.next();
  program.threads.resize(1 + first % kMaxDecodedThreads);
  for (int f = 4; f < (first >> 5); ++f) program.faults.push_back(decode_fault(in));
  for (size_t n = 0; n < kMaxDecodedOps && !in.empty(); ++n) {
    size_t dest = in.next() % (program.threads.size() + 1);
    uint8_t kind_byte = in.next();
    Op op;
    op.kind = static_cast<OpKind>(kind_byte % kOpKindCount);
    op.issue = decode_issue(kind_byte, op.kind);
    decode_args(in, op);
    if (op.kind == OpKind::kOpen && op.fd == kNoSlot) op.issue.fixed = false;
    (dest == 0 ? program.setup : program.threads[dest - 1]).push_back(std::move(op));
  }
  return program;
}

}  // namespace nfz
