// The findings folder's index (<dir>/index.jsonl): one JSON line per title, written by
// the first run or job that wrote its folder. Titles are the dedup key across runs and
// jobs: a title already there is counted by later runs, its folder left as it is. The
// check and the append happen under flock(2) on the index, so two jobs or two runs
// sharing the folder never both take a title.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nfz::pipeline {

struct IndexEntry {
  std::string title;
  std::string folder;  // the finding's folder name under the findings folder
  std::string target;
  uint64_t seed = 0, program = 0;
  std::string source;  // "stress", "minimize"
};

inline constexpr const char* kIndexFile = "index.jsonl";

// Adds `entry` unless its title is there: true when this call added it; otherwise the
// entry already there in `existing`. False with an empty `existing` when the index
// cannot be written (the caller may still write the folder).
bool index_claim(const std::string& dir, const IndexEntry& entry, IndexEntry* existing = nullptr);
std::optional<IndexEntry> index_find(const std::string& dir, const std::string& title);
std::vector<IndexEntry> index_entries(const std::string& dir);

}  // namespace nfz::pipeline
