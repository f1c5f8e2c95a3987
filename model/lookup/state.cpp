// State's hash and printing, and profile names.
#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <string>

#include "model/lookup/lookup_model.hpp"
#include "model/lookup/tree.hpp"

namespace nfz::model {
namespace {

constexpr std::array<std::string_view, kProfileCount> kProfileNames = {"tmpfs", "ext4", "xfs", "btrfs", "overlay", "fuse"};

inline uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdull;
}

uint64_t node_bits(const Node& n) {
  return uint64_t{static_cast<uint8_t>(n.type)} | uint64_t{n.nlink} << 8 | uint64_t{n.parent} << 24 |
         uint64_t{n.data} << 32;
}

uint64_t ref_bits(const FileRef& r) { return uint64_t{r.ino} | uint64_t{static_cast<uint8_t>(r.access)} << 16; }

}  // namespace

std::optional<Profile> profile_by_name(std::string_view name) {
  for (size_t i = 0; i < kProfileNames.size(); ++i)
    if (kProfileNames[i] == name) return static_cast<Profile>(i);
  return std::nullopt;
}

std::string_view profile_name(Profile profile) { return kProfileNames[static_cast<size_t>(profile)]; }

size_t State::hash() const {
  uint64_t h = nodes.size();
  for (const Node& n : nodes) h = mix(h, node_bits(n) ^ uint64_t{n.kid} * 0x9e3779b97f4a7c15ull);
  for (uint64_t d : dirents) h = mix(h, d);
  for (const FileRef& r : regs) h = mix(h, ref_bits(r));
  for (const FileRef& r : fixed) h = mix(h, ref_bits(r));
  for (uint64_t p : pins) h = mix(h, p);
  for (const WalkCursor& c : cursors)
    h = mix(mix(h, uint64_t{c.key} << 32 | uint64_t{c.walk} << 24 | uint64_t{c.links} << 16 | c.cur),
            uint64_t{c.rest} << 32 | uint64_t{c.root} << 16 | uint64_t{c.flags} << 8 | c.root_set << 1 | c.scoped_dotdot);
  return static_cast<size_t>(h ^ (h >> 29));
}

namespace {

std::string_view type_name(NodeType t) {
  switch (t) {
    case NodeType::kDir: return "dir";
    case NodeType::kReg: return "file";
    case NodeType::kSymlink: return "symlink";
    case NodeType::kFifo: return "fifo";
    case NodeType::kChr: return "chr";
    case NodeType::kFree: break;
  }
  return "free";
}

std::string_view access_name(Access a) {
  switch (a) {
    case Access::kRead: return "r";
    case Access::kWrite: return "w";
    case Access::kReadWrite: return "rw";
    case Access::kPath: return "path";
    case Access::kNone: break;
  }
  return "-";
}

// A path for every named node (the first name found), "#N" for an unnamed one.
std::map<Ino, std::string> paths_of(const State& s) {
  std::map<Ino, std::string> paths{{kRootIno, "/"}};
  std::function<void(Ino, const std::string&)> walk = [&](Ino dir, const std::string& prefix) {
    auto it = std::lower_bound(s.dirents.begin(), s.dirents.end(), tree::dirent_key(dir, 0, 0));
    for (; it != s.dirents.end() && tree::dirent_dir(*it) == dir; ++it) {
      Ino ino = tree::dirent_ino(*it);
      std::string p = prefix + std::string(name_of(tree::dirent_name(*it)));
      if (!paths.count(ino)) paths[ino] = p;
      if (tree::is_dir(s, ino)) walk(ino, p + "/");
    }
  };
  walk(kRootIno, "/");
  return paths;
}

}  // namespace

std::string node_name(const State& s, Ino ino) {
  if (ino >= s.nodes.size() || s.nodes[ino].type == NodeType::kFree) return "#" + std::to_string(ino) + " (free)";
  std::map<Ino, std::string> paths = paths_of(s);
  const std::string type(type_name(s.nodes[ino].type));
  if (auto it = paths.find(ino); it != paths.end()) return it->second + " (" + type + ")";
  return "#" + std::to_string(ino) + " (" + type + ", no name)";
}

std::string describe_state(const State& s) {
  std::map<Ino, std::string> paths = paths_of(s);
  auto name = [&](Ino ino) { return paths.count(ino) ? paths[ino] : "#" + std::to_string(ino); };
  std::string out;
  std::function<void(Ino, const std::string&)> walk = [&](Ino dir, const std::string& prefix) {
    auto it = std::lower_bound(s.dirents.begin(), s.dirents.end(), tree::dirent_key(dir, 0, 0));
    for (; it != s.dirents.end() && tree::dirent_dir(*it) == dir; ++it) {
      Ino ino = tree::dirent_ino(*it);
      const Node& n = s.nodes[ino];
      std::string p = prefix + std::string(name_of(tree::dirent_name(*it)));
      out += p + " " + std::string(type_name(n.type)) + " #" + std::to_string(ino);
      if (n.type == NodeType::kSymlink) out += " -> " + std::string(name_of(n.data));
      if (n.type == NodeType::kChr) out += " " + std::to_string(n.data >> 20) + ":" + std::to_string(n.data & 0xfffff);
      if (n.nlink > 1) out += " nlink=" + std::to_string(n.nlink);
      out += "\n";
      if (n.type == NodeType::kDir) walk(ino, p + "/");
    }
  };
  walk(kRootIno, "/");
  for (size_t i = 0; i < s.nodes.size(); ++i)
    if (s.nodes[i].type != NodeType::kFree && s.nodes[i].nlink == 0 && i != kRootIno)
      out += "#" + std::to_string(i) + " " + std::string(type_name(s.nodes[i].type)) + " (no name)\n";
  for (int i = 0; i < kSlotCount; ++i) {
    if (!s.regs[i].empty())
      out += "f" + std::to_string(i) + " = " + name(s.regs[i].ino) + " " + std::string(access_name(s.regs[i].access)) + "\n";
    if (!s.fixed[i].empty())
      out += "fixed" + std::to_string(i) + " = " + name(s.fixed[i].ino) + " " + std::string(access_name(s.fixed[i].access)) + "\n";
  }
  for (uint64_t p : s.pins)
    out += "op " + std::to_string(pin_op(p)) + " step " + std::to_string(pin_tag(p)) + " holds " + name(pin_ino(p)) + "\n";
  for (const WalkCursor& c : s.cursors)
    out += "op " + std::to_string(c.key) + " walk " + std::to_string(c.walk) + " is in " + name(c.cur) + " with \"" +
           std::string(name_of(c.rest)) + "\" to walk\n";
  return out;
}

}  // namespace nfz::model
