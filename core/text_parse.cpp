// Parsing half of the .nfz format (docs/FORMAT.md). Every error names file:line:column
// and what was expected; nothing in the input can make it crash or loop.
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <string>

#include "core/flags.hpp"
#include "core/read_file.hpp"
#include "core/text.hpp"

namespace nfz {
namespace {

// Thrown inside this file only; parse_* turn it into a ParseError.
struct Failure {
  size_t column;
  std::string message;
};

// A short, printable, one-line rendering of the input at an error.
std::string excerpt(std::string_view s) {
  constexpr size_t kMax = 24;
  std::string q = quote(s.substr(0, kMax));
  if (s.size() > kMax) q.insert(q.size() - 1, "...");
  return q;
}

bool is_ident_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9') || c == '-'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
int hex_digit(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class LineParser {
 public:
  explicit LineParser(std::string_view line) : s_(line) {}

  [[noreturn]] void fail(std::string message) const { throw Failure{pos_ + 1, std::move(message)}; }
  [[noreturn]] void expected(std::string_view what) const {
    skip_space();
    std::string found = at_end() ? "end of line" : excerpt(s_.substr(pos_));
    fail("expected " + std::string(what) + ", found " + found);
  }

  void skip_space() const {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\r')) ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '#') pos_ = s_.size();
  }
  bool at_end() const {
    skip_space();
    return pos_ >= s_.size();
  }
  bool peek(char c) const {
    skip_space();
    return pos_ < s_.size() && s_[pos_] == c;
  }
  bool accept(char c) {
    if (!peek(c)) return false;
    ++pos_;
    return true;
  }
  void expect(char c) {
    if (!accept(c)) expected(std::string("'") + c + "'");
  }
  void expect_end() {
    if (!at_end()) expected("end of line");
  }
  bool peek_ident() const {
    skip_space();
    return pos_ < s_.size() && is_ident_start(s_[pos_]);
  }
  std::string_view ident(std::string_view what) {
    if (!peek_ident()) expected(what);
    size_t start = pos_;
    while (pos_ < s_.size() && is_ident_char(s_[pos_])) ++pos_;
    return s_.substr(start, pos_ - start);
  }
  size_t column() const {
    skip_space();
    return pos_ + 1;
  }

  // Decimal, 0-prefixed octal, or 0x hexadecimal, at most `max`.
  uint64_t number(std::string_view what, uint64_t max) {
    skip_space();
    if (pos_ >= s_.size() || !is_digit(s_[pos_])) expected(what);
    size_t start = pos_;
    int base = 10;
    if (s_[pos_] == '0' && pos_ + 1 < s_.size() && (s_[pos_ + 1] == 'x' || s_[pos_ + 1] == 'X')) {
      base = 16;
      pos_ += 2;
    } else if (s_[pos_] == '0') {
      base = 8;
    }
    uint64_t value = 0;
    const char* first = s_.data() + pos_;
    const char* last = s_.data() + s_.size();
    auto [end, ec] = std::from_chars(first, last, value, base);
    if (ec == std::errc::result_out_of_range || (ec == std::errc{} && value > max)) {
      pos_ = start;
      fail(std::string(what) + " out of range (at most " + std::to_string(max) + ")");
    }
    if (ec != std::errc{}) {
      pos_ = start;
      expected(what);
    }
    pos_ += end - first;
    if (pos_ < s_.size() && is_ident_char(s_[pos_])) {
      pos_ = start;
      expected(what);
    }
    return value;
  }

  // A double-quoted string with \" \\ \n \t \xHH escapes.
  std::string string(std::string_view what) {
    if (!peek('"')) expected(what);
    size_t open = pos_++;
    std::string out;
    while (true) {
      if (pos_ >= s_.size()) {
        pos_ = open;
        fail("unterminated string");
      }
      char c = s_[pos_++];
      if (c == '"') break;
      if (c != '\\') {
        out += c;
      } else {
        out += escape();
      }
      if (out.size() >= kMaxPathLength) {
        pos_ = open;
        fail("path longer than 4095 bytes");
      }
    }
    return out;
  }

  // fN: a register f0..f15.
  int8_t slot() {
    size_t col = column();
    std::string_view name = ident("an fd register (f0..f15)");
    int v = -1;
    if (name.size() >= 2 && name.size() <= 3 && name[0] == 'f') {
      auto [p, ec] = std::from_chars(name.data() + 1, name.data() + name.size(), v);
      if (ec != std::errc{} || p != name.data() + name.size()) v = -1;
    }
    if (v < 0 || v >= kSlotCount) {
      pos_ = col - 1;
      expected("an fd register (f0..f15)");
    }
    return static_cast<int8_t>(v);
  }

  // NAME|NAME|number: names resolved by `lookup`, numbers taken as bits.
  template <typename Lookup>
  uint32_t flags(std::string_view what, Lookup lookup) {
    uint32_t bits = 0;
    do {
      skip_space();
      if (peek_ident()) {
        size_t start = pos_;
        std::string_view name = ident(what);
        std::optional<uint32_t> v = lookup(name);
        if (!v) {
          pos_ = start;
          fail("unknown " + std::string(what) + " " + excerpt(name));
        }
        bits |= *v;
      } else {
        bits |= static_cast<uint32_t>(number(what, UINT32_MAX));
      }
    } while (accept('|'));
    return bits;
  }

 private:
  char escape() {
    if (pos_ >= s_.size()) fail("unterminated escape");
    char c = s_[pos_++];
    switch (c) {
      case '"': return '"';
      case '\\': return '\\';
      case 'n': return '\n';
      case 't': return '\t';
      case 'x': {
        int v = 0;
        for (int i = 0; i < 2; ++i, ++pos_) {
          int d = pos_ < s_.size() ? hex_digit(s_[pos_]) : -1;
          if (d < 0) fail("expected two hex digits after \\x");
          v = v * 16 + d;
        }
        if (v == 0) fail("a path cannot contain a NUL byte");
        return static_cast<char>(v);
      }
      default:
        --pos_;
        fail("unknown escape \\" + excerpt(std::string_view(&c, 1)).substr(1, 1));
    }
  }

  std::string_view s_;
  mutable size_t pos_ = 0;
};

// ---- ops -------------------------------------------------------------------------------

uint32_t parse_mode(LineParser& p) {
  return p.flags("mode", [](std::string_view n) { return flag_by_name(n, file_type_names()); });
}

void parse_open_args(LineParser& p, Op& op, std::string_view name) {
  if (name == "openat" || (name == "openat2" && !p.peek('"'))) {
    op.dirfd = p.slot();
    p.expect(',');
  }
  op.path = p.string("a path");
  p.expect(',');
  op.flags = p.flags("open flag", open_flag_by_name);
  if (op.openat2) {
    p.expect(',');
    op.mode = parse_mode(p);
    p.expect(',');
    op.resolve = p.flags("RESOLVE_ flag", [](std::string_view n) {
      return flag_by_name(n, resolve_flag_names());
    });
  } else if (p.accept(',')) {
    op.mode = parse_mode(p);
  }
}

void parse_args(LineParser& p, Op& op, std::string_view name) {
  auto path = [&p] { return p.string("a path"); };
  auto comma = [&p] { p.expect(','); };
  switch (op.kind) {
    case OpKind::kOpen: return parse_open_args(p, op, name);
    case OpKind::kClose: op.fd = p.slot(); return;
    case OpKind::kMkdir: op.path = path(); comma(); op.mode = parse_mode(p); return;
    case OpKind::kRmdir:
    case OpKind::kUnlink: op.path = path(); return;
    case OpKind::kRename:
      op.path = path(); comma(); op.path2 = path();
      if (name == "renameat2") {
        comma();
        op.flags = p.flags("RENAME_ flag", [](std::string_view n) { return flag_by_name(n, rename_flag_names()); });
      }
      return;
    case OpKind::kSymlink:
    case OpKind::kLink: op.path = path(); comma(); op.path2 = path(); return;
    case OpKind::kMknod:
      op.path = path(); comma(); op.mode = parse_mode(p);
      if (p.accept(',')) {
        op.major = static_cast<uint32_t>(p.number("a major number", 4095));
        comma();
        op.minor = static_cast<uint32_t>(p.number("a minor number", (1u << 20) - 1));
      }
      return;
    case OpKind::kStatx:
      op.path = path(); comma();
      op.flags = p.flags("statx flag", [](std::string_view n) { return flag_by_name(n, statx_flag_names()); });
      return;
    case OpKind::kDropCaches: op.arg = static_cast<uint32_t>(p.number("drop_caches level (1, 2 or 3)", 3)); return;
    case OpKind::kSleep: op.arg = static_cast<uint32_t>(p.number("microseconds", kMaxSleepMicros)); return;
    case OpKind::kRevalidate: return;
  }
}

struct OpSpelling {
  std::string_view name;
  OpKind kind;
  bool openat2;
};
constexpr OpSpelling kSpellings[] = {
    {"open", OpKind::kOpen, false},       {"openat", OpKind::kOpen, false},
    {"openat2", OpKind::kOpen, true},     {"close", OpKind::kClose, false},
    {"mkdir", OpKind::kMkdir, false},     {"rmdir", OpKind::kRmdir, false},
    {"unlink", OpKind::kUnlink, false},   {"rename", OpKind::kRename, false},
    {"renameat2", OpKind::kRename, false}, {"symlink", OpKind::kSymlink, false},
    {"link", OpKind::kLink, false},       {"mknod", OpKind::kMknod, false},
    {"statx", OpKind::kStatx, false},     {"drop_caches", OpKind::kDropCaches, false},
    {"revalidate", OpKind::kRevalidate, false}, {"usleep", OpKind::kSleep, false},
};

const OpSpelling* spelling(std::string_view name) {
  for (const auto& s : kSpellings)
    if (s.name == name) return &s;
  return nullptr;
}

Issue parse_issue(LineParser& p) {
  Issue issue;
  auto bad_word = [](size_t col, std::string_view word, std::string_view what) {
    throw Failure{col, "expected " + std::string(what) + ", found " + excerpt(word)};
  };
  size_t col = p.column();
  std::string_view via = p.ident("syscall, uring or uring-async");
  if (via == "uring") issue.via = Via::kUring;
  else if (via == "uring-async") issue.via = Via::kUringAsync;
  else if (via != "syscall") bad_word(col, via, "syscall, uring or uring-async");
  while (!p.accept(']')) {
    col = p.column();
    std::string_view word = p.ident("link, fixed or ']'");
    if (word == "link" && !issue.link) issue.link = true;
    else if (word == "fixed" && !issue.fixed) issue.fixed = true;
    else bad_word(col, word, "link, fixed or ']'");
  }
  return issue;
}

Op parse_op_line(LineParser& p) {
  Op op;
  size_t start = p.column();
  std::string_view name = p.ident("an op");
  int8_t out = kNoSlot;
  if (p.accept('=')) {  // "fN = open(...)"
    LineParser again(name);
    try {
      out = again.slot();
    } catch (const Failure&) {
      throw Failure{start, "expected an fd register before '=', found " + excerpt(name)};
    }
    start = p.column();
    name = p.ident("an open op after '='");
  }
  const OpSpelling* sp = spelling(name);
  if (!sp) throw Failure{start, "unknown op " + excerpt(name)};
  op.kind = sp->kind;
  op.openat2 = sp->openat2;
  if (out != kNoSlot && op.kind != OpKind::kOpen) throw Failure{start, "only an open assigns an fd register"};
  op.fd = out;
  p.expect('(');
  if (!p.peek(')')) parse_args(p, op, name);
  p.expect(')');
  if (p.accept('[')) op.issue = parse_issue(p);
  p.expect_end();
  if (std::string why = validate_op(op); !why.empty()) throw Failure{start, why};
  return op;
}

// ---- FUSE faults -----------------------------------------------------------------------

// latency(OP, MIN_US, MAX_US) or error(OP, ERRNO, PERMILLE)
FuseFault parse_fault_line(LineParser& p) {
  FuseFault f;
  size_t start = p.column();
  std::string_view kind = p.ident("latency or error");
  if (kind == "error") f.kind = FuseFault::Kind::kError;
  else if (kind != "latency") throw Failure{start, "expected latency or error, found " + excerpt(kind)};
  p.expect('(');
  size_t op_col = p.column();
  std::string_view op = p.ident("a FUSE request type (LOOKUP, CREATE, ...)");
  f.op = fuse_op_by_name(op);
  if (f.op == FuseOp::kOther) throw Failure{op_col, "unknown FUSE request type " + excerpt(op)};
  p.expect(',');
  if (f.kind == FuseFault::Kind::kLatency) {
    f.min_us = static_cast<uint32_t>(p.number("microseconds", kMaxFaultLatencyUs));
    p.expect(',');
    f.max_us = static_cast<uint32_t>(p.number("microseconds", kMaxFaultLatencyUs));
  } else {
    size_t err_col = p.column();
    std::string_view name = p.ident("an errno name (EIO, ESTALE, ...)");
    auto err = errno_by_name(name);
    if (!err || *err >= 4096) throw Failure{err_col, "unknown errno " + excerpt(name)};
    f.error = *err;
    p.expect(',');
    f.permille = static_cast<uint32_t>(p.number("per mille (0..1000)", 1000));
  }
  p.expect(')');
  p.expect_end();
  if (std::string why = validate_fault(f); !why.empty()) throw Failure{start, why};
  return f;
}

// ---- program ---------------------------------------------------------------------------

struct Section {
  enum Kind { kFaults, kSetup, kThread } kind;
  size_t thread;
};

std::optional<Section> parse_section(LineParser& p, size_t threads_so_far) {
  if (!p.peek_ident()) return std::nullopt;
  LineParser probe = p;
  std::string_view word = probe.ident("");
  if ((word == "setup" || word == "faults") && probe.peek(':')) {
    probe.expect(':');
    probe.expect_end();
    p = probe;
    return Section{word == "setup" ? Section::kSetup : Section::kFaults, 0};
  }
  if (word != "thread") return std::nullopt;
  size_t col = probe.column();
  uint64_t n = probe.number("a thread number", kMaxThreads - 1);
  if (n != threads_so_far)
    throw Failure{col, "expected thread " + std::to_string(threads_so_far) + ", found thread " + std::to_string(n)};
  probe.expect(':');
  probe.expect_end();
  p = probe;
  return Section{Section::kThread, n};
}

}  // namespace

Parsed<Op> parse_op(std::string_view line, std::string_view file, size_t line_no) {
  if (line.size() > kMaxLineLength)
    return ParseError{std::string(file), line_no, 1, "line longer than 65536 bytes"};
  try {
    LineParser p(line);
    return parse_op_line(p);
  } catch (const Failure& f) {
    return ParseError{std::string(file), line_no, f.column, f.message};
  }
}

Parsed<Program> parse_program(std::string_view text, std::string_view file) {
  Program program;
  std::vector<Op>* current = nullptr;
  bool seen_header = false, seen_setup = false, seen_faults = false, in_faults = false;
  size_t ops = 0, line_no = 0;
  auto error = [&](size_t col, std::string msg) {
    return ParseError{std::string(file), line_no, col, std::move(msg)};
  };
  while (!text.empty() || line_no == 0) {
    ++line_no;
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.size() > kMaxLineLength) return error(1, "line longer than 65536 bytes");
    if (size_t nul = line.find('\0'); nul != std::string_view::npos)
      return error(nul + 1, "NUL byte (is this a binary file?)");
    try {
      LineParser p(line);
      if (p.at_end()) continue;
      if (!seen_header) {
        size_t col = p.column();
        if (line.substr(col - 1).substr(0, kProgramHeader.size()) != kProgramHeader ||
            !LineParser(line.substr(col - 1 + kProgramHeader.size())).at_end()) {
          if (line.substr(col - 1).starts_with("nameifuzz program v"))
            return error(col, "unsupported format version (this nameifuzz reads v1)");
          return error(col, "expected header \"" + std::string(kProgramHeader) + "\", found " +
                                excerpt(line.substr(col - 1)));
        }
        seen_header = true;
        continue;
      }
      if (auto section = parse_section(p, program.threads.size())) {
        in_faults = section->kind == Section::kFaults;
        if (in_faults && (seen_faults || seen_setup || !program.threads.empty()))
          return error(1, "faults: must come once, before setup and the threads");
        if (section->kind == Section::kSetup && (seen_setup || !program.threads.empty()))
          return error(1, "setup: must come once, before the threads");
        seen_faults |= in_faults;
        seen_setup |= section->kind == Section::kSetup;
        current = section->kind == Section::kSetup    ? &program.setup
                  : section->kind == Section::kThread ? &program.threads.emplace_back()
                                                      : nullptr;
        continue;
      }
      if (++ops > kMaxOpsPerProgram) return error(1, "more than 1000000 ops");
      if (in_faults) {
        program.faults.push_back(parse_fault_line(p));
        continue;
      }
      if (!current) return error(p.column(), "expected \"setup:\" or \"thread 0:\" before the first op");
      current->push_back(parse_op_line(p));
    } catch (const Failure& f) {
      return error(f.column, f.message);
    }
  }
  if (!seen_header) return ParseError{std::string(file), 0, 0, "empty file: expected header \"" + std::string(kProgramHeader) + "\""};
  return program;
}

Parsed<Program> read_program_file(const std::string& path) {
  std::string text;
  if (std::string why = read_small_file(path, kMaxFileSize, text); !why.empty())
    return ParseError{path, 0, 0, why};
  return parse_program(text, path);
}

}  // namespace nfz
