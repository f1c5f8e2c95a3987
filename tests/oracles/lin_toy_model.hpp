// A toy model for testing the linearizability search on its own: a flat namespace (every
// path is one name, "d/x" included), each name absent, a file or a directory. Small and
// obviously right, so that a test failure points at the search, not the model. Its one
// nondeterministic outcome: an openat2 with RESOLVE_CACHED may always give EAGAIN.
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/op.hpp"

namespace nfz::oracles::lin::toy {

enum class Kind : uint8_t { kNone, kFile, kDir };

struct FlatState {
  std::vector<std::pair<std::string, Kind>> names;  // sorted, no kNone entries

  bool operator==(const FlatState&) const = default;
  size_t hash() const {
    size_t h = 1469598103934665603ull;
    for (const auto& [n, k] : names) h = (h ^ std::hash<std::string>{}(n)) * 1099511628211ull + static_cast<size_t>(k);
    return h;
  }
  Kind kind(const std::string& name) const {
    auto it = std::lower_bound(names.begin(), names.end(), std::make_pair(name, Kind::kNone));
    return it != names.end() && it->first == name ? it->second : Kind::kNone;
  }
  void set(const std::string& name, Kind k) {
    auto it = std::lower_bound(names.begin(), names.end(), std::make_pair(name, Kind::kNone));
    bool here = it != names.end() && it->first == name;
    if (k == Kind::kNone) {
      if (here) names.erase(it);
    } else if (here) {
      it->second = k;
    } else {
      names.insert(it, {name, k});
    }
  }
};

struct FlatTransition {
  int32_t result;
  FlatState next;
};

class FlatModel {
 public:
  FlatState initial() const { return {}; }

  void step(const FlatState& s, const Op& op, std::vector<FlatTransition>& out) const {
    if (op.kind == OpKind::kOpen && (op.resolve & RESOLVE_CACHED)) out.push_back({-EAGAIN, s});
    FlatState n = s;
    out.push_back({apply(n, op), n});
    if (out.back().result < 0) out.back().next = s;
  }

 private:
  static int32_t apply(FlatState& s, const Op& op) {
    const Kind a = s.kind(op.path), b = s.kind(op.path2);
    switch (op.kind) {
      case OpKind::kOpen:
        if (a == Kind::kNone) {
          if (!(op.flags & O_CREAT)) return -ENOENT;
          s.set(op.path, Kind::kFile);
          return 0;
        }
        if ((op.flags & O_CREAT) && (op.flags & O_EXCL)) return -EEXIST;
        if (a == Kind::kDir && (op.flags & O_ACCMODE) != O_RDONLY) return -EISDIR;
        if (a == Kind::kFile && (op.flags & O_DIRECTORY)) return -ENOTDIR;
        return 0;
      case OpKind::kMkdir:
        if (a != Kind::kNone) return -EEXIST;
        s.set(op.path, Kind::kDir);
        return 0;
      case OpKind::kMknod:
      case OpKind::kSymlink:
        if (s.kind(op.kind == OpKind::kSymlink ? op.path2 : op.path) != Kind::kNone) return -EEXIST;
        s.set(op.kind == OpKind::kSymlink ? op.path2 : op.path, Kind::kFile);
        return 0;
      case OpKind::kLink:
        if (a == Kind::kNone) return -ENOENT;
        if (a == Kind::kDir) return -EPERM;
        if (b != Kind::kNone) return -EEXIST;
        s.set(op.path2, Kind::kFile);
        return 0;
      case OpKind::kUnlink:
        if (a == Kind::kNone) return -ENOENT;
        if (a == Kind::kDir) return -EISDIR;
        s.set(op.path, Kind::kNone);
        return 0;
      case OpKind::kRmdir:
        if (a == Kind::kNone) return -ENOENT;
        if (a == Kind::kFile) return -ENOTDIR;
        s.set(op.path, Kind::kNone);
        return 0;
      case OpKind::kRename:
        if (a == Kind::kNone) return -ENOENT;
        if (op.flags & kRenameExchange) {
          if (b == Kind::kNone) return -ENOENT;
          s.set(op.path, b);
          s.set(op.path2, a);
          return 0;
        }
        if ((op.flags & kRenameNoreplace) && b != Kind::kNone) return -EEXIST;
        if (op.path == op.path2) return 0;
        if (a == Kind::kDir && b == Kind::kFile) return -ENOTDIR;
        if (a == Kind::kFile && b == Kind::kDir) return -EISDIR;
        s.set(op.path2, a);
        s.set(op.path, Kind::kNone);
        return 0;
      case OpKind::kStatx:
        return a == Kind::kNone ? -ENOENT : 0;
      default:
        return 0;  // close and harness actions
    }
  }
};

}  // namespace nfz::oracles::lin::toy
