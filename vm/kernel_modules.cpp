#include "vm/kernel_modules.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace nfz::vm {
namespace fs = std::filesystem;
namespace {

// "kernel/fs/ext4/ext4.ko" (or .ko.xz, .ko.zst) -> "ext4".
std::string module_name(const std::string& path) {
  std::string base = fs::path(path).filename().string();
  return ModuleIndex::normalize(base.substr(0, base.find(".ko")));
}

}  // namespace

std::string ModuleIndex::normalize(const std::string& name) {
  std::string out = name;
  for (char& c : out)
    if (c == '-') c = '_';
  return out;
}

std::string ModuleIndex::load(const std::string& dir) {
  dir_ = dir;
  std::ifstream dep(dir + "/modules.dep");
  if (!dep) return dir + "/modules.dep: missing (run depmod -b ROOT RELEASE)";
  std::string line;
  while (std::getline(dep, line)) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string path = line.substr(0, colon);
    std::string name = module_name(path);
    file_[name] = path;
    std::istringstream rest(line.substr(colon + 1));
    std::vector<std::string> deps;
    for (std::string d; rest >> d;) deps.push_back(d);
    deps_[name] = deps;
  }
  std::ifstream builtin(dir + "/modules.builtin");
  while (std::getline(builtin, line))
    if (!line.empty()) builtin_.insert(module_name(line));
  return "";
}

std::optional<std::vector<std::string>> ModuleIndex::load_order(const std::string& name) const {
  std::string n = normalize(name);
  if (builtin_.count(n)) return std::vector<std::string>{};
  auto it = deps_.find(n);
  if (it == deps_.end()) return std::nullopt;
  // modules.dep lists a module's whole closure with the first to load last (kmod's
  // modprobe loads it from the back).
  std::vector<std::string> order(it->second.rbegin(), it->second.rend());
  order.push_back(file_.at(n));
  return order;
}

std::string modules_dir_for(const std::string& kernel, const std::string& given) {
  std::error_code ec;
  if (!given.empty()) {
    if (fs::exists(given + "/modules.dep", ec) || fs::exists(given + "/modules.builtin", ec)) return given;
    fs::path lib = fs::path(given) / "lib/modules";
    if (fs::is_directory(lib, ec))
      for (const auto& e : fs::directory_iterator(lib, ec)) return e.path().string();
    return given;
  }
  fs::path k(kernel);
  std::string file = k.filename().string();
  if (file.starts_with("vmlinuz-")) {
    fs::path dir = k.parent_path().parent_path() / "lib/modules" / file.substr(8);
    if (fs::is_directory(dir, ec)) return dir.string();
  }
  fs::path lib = k.parent_path() / "lib/modules";
  if (fs::is_directory(lib, ec)) {
    std::vector<fs::path> releases;
    for (const auto& e : fs::directory_iterator(lib, ec)) releases.push_back(e.path());
    if (releases.size() == 1) return releases[0].string();
  }
  return "";
}

}  // namespace nfz::vm
