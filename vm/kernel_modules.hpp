// A kernel's modules folder (lib/modules/RELEASE): which modules are built in
// (modules.builtin) and which are files, with the files each needs first (modules.dep,
// written by depmod).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace nfz::vm {

class ModuleIndex {
 public:
  // Reads DIR/modules.dep and DIR/modules.builtin; returns why not, or "".
  std::string load(const std::string& dir);
  const std::string& dir() const { return dir_; }

  bool builtin(const std::string& name) const { return builtin_.count(normalize(name)) > 0; }
  bool has(const std::string& name) const { return builtin(name) || deps_.count(normalize(name)) > 0; }
  // The module files (relative to dir()) to load for `name`, dependencies first; empty when
  // built in; nullopt when the kernel has no such module.
  std::optional<std::vector<std::string>> load_order(const std::string& name) const;

  // "ext4-foo" and "ext4_foo" are one module (kmod compares them so).
  static std::string normalize(const std::string& name);

 private:
  std::string dir_;
  std::set<std::string> builtin_;
  std::map<std::string, std::string> file_;                // name -> relative path
  std::map<std::string, std::vector<std::string>> deps_;  // name -> dependency paths, as listed
};

// lib/modules/RELEASE for a kernel image: the folder given, else the one beside a Debian
// package's boot/vmlinuz-RELEASE (ROOT/lib/modules/RELEASE), else the only one under
// lib/modules beside a built bzImage. "" when there is none.
std::string modules_dir_for(const std::string& kernel, const std::string& given);

}  // namespace nfz::vm
