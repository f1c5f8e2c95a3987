#include "model/lookup/identity.hpp"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>

#include "model/lookup/step_context.hpp"
#include "model/lookup/tree.hpp"

namespace nfz::model {

KernelId KernelIds::intern(uint64_t dev, uint64_t ino, size_t reporter) {
  if (ino == 0) return kNoKernelId;
  auto [it, added] = ids_.try_emplace({dev, ino}, kNoKernelId);
  if (!added) return it->second;
  if (entries_.size() >= 0xffff) {
    ids_.erase(it);
    return kNoKernelId;
  }
  entries_.push_back({dev, ino, reporter});
  it->second = static_cast<KernelId>(entries_.size());
  return it->second;
}

std::string KernelIds::name(KernelId id) const {
  const Entry& e = entries_[id - 1];
  return "inode " + std::to_string(major(e.dev)) + ":" + std::to_string(minor(e.dev)) + "/" + std::to_string(e.ino);
}

NlinkRule nlink_rule(Profile profile, bool fuse) {
  if (fuse || profile == Profile::kFuse) return {false, false};
  if (profile == Profile::kBtrfs || profile == Profile::kOverlay) return {true, false};
  NlinkRule rule;
  rule.dirs_dropped_one_at_a_time = profile == Profile::kTmpfs || profile == Profile::kXfs;
  return rule;
}

uint32_t file_type_bits(NodeType type) {
  switch (type) {
    case NodeType::kDir: return S_IFDIR;
    case NodeType::kReg: return S_IFREG;
    case NodeType::kSymlink: return S_IFLNK;
    case NodeType::kFifo: return S_IFIFO;
    case NodeType::kChr: return S_IFCHR;
    case NodeType::kFree: break;
  }
  return 0;
}

std::string file_type_name(uint32_t type_bits) {
  switch (type_bits & S_IFMT) {
    case S_IFDIR: return "directory";
    case S_IFREG: return "regular file";
    case S_IFLNK: return "symlink";
    case S_IFIFO: return "FIFO";
    case S_IFCHR: return "character device";
    case S_IFBLK: return "block device";
    case S_IFSOCK: return "socket";
  }
  return "file of type " + std::to_string(type_bits);
}

int32_t expected_nlink(const State& s, Ino ino) {
  const Node& n = s.nodes[ino];
  if (n.type != NodeType::kDir || n.nlink == 0) return n.nlink;
  int32_t subdirs = 0;
  auto it = std::lower_bound(s.dirents.begin(), s.dirents.end(), tree::dirent_key(ino, 0, 0));
  for (; it != s.dirents.end() && tree::dirent_dir(*it) == ino; ++it) subdirs += tree::is_dir(s, tree::dirent_ino(*it)) && s.nodes[tree::dirent_ino(*it)].nlink > 0;  // not one rmdir removed (step_rmdir())
  // A mkdir between its two steps (step_mkdir()): counted before its name is there, or not yet counted.
  for (uint64_t pin : s.pins) {
    if (pin_tag(pin) == kMkdirCounted && pin_ino(pin) == ino) ++subdirs;
    if (pin_tag(pin) == kMkdirUncounted && s.nodes[pin_ino(pin)].parent == ino) --subdirs;
  }
  return 2 + subdirs;
}

// A directory an rmdir has taken to 0 whose name has not gone yet (step_rmdir()'s pin
// kLockedChild): ->rmdir() may still be between its two drops.
static bool between_rmdir_drops(const State& s, Ino reached, int32_t seen_nlink, NlinkRule rule) {
  if (!rule.dirs_dropped_one_at_a_time || seen_nlink != 1 || s.nodes[reached].nlink != 0) return false;
  return std::any_of(s.pins.begin(), s.pins.end(),
                     [&](uint64_t pin) { return pin_tag(pin) == kLockedChild && pin_ino(pin) == reached; });
}

IdentityCheck bind_identity(State& s, Ino reached, const Seen& seen, NlinkRule rule) {
  IdentityCheck c;
  if (reached >= s.nodes.size() || s.nodes[reached].type == NodeType::kFree) return c;
  Node& node = s.nodes[reached];
  if (seen.type && seen.type != file_type_bits(node.type)) {
    c.error = IdentityError::kType;
    return c;
  }
  if (seen.nlink >= 0 && (node.type == NodeType::kDir ? rule.dirs : rule.files)) {
    const int32_t want = expected_nlink(s, reached);
    if (want != seen.nlink && !between_rmdir_drops(s, reached, seen.nlink, rule)) {
      c.error = IdentityError::kNlink;
      c.expected_nlink = want;
      return c;
    }
  }
  if (seen.kid == kNoKernelId || node.kid == seen.kid) return c;
  for (size_t i = 0; i < s.nodes.size() && c.other == kNoIno; ++i)
    if (s.nodes[i].kid == seen.kid && s.nodes[i].type != NodeType::kFree) c.other = static_cast<Ino>(i);
  if (node.kid != kNoKernelId) {
    c.error = IdentityError::kRebound;
    c.bound = node.kid;
  } else if (c.other != kNoIno) {
    c.error = IdentityError::kTaken;
  } else {
    node.kid = seen.kid;
  }
  return c;
}

}  // namespace nfz::model
