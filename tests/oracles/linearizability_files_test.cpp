// Hand-written History files (tests/oracles/data/linearizability/*.jsonl) through the
// reader and the search: the files the CLI tests use, checked here against the toy model.
#include <gtest/gtest.h>

#include <variant>

#include "lin_toy_model.hpp"
#include "oracles/linearizability/checker.hpp"

namespace nfz::oracles::lin {
namespace {

struct FileCase {
  const char* file;
  Verdict expected;
};

constexpr FileCase kFiles[] = {
    {"excl_create_twice.jsonl", Verdict::kIllegal},
    {"rename_reorder.jsonl", Verdict::kOk},
};

std::string data_path(const char* file) {
  return std::string(NFZ_SOURCE_DIR) + "/tests/oracles/data/linearizability/" + file;
}

TEST(LinearizabilityFiles, VerdictsAgainstToyModel) {
  for (const FileCase& c : kFiles) {
    SCOPED_TRACE(c.file);
    auto parsed = read_history_file(data_path(c.file));
    ASSERT_TRUE(std::holds_alternative<History>(parsed)) << std::get<ParseError>(parsed).to_string();
    const History& h = std::get<History>(parsed);
    CheckInput input;
    ASSERT_EQ(make_check_input(h, input), "");
    EXPECT_EQ(check_linearizable(toy::FlatModel{}, input).verdict, c.expected);
  }
}

TEST(LinearizabilityFiles, MalformedFileNamesItsLine) {
  auto parsed = read_history_file(data_path("bad_event.jsonl"));
  ASSERT_TRUE(std::holds_alternative<ParseError>(parsed));
  EXPECT_EQ(std::get<ParseError>(parsed).line, 2u);
}

}  // namespace
}  // namespace nfz::oracles::lin
