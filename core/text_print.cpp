// Printing half of the .nfz format; text_parse.cpp reads exactly what this writes.
#include <string>

#include "core/flags.hpp"
#include "core/text.hpp"

namespace nfz {
namespace {

std::string slot(int8_t s) { return "f" + std::to_string(s); }

std::string issue_suffix(const Issue& issue) {
  if (issue == Issue{}) return {};
  std::string out = " [";
  out += issue.via == Via::kSyscall ? "syscall" : issue.via == Via::kUring ? "uring" : "uring-async";
  if (issue.link) out += " link";
  if (issue.fixed) out += " fixed";
  return out + "]";
}

std::string open_args(const Op& op) {
  std::string args;
  if (op.dirfd != kNoSlot) args += slot(op.dirfd) + ", ";
  args += quote(op.path) + ", " + format_open_flags(op.flags);
  bool creates = creates_file(op.flags);
  if (op.openat2)
    args += ", " + format_mode(op.mode) + ", " + format_flags(op.resolve, resolve_flag_names());
  else if (op.mode != 0 || creates)
    args += ", " + format_mode(op.mode);
  return args;
}

std::string args_of(const Op& op) {
  switch (op.kind) {
    case OpKind::kOpen: return open_args(op);
    case OpKind::kClose: return slot(op.fd);
    case OpKind::kMkdir: return quote(op.path) + ", " + format_mode(op.mode);
    case OpKind::kRmdir:
    case OpKind::kUnlink: return quote(op.path);
    case OpKind::kRename: {
      std::string args = quote(op.path) + ", " + quote(op.path2);
      if (op.flags) args += ", " + format_flags(op.flags, rename_flag_names());
      return args;
    }
    case OpKind::kSymlink:
    case OpKind::kLink: return quote(op.path) + ", " + quote(op.path2);
    case OpKind::kMknod: {
      std::string args = quote(op.path) + ", " + format_mode(op.mode);
      if ((op.mode & S_IFMT) == S_IFCHR)
        args += ", " + std::to_string(op.major) + ", " + std::to_string(op.minor);
      return args;
    }
    case OpKind::kStatx: return quote(op.path) + ", " + format_flags(op.flags, statx_flag_names());
    case OpKind::kDropCaches:
    case OpKind::kSleep: return std::to_string(op.arg);
    case OpKind::kRevalidate: return {};
  }
  return {};
}

}  // namespace

std::string quote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out + "\"";
}

std::string print_op(const Op& op) {
  std::string line;
  if (op.kind == OpKind::kOpen && op.fd != kNoSlot) line = slot(op.fd) + " = ";
  line += op_name(op);
  line += "(" + args_of(op) + ")";
  return line + issue_suffix(op.issue);
}

std::string print_fault(const FuseFault& f) {
  std::string op(fuse_op_name(f.op));
  if (f.kind == FuseFault::Kind::kLatency)
    return "latency(" + op + ", " + std::to_string(f.min_us) + ", " + std::to_string(f.max_us) + ")";
  return "error(" + op + ", " + errno_name(f.error) + ", " + std::to_string(f.permille) + ")";
}

std::string print_program(const Program& program) {
  std::string out(kProgramHeader);
  out += "\n";
  if (!program.faults.empty()) {
    out += "faults:\n";
    for (const auto& f : program.faults) out += "  " + print_fault(f) + "\n";
  }
  auto section = [&out](const std::string& title, const std::vector<Op>& ops) {
    out += title + ":\n";
    for (const auto& op : ops) out += "  " + print_op(op) + "\n";
  };
  if (!program.setup.empty()) section("setup", program.setup);
  for (size_t t = 0; t < program.threads.size(); ++t)
    section("thread " + std::to_string(t), program.threads[t]);
  return out;
}

std::string ParseError::to_string() const {
  std::string out = file;
  if (line) out += ":" + std::to_string(line);
  if (line && column) out += ":" + std::to_string(column);
  return out + ": " + message;
}

}  // namespace nfz
