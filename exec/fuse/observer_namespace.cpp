#include "exec/fuse/observer_namespace.hpp"

#include <cerrno>
#include <linux/fs.h>

#include "core/fuse_trace.hpp"

namespace nfz::fuse {

ObserverNamespace::ObserverNamespace() {
  Node root;
  root.id = kFuseRootId;
  root.mode = S_IFDIR | 0755;
  root.nlink = 2;
  root.parent = kFuseRootId;
  root.lookups = 1;  // the kernel holds the root from mount to unmount
  nodes_.emplace(root.id, std::move(root));
}

Node* ObserverNamespace::find(uint64_t id) {
  auto it = nodes_.find(id);
  return it == nodes_.end() ? nullptr : &it->second;
}

Node* ObserverNamespace::directory(uint64_t id, int& err) {
  Node* n = find(id);
  if (!n) err = ENOENT;
  else if (!S_ISDIR(n->mode)) err = ENOTDIR, n = nullptr;
  return n;
}

Node* ObserverNamespace::child(uint64_t parent, const std::string& name) {
  int err = 0;
  Node* dir = directory(parent, err);
  if (!dir) return nullptr;
  auto it = dir->children.find(name);
  return it == dir->children.end() ? nullptr : find(it->second);
}

Node* ObserverNamespace::create(uint64_t parent, const std::string& name, uint32_t mode, dev_t rdev, int& err) {
  Node* dir = directory(parent, err);
  if (!dir) return nullptr;
  if (dir->children.count(name)) return err = EEXIST, nullptr;
  Node n;
  n.id = next_id_++;
  n.mode = mode;
  n.rdev = rdev;
  n.parent = parent;
  if (S_ISDIR(mode)) {
    n.nlink = 2;
    dir->nlink++;
  }
  dir->children.emplace(name, n.id);
  return &nodes_.emplace(n.id, std::move(n)).first->second;
}

Node* ObserverNamespace::symlink(uint64_t parent, const std::string& name, const std::string& target, int& err) {
  Node* n = create(parent, name, S_IFLNK | 0777, 0, err);
  if (n) n->symlink_target = target, n->size = target.size();
  return n;
}

Node* ObserverNamespace::link(uint64_t node, uint64_t parent, const std::string& name, int& err) {
  Node* target = find(node);
  if (!target) return err = ENOENT, nullptr;
  if (S_ISDIR(target->mode)) return err = EPERM, nullptr;
  Node* dir = directory(parent, err);
  if (!dir) return nullptr;
  if (dir->children.count(name)) return err = EEXIST, nullptr;
  dir->children.emplace(name, node);
  target->nlink++;
  return target;
}

void ObserverNamespace::drop_link(Node& node) {
  node.nlink = S_ISDIR(node.mode) ? 0 : node.nlink - 1;
  if (node.nlink == 0 && node.lookups == 0) nodes_.erase(node.id);
}

int ObserverNamespace::unlink(uint64_t parent, const std::string& name) {
  Node* n = child(parent, name);
  if (!n) return ENOENT;
  if (S_ISDIR(n->mode)) return EISDIR;
  find(parent)->children.erase(name);
  drop_link(*n);
  return 0;
}

int ObserverNamespace::rmdir(uint64_t parent, const std::string& name) {
  Node* n = child(parent, name);
  if (!n) return ENOENT;
  if (!S_ISDIR(n->mode)) return ENOTDIR;
  if (!n->children.empty()) return ENOTEMPTY;
  Node* dir = find(parent);
  dir->children.erase(name);
  dir->nlink--;
  drop_link(*n);
  return 0;
}

bool ObserverNamespace::is_ancestor(uint64_t ancestor, uint64_t node) {
  for (Node* n = find(node); n && n->id != kFuseRootId; n = find(n->parent))
    if (n->id == ancestor) return true;
  return ancestor == kFuseRootId;
}

int ObserverNamespace::rename(uint64_t parent, const std::string& name, uint64_t new_parent,
                              const std::string& new_name, unsigned flags) {
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) return EINVAL;
  int err = 0;
  Node* from_dir = directory(parent, err);
  Node* to_dir = from_dir ? directory(new_parent, err) : nullptr;
  if (!to_dir) return err;
  Node* src = child(parent, name);
  if (!src) return ENOENT;
  Node* dst = child(new_parent, new_name);
  if (src == dst) return 0;
  if (S_ISDIR(src->mode) && is_ancestor(src->id, new_parent)) return EINVAL;
  if (flags & RENAME_EXCHANGE) {
    if (!dst) return ENOENT;
    if (S_ISDIR(dst->mode) && is_ancestor(dst->id, parent)) return EINVAL;
    from_dir->children[name] = dst->id;
    to_dir->children[new_name] = src->id;
    if (S_ISDIR(src->mode)) src->parent = new_parent;
    if (S_ISDIR(dst->mode)) dst->parent = parent;
    return 0;
  }
  if (dst) {
    if (flags & RENAME_NOREPLACE) return EEXIST;
    if (S_ISDIR(src->mode) && !S_ISDIR(dst->mode)) return ENOTDIR;
    if (!S_ISDIR(src->mode) && S_ISDIR(dst->mode)) return EISDIR;
    if (S_ISDIR(dst->mode) && !dst->children.empty()) return ENOTEMPTY;
    if (S_ISDIR(dst->mode)) to_dir->nlink--;
    to_dir->children.erase(new_name);
    drop_link(*dst);
  }
  uint64_t id = src->id;
  bool is_dir = S_ISDIR(src->mode);
  from_dir = find(parent);
  to_dir = find(new_parent);
  from_dir->children.erase(name);
  to_dir->children[new_name] = id;
  if (is_dir) {
    from_dir->nlink--;
    to_dir->nlink++;
    find(id)->parent = new_parent;
  }
  return 0;
}

void ObserverNamespace::forget(uint64_t id, uint64_t n) {
  Node* node = find(id);
  if (!node || id == kFuseRootId) return;
  node->lookups = n > node->lookups ? 0 : node->lookups - n;
  if (node->lookups == 0 && node->nlink == 0) nodes_.erase(id);
}

struct stat ObserverNamespace::attr(const Node& n) const {
  struct stat st {};
  st.st_ino = n.id;
  st.st_mode = n.mode;
  st.st_nlink = n.nlink;
  st.st_size = static_cast<off_t>(n.size);
  st.st_rdev = n.rdev;
  st.st_blksize = 4096;
  return st;
}

}  // namespace nfz::fuse
