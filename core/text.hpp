// The .nfz reproducer format (docs/FORMAT.md): print and parse Programs and single ops.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/program.hpp"

namespace nfz {

inline constexpr std::string_view kProgramHeader = "nameifuzz program v1";
inline constexpr size_t kMaxLineLength = 65536;
inline constexpr size_t kMaxFileSize = 64u << 20;

struct ParseError {
  std::string file;
  size_t line = 0;    // 1-based; 0 when the error is about the whole file
  size_t column = 0;  // 1-based byte column; 0 when not about one place
  std::string message;
  // "file:line:col: message", always one line.
  std::string to_string() const;
};

template <typename T>
using Parsed = std::variant<T, ParseError>;

std::string print_op(const Op& op);
std::string print_fault(const FuseFault& fault);
std::string print_program(const Program& program);

// `file` only names the input in errors.
Parsed<Program> parse_program(std::string_view text, std::string_view file);
Parsed<Op> parse_op(std::string_view line, std::string_view file, size_t line_no);

// Reads a whole file (at most kMaxFileSize) and parses it.
Parsed<Program> read_program_file(const std::string& path);

// C-style quoting of a path: printable ASCII as is, \" \\ and \xHH otherwise.
std::string quote(std::string_view s);

}  // namespace nfz
