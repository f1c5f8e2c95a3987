#include "pipeline/suppressions.hpp"

#include <fnmatch.h>
#include <fstream>

namespace nfz::pipeline {

std::optional<Suppressions> Suppressions::read(const std::string& path, std::string& why) {
  std::ifstream in(path);
  if (!in) {
    why = path + ":0: cannot read";
    return std::nullopt;
  }
  Suppressions s{path, {}};
  for (std::string line; std::getline(in, line);) {
    if (size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.pop_back();
    size_t start = line.find_first_not_of(" \t");
    if (start != std::string::npos) s.patterns.push_back(line.substr(start));
  }
  return s;
}

const std::string* suppressed_by(const std::vector<std::string>& patterns, std::string_view title) {
  const std::string t(title);
  for (const std::string& p : patterns)
    if (fnmatch(p.c_str(), t.c_str(), 0) == 0 || t.rfind(p, 0) == 0) return &p;
  return nullptr;
}

}  // namespace nfz::pipeline
