// libFuzzer target over the text parser and the byte decoder:
//  - every byte string decodes to a Program that validates, prints, and parses back equal;
//  - the parser never crashes on arbitrary text, and what it accepts prints to a fixed point.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>
#include <variant>

#include "core/decode.hpp"
#include "core/text.hpp"

namespace {

[[noreturn]] void fail(const char* what) {
  fprintf(stderr, "ERROR: fuzz_format: %s\n", what);
  abort();
}

void check_decoder(std::span<const uint8_t> data) {
  nfz::Program p = nfz::decode_program(data);
  auto all_valid = [](const std::vector<nfz::Op>& ops) {
    for (const auto& op : ops)
      if (!nfz::validate_op(op).empty()) return false;
    return true;
  };
  if (!all_valid(p.setup)) fail("decoder produced an invalid op");
  for (const auto& t : p.threads)
    if (!all_valid(t)) fail("decoder produced an invalid op");
  std::string text = nfz::print_program(p);
  auto back = nfz::parse_program(text, "decoded");
  if (!std::holds_alternative<nfz::Program>(back) || std::get<nfz::Program>(back) != p)
    fail("decoded program does not round-trip");
}

void check_parser(std::string_view text) {
  auto parsed = nfz::parse_program(text, "input");
  if (auto* err = std::get_if<nfz::ParseError>(&parsed)) {
    if (err->to_string().find('\n') != std::string::npos) fail("multi-line error");
    return;
  }
  std::string once = nfz::print_program(std::get<nfz::Program>(parsed));
  auto again = nfz::parse_program(once, "printed");
  if (!std::holds_alternative<nfz::Program>(again) || nfz::print_program(std::get<nfz::Program>(again)) != once)
    fail("print(parse(text)) is not a fixed point");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  check_decoder({data, size});
  check_parser({reinterpret_cast<const char*>(data), size});
  return 0;
}
