#include "pipeline/finding_index.hpp"

#include <fcntl.h>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string_view>
#include <sys/file.h>
#include <unistd.h>

namespace nfz::pipeline {
namespace {

std::string read_all(int fd) {
  std::string text;
  char buf[65536];
  lseek(fd, 0, SEEK_SET);
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
  return text;
}

// Lines that do not parse (a run killed mid-write) are skipped, not fatal.
std::vector<IndexEntry> parse_entries(const std::string& text) {
  std::vector<IndexEntry> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    auto j = nlohmann::json::parse(std::string_view(text).substr(start, end - start), nullptr, false);
    start = end + 1;
    if (!j.is_object() || !j.contains("title")) continue;
    out.push_back({j.value("title", ""), j.value("folder", ""), j.value("target", ""), j.value("seed", uint64_t{0}),
                   j.value("program", uint64_t{0}), j.value("source", "")});
  }
  return out;
}

// The index opened and locked (flock LOCK_EX), or -1.
int open_locked(const std::string& dir, int flags) {
  std::error_code ec;
  if (flags & O_CREAT) std::filesystem::create_directories(dir, ec);
  int fd = ::open((std::filesystem::path(dir) / kIndexFile).c_str(), flags | O_CLOEXEC, 0644);
  if (fd >= 0 && flock(fd, LOCK_EX) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

bool index_claim(const std::string& dir, const IndexEntry& e, IndexEntry* existing) {
  int fd = open_locked(dir, O_RDWR | O_CREAT | O_APPEND);
  if (fd < 0) return false;
  for (const IndexEntry& old : parse_entries(read_all(fd)))
    if (old.title == e.title) {
      if (existing) *existing = old;
      close(fd);
      return false;
    }
  nlohmann::json j{{"title", e.title}, {"folder", e.folder}, {"target", e.target},
                   {"seed", e.seed},   {"program", e.program}, {"source", e.source}};
  std::string line = j.dump() + "\n";
  bool ok = write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  close(fd);  // drops the lock
  return ok;
}

std::optional<IndexEntry> index_find(const std::string& dir, const std::string& title) {
  for (IndexEntry& e : index_entries(dir))
    if (e.title == title) return std::move(e);
  return std::nullopt;
}

std::vector<IndexEntry> index_entries(const std::string& dir) {
  int fd = open_locked(dir, O_RDONLY);
  if (fd < 0) return {};
  std::vector<IndexEntry> out = parse_entries(read_all(fd));
  close(fd);
  return out;
}

}  // namespace nfz::pipeline
