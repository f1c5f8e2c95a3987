#include "repro/c_program.hpp"

#include <cstdio>

#include "core/flags.hpp"
#include "core/text.hpp"

namespace nfz::repro {
namespace {

std::string_view kind_name(OpKind kind) {
  static constexpr std::string_view kNames[] = {"OPEN",    "CLOSE", "MKDIR", "RMDIR",       "UNLINK",     "RENAME", "SYMLINK",
                                                "LINK",    "MKNOD", "STATX", "DROP_CACHES", "REVALIDATE", "SLEEP"};
  static_assert(std::size(kNames) == kOpKindCount);
  return kNames[static_cast<int>(kind)];
}

std::string_view via_name(Via via) {
  switch (via) {
    case Via::kSyscall: return "SYSCALL";
    case Via::kUring: return "URING";
    case Via::kUringAsync: return "URING_ASYNC";
  }
  return "SYSCALL";
}

// The `flags` field in the kernel's own names (they are C macros too).
std::string flags_text(const Op& op) {
  switch (op.kind) {
    case OpKind::kOpen: return format_open_flags(op.flags);
    case OpKind::kRename: return format_flags(op.flags, rename_flag_names());
    case OpKind::kStatx: return format_flags(op.flags, statx_flag_names());
    default: return std::to_string(op.flags);
  }
}

std::string c_op(const Op& op) {
  std::string s = "  {.kind = " + std::string(kind_name(op.kind)) + ", .via = " + std::string(via_name(op.issue.via));
  if (op.issue.link) s += ", .link = 1";
  if (op.issue.fixed) s += ", .fixed = 1";
  if (op.openat2) s += ", .openat2 = 1";
  s += ", .dirfd = " + std::to_string(op.dirfd) + ", .fd = " + std::to_string(op.fd);
  if (op.flags || op.kind == OpKind::kOpen) s += ", .flags = " + flags_text(op);
  if (op.resolve) s += ", .resolve = " + format_flags(op.resolve, resolve_flag_names());
  if (op.mode) s += ", .mode = " + format_mode(op.mode);
  if (op.major || op.minor) s += ", .major = " + std::to_string(op.major) + ", .minor = " + std::to_string(op.minor);
  if (op.arg) s += ", .arg = " + std::to_string(op.arg);
  if (has_path(op.kind)) s += ",\n   .path = " + c_string(op.path);
  if (has_second_path(op.kind)) s += ", .path2 = " + c_string(op.path2);
  return s + ",\n   .text = " + c_string(print_op(op)) + "},\n";
}

}  // namespace

std::string c_string(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f && c != '?') {  // '?' could start a trigraph
      out += static_cast<char>(c);
    } else {
      char buf[8];
      snprintf(buf, sizeof buf, "\\%03o", c);
      out += buf;
    }
  }
  return out + "\"";
}

std::string c_program_tables(const Program& program) {
  std::string out = "// ---- the program: setup, then each thread (runtime.c's struct op) ----\n";
  std::vector<const std::vector<Op>*> lists{&program.setup};
  for (const auto& t : program.threads) lists.push_back(&t);
  std::string table = "static const struct list lists[] = {\n";
  size_t first = 0;
  bool uring = false;
  for (size_t l = 0; l < lists.size(); ++l) {
    std::string name = l == 0 ? "setup" : "thread" + std::to_string(l - 1);
    const auto& ops = *lists[l];
    if (!ops.empty()) {
      out += "static const struct op " + name + "[] = {\n";
      for (const Op& op : ops) {
        out += c_op(op);
        uring |= op.issue.via != Via::kSyscall;
      }
      out += "};\n";
    }
    table += "  {" + (ops.empty() ? std::string("NULL") : name) + ", " + std::to_string(ops.size()) + ", " +
             std::to_string(first) + "},\n";
    first += ops.size();
  }
  out += table + "};\n";
  out += "#define NLISTS " + std::to_string(lists.size()) + "\n";
  out += "#define TOTAL_OPS " + std::to_string(first) + "\n";
  out += "#define USES_URING " + std::string(uring ? "1" : "0") + "\n";
  return out;
}

std::string commented_program(const Program& program) {
  std::string text = print_program(program), out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += "//   " + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

}  // namespace nfz::repro
