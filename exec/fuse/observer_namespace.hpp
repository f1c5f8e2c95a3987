// The FUSE observer's file tree: directories, regular files, symlinks, FIFOs and device
// nodes, hard links, and the kernel's lookup count per node. Not thread-safe: the
// observer serializes access with its own mutex.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <sys/stat.h>
#include <unordered_map>

namespace nfz::fuse {

struct Node {
  uint64_t id = 0;
  uint32_t mode = 0;  // S_IFMT | permission bits
  uint32_t nlink = 1;
  uint64_t size = 0;
  dev_t rdev = 0;
  uint64_t lookups = 0;  // entry replies not yet forgotten
  uint64_t parent = 0;   // directories: their parent (for "..")
  std::string symlink_target;
  std::map<std::string, uint64_t> children;  // directories only
};

class ObserverNamespace {
 public:
  ObserverNamespace();

  Node* find(uint64_t id);
  // The child `name` of directory `parent`, or null.
  Node* child(uint64_t parent, const std::string& name);

  // Creates `name` in `parent`; returns the node or sets `err` (EEXIST, ENOTDIR, ENOENT).
  Node* create(uint64_t parent, const std::string& name, uint32_t mode, dev_t rdev, int& err);
  Node* symlink(uint64_t parent, const std::string& name, const std::string& target, int& err);
  Node* link(uint64_t node, uint64_t parent, const std::string& name, int& err);
  int unlink(uint64_t parent, const std::string& name);
  int rmdir(uint64_t parent, const std::string& name);
  // renameat2 semantics: flags 0, RENAME_NOREPLACE or RENAME_EXCHANGE.
  int rename(uint64_t parent, const std::string& name, uint64_t new_parent, const std::string& new_name,
             unsigned flags);

  // The kernel dropped `n` lookups of `id`; a node no name refers to goes away with its
  // last lookup.
  void forget(uint64_t id, uint64_t n);

  struct stat attr(const Node& node) const;
  template <typename F>
  void for_each_entry(F&& f) const {  // f(parent, name) for every name in the tree
    for (const auto& [id, n] : nodes_)
      for (const auto& [name, child] : n.children) f(id, name);
  }

 private:
  Node* directory(uint64_t id, int& err);
  bool is_ancestor(uint64_t ancestor, uint64_t node);
  void drop_link(Node& node);

  std::unordered_map<uint64_t, Node> nodes_;
  uint64_t next_id_ = 2;
};

}  // namespace nfz::fuse
