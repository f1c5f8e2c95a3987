#include "fuzz/kernel/program_encode.hpp"

#include <algorithm>

#include "core/alphabet.hpp"
#include "core/decode.hpp"

namespace nfz::fuzz {
namespace {

template <typename T, size_t N>
uint8_t index_of(const std::array<T, N>& choices, T value) {
  auto it = std::find(choices.begin(), choices.end(), value);
  return static_cast<uint8_t>(it == choices.end() ? 0 : it - choices.begin());
}

// The first byte b with pred(b); the decoder's fields share bytes, so some bits are
// fixed and the rest chosen to fit.
template <typename Pred>
uint8_t first_byte(Pred pred) {
  for (int b = 0; b < 256; ++b)
    if (pred(static_cast<uint8_t>(b))) return static_cast<uint8_t>(b);
  return 0;
}

void put_path(std::vector<uint8_t>& out, const std::string& path) {
  const bool absolute = !path.empty() && path[0] == '/';
  const bool trailing = path.size() > 1 && path.back() == '/';
  std::vector<std::string_view> parts;
  std::string_view rest(path);
  if (absolute) rest.remove_prefix(1);
  if (trailing) rest.remove_suffix(1);
  while (!rest.empty() || parts.empty()) {
    size_t slash = rest.find('/');
    parts.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  parts.resize(std::clamp<size_t>(parts.size(), 1, 3), parts.empty() ? "a" : parts.back());
  const int depth = static_cast<int>(parts.size());
  out.push_back(first_byte([&](uint8_t b) {
    return 1 + b % 3 == depth && bool(b & 4) == absolute && bool(b & 8) == trailing;
  }));
  for (std::string_view part : parts)
    out.push_back(part == kLongComponent ? 0xff : index_of(kComponents, part));
}

void put_slot(std::vector<uint8_t>& out, int8_t slot) {
  out.push_back(slot == kNoSlot ? kSlotCount : static_cast<uint8_t>(slot));
}

void put_open(std::vector<uint8_t>& out, const Op& op) {
  out.push_back(first_byte([&](uint8_t b) {
    return b % 3 == (op.flags & O_ACCMODE) % 3 && bool(b & 0x80) == op.openat2 && bool(b & 0x40) == (op.dirfd != kNoSlot);
  }));
  uint8_t bits = 0;
  for (size_t i = 0; i < kOpenFlagBits.size(); ++i)
    if ((op.flags & kOpenFlagBits[i]) == kOpenFlagBits[i]) bits |= static_cast<uint8_t>(1u << i);
  out.push_back(bits);
  if (op.openat2) out.push_back(static_cast<uint8_t>(op.resolve & kResolveMask));
  if (op.dirfd != kNoSlot) put_slot(out, op.dirfd);
  put_slot(out, op.fd);
  if (creates_file(op.flags)) out.push_back(index_of(kModes, op.mode & kPermMask));
  put_path(out, op.path);
}

void put_args(std::vector<uint8_t>& out, const Op& op) {
  switch (op.kind) {
    case OpKind::kOpen: return put_open(out, op);
    case OpKind::kClose: return put_slot(out, op.fd);
    case OpKind::kMkdir: out.push_back(index_of(kModes, op.mode)); return put_path(out, op.path);
    case OpKind::kRmdir:
    case OpKind::kUnlink: return put_path(out, op.path);
    case OpKind::kRename: out.push_back(static_cast<uint8_t>(op.flags & kRenameMask)); [[fallthrough]];
    case OpKind::kSymlink:
    case OpKind::kLink: put_path(out, op.path); return put_path(out, op.path2);
    case OpKind::kMknod:
      out.push_back(index_of(kNodeTypes, op.mode & S_IFMT));
      out.push_back(index_of(kModes, op.mode & kPermMask));
      return put_path(out, op.path);
    case OpKind::kStatx: out.push_back(op.flags & AT_SYMLINK_NOFOLLOW ? 1 : 0); return put_path(out, op.path);
    case OpKind::kDropCaches: out.push_back(static_cast<uint8_t>(std::clamp<uint32_t>(op.arg, 1, 3) - 1)); return;
    case OpKind::kSleep: out.push_back(static_cast<uint8_t>(std::min<uint32_t>(op.arg / 10, 255))); return;
    case OpKind::kRevalidate: return;
  }
}

void put_op(std::vector<uint8_t>& out, const Op& op, size_t dest) {
  out.push_back(static_cast<uint8_t>(dest));
  const int kind = static_cast<int>(op.kind);
  out.push_back(first_byte([&](uint8_t b) {
    return b % kOpKindCount == kind && (b >> 4) % 3 == static_cast<int>(op.issue.via) % 3 &&
           bool(b & 0x40) == op.issue.link && bool(b & 0x80) == op.issue.fixed;
  }));
  put_args(out, op);
}

void put_fault(std::vector<uint8_t>& out, const FuseFault& f) {
  const bool error = f.kind == FuseFault::Kind::kError;
  out.push_back(static_cast<uint8_t>(index_of(kFaultOps, f.op) | (error ? 0x80 : 0)));
  if (error) {
    uint32_t share = std::min<uint32_t>(f.permille, 1000);
    out.insert(out.end(), {index_of(kFaultErrors, f.error), static_cast<uint8_t>(share >> 8), static_cast<uint8_t>(share)});
  } else {
    uint32_t min = std::min<uint32_t>(f.min_us / kFaultMinStepUs, 255);
    uint32_t span = std::min<uint32_t>((f.max_us - std::min(f.max_us, f.min_us)) / kFaultSpanStepUs, 255);
    out.insert(out.end(), {static_cast<uint8_t>(min), static_cast<uint8_t>(span), 0});
  }
}

}  // namespace

std::vector<uint8_t> encode_program(const Program& program) {
  std::vector<uint8_t> out;
  const size_t threads = std::clamp<size_t>(program.threads.size(), 1, kMaxDecodedThreads);
  const size_t faults = std::min<size_t>(program.faults.size(), 3);
  out.push_back(static_cast<uint8_t>((threads - 1) | (faults ? (4 + faults) << 5 : 0)));
  for (size_t f = 0; f < faults; ++f) put_fault(out, program.faults[f]);
  size_t ops = 0;
  // Setup first, then each thread: the decoder appends each op to its destination, so
  // the order within setup and within each thread is what survives.
  for (const Op& op : program.setup)
    if (ops++ < kMaxDecodedOps) put_op(out, op, 0);
  for (size_t t = 0; t < threads; ++t)
    for (const Op& op : program.threads[t])
      if (ops++ < kMaxDecodedOps) put_op(out, op, t + 1);
  return out;
}

bool encodable(const Program& program) { return decode_program(encode_program(program)) == program; }

}  // namespace nfz::fuzz
