#include "fuzz/kernel/config.hpp"

#include <algorithm>
#include <cstdlib>

namespace nfz::fuzz {
namespace {

std::string set(Config& c, std::string_view name, const std::string& value) {
  auto flag = [&](bool& field) {
    if (value != "0" && value != "1") return "--" + std::string(name) + " takes 0 or 1, not '" + value + "'";
    field = value == "1";
    return std::string();
  };
  if (name == "target") c.target = value;
  else if (name == "counters") return flag(c.counters);
  else if (name == "source") {
    if (value != "input" && value != "stress") return "--source takes input or stress, not '" + value + "'";
    c.source = value;
  } else if (name == "findings") c.findings = value;
  else if (name == "outcomes-log") c.outcomes_log = value;
  else if (name == "inject") c.inject = value;
  else if (name == "oracles") {
    c.oracles.clear();
    for (size_t start = 0; start <= value.size();) {
      size_t comma = std::min(value.find(',', start), value.size());
      if (comma > start) c.oracles.push_back(value.substr(start, comma - start));
      start = comma + 1;
    }
  }
  else if (name == "stats") c.stats = value;
  else if (name == "encode") c.encode = value;
  else if (name == "decode-only") return flag(c.decode_only);
  else if (name == "seed") {
    char* end = nullptr;
    c.seed = std::strtoull(value.c_str(), &end, 10);
    if (value.empty() || *end) return "--seed takes a number, not '" + value + "'";
  }
  return {};
}

}  // namespace

std::string read_config(int argc, char** argv, Config& config) {
  for (const Setting& s : kSettings)
    if (const char* v = std::getenv(std::string(s.env).c_str()))
      if (std::string e = set(config, s.flag, v); !e.empty()) return std::string(s.env) + ": " + e;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (!arg.starts_with("--") || arg == "--") continue;
    arg.remove_prefix(2);
    size_t eq = arg.find('=');
    std::string_view name = arg.substr(0, eq);
    bool known = false;
    for (const Setting& s : kSettings) known |= s.flag == name;
    if (!known) return "unknown option --" + std::string(name) + "\n" + config_help();
    if (eq == std::string_view::npos) return "--" + std::string(name) + " needs =VALUE";
    if (std::string e = set(config, name, std::string(arg.substr(eq + 1))); !e.empty()) return e;
  }
  return {};
}

std::string config_help() {
  std::string h = "fuzz_kernel settings (environment variable or --name=value):\n";
  for (const Setting& s : kSettings)
    h += "  --" + std::string(s.flag) + " / " + std::string(s.env) + ": " + std::string(s.help) + "\n";
  return h;
}

}  // namespace nfz::fuzz
