#include "vm/shared_libs.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <sstream>

namespace nfz::vm {
namespace {

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::vector<std::string> parse_ldd(const std::string& output, std::string& why) {
  std::vector<std::string> libs;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    auto arrow = line.find("=> ");
    std::string rest = arrow == std::string::npos ? line : line.substr(arrow + 3);
    size_t start = rest.find_first_not_of(" \t");
    if (start == std::string::npos) continue;
    rest = rest.substr(start);
    if (rest.starts_with("not found")) {
      size_t name = line.find_first_not_of(" \t");
      why = "shared library " + line.substr(name, line.find(' ', name) - name) + " not found";
      continue;
    }
    if (rest[0] != '/') continue;  // linux-vdso.so.1, "statically linked"
    libs.push_back(rest.substr(0, rest.find(" (")));
  }
  return libs;
}

std::vector<std::string> shared_libraries(const std::string& executable, std::string& why) {
  std::string cmd = "ldd " + shell_quote(executable) + " 2>&1";
  std::FILE* p = popen(cmd.c_str(), "r");
  if (!p) {
    why = "cannot run ldd";
    return {};
  }
  std::string out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  int status = pclose(p);
  // ldd exits 1 for a static executable ("not a dynamic executable"): no libraries.
  if (out.find("not a dynamic executable") != std::string::npos || out.find("statically linked") != std::string::npos)
    return {};
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    why = "ldd " + executable + ": " + out.substr(0, out.find('\n'));
    return {};
  }
  return parse_ldd(out, why);
}

}  // namespace nfz::vm
