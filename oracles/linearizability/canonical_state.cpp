#include "oracles/linearizability/canonical_state.hpp"

#include <algorithm>

#include "model/lookup/tree.hpp"

namespace nfz::oracles::lin {

using model::Ino;
using model::kNoIno;
using model::NodeType;
namespace tree = model::tree;

// Breadth first: a directory's entries in the order of their sorted keys (name ids, which
// are interned once per process), then the node's parent (for a removed directory, the
// removed directory that held it).
void CanonicalNumbering::drain(const model::State& s) {
  for (; next_ < count_; ++next_) {
    const Ino old = order_[next_];
    const model::Node& n = s.nodes[old];
    if (n.type == NodeType::kDir)
      for (uint32_t k = first_[old]; k < first_[old + 1]; ++k) visit(tree::dirent_ino(s.dirents[k]));
    visit(n.parent);
  }
}

// The entries of directory d are dirents[first_[d] .. first_[d + 1]): they are sorted by
// directory first.
void CanonicalNumbering::index_entries(const model::State& s) {
  const size_t n = s.nodes.size();
  first_.resize(n + 1);
  uint32_t k = 0;
  const auto entries = static_cast<uint32_t>(s.dirents.size());
  for (size_t d = 0; d <= n; ++d) {
    while (k < entries && tree::dirent_dir(s.dirents[k]) < d) ++k;
    first_[d] = k;
  }
}

void CanonicalNumbering::apply(model::State& s) {
  const size_t n = s.nodes.size();
  label_.assign(n, kNoIno);
  order_.resize(n);
  count_ = 0;
  next_ = 0;
  index_entries(s);
  visit(model::kRootIno);
  drain(s);
  for (const auto* refs : {&s.regs, &s.fixed}) {
    for (const model::FileRef& r : *refs) {
      if (r.empty()) continue;
      visit(r.ino);  // out of range: ignored
      drain(s);
    }
  }
  for (uint64_t p : s.pins) {  // what walks of ops in progress hold
    visit(model::pin_ino(p));
    drain(s);
  }
  for (const model::WalkCursor& c : s.cursors) {  // walks in progress, and a scoped one's root
    visit(c.cur);
    drain(s);
    visit(c.root);
    drain(s);
  }
  // Nodes nothing reaches (the model frees those: kept only as a fallback, in old order).
  for (size_t i = 0; i < n; ++i)
    if (s.nodes[i].type != NodeType::kFree) visit(static_cast<Ino>(i));
  bool identity = count_ == n;
  for (size_t i = 0; identity && i < n; ++i) identity = order_[i] == i;
  if (identity) return;

  nodes_.resize(count_);
  for (size_t k = 0; k < count_; ++k) {
    nodes_[k] = s.nodes[order_[k]];
    const Ino p = nodes_[k].parent;
    nodes_[k].parent = p < n && label_[p] != kNoIno ? label_[p] : static_cast<Ino>(k);
  }
  dirents_.clear();
  for (uint64_t d : s.dirents)
    dirents_.push_back(tree::dirent_key(label_[tree::dirent_dir(d)], tree::dirent_name(d), label_[tree::dirent_ino(d)]));
  std::sort(dirents_.begin(), dirents_.end());
  for (auto* refs : {&s.regs, &s.fixed})
    for (model::FileRef& r : *refs)
      if (!r.empty() && r.ino < n) r.ino = label_[r.ino];
  for (uint64_t& p : s.pins)  // the keys keep their order
    if (model::pin_ino(p) < n) p = (p & ~uint64_t{0xffff}) | label_[model::pin_ino(p)];
  for (model::WalkCursor& c : s.cursors) {
    if (c.cur < n) c.cur = label_[c.cur];
    if (c.root < n) c.root = label_[c.root];
  }
  s.nodes.swap(nodes_);
  s.dirents.swap(dirents_);
}

}  // namespace nfz::oracles::lin
