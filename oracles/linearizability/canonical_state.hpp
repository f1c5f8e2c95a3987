// States of the lookup model up to the numbering of their inodes. The model numbers a new
// node lowest-free-first, so two orders of the same creations (a in 1 and b in 2, or the
// reverse) reach states that differ only in numbers: the search would carry both, and
// with 8 ops in flight on 16 names their count grows into the hundred thousands. No
// outcome the checker compares depends on a model number (results are 0 or -errno; the
// kernel's inode numbers are bound to nodes, Node::kid, which moves with its node), and the
// model's decisions are the same for every numbering (it compares inodes for identity
// only: hard links, is_ancestor() of a rename, the register that holds a FIFO end). So the
// search keeps one representative of each class: the numbering by first visit from the
// root, entries in name order, then from the fd registers and fixed slots in order, then
// what the walks of ops in progress hold (State::pins), then through Node::parent (removed
// directories an open one still names).
#pragma once

#include <vector>

#include "model/lookup/lookup_model.hpp"

namespace nfz::oracles::lin {

class CanonicalNumbering {
 public:
  // Renumbers `s` in place; free nodes are dropped. Keeps its buffers between calls.
  void apply(model::State& s);

 private:
  void visit(model::Ino ino) {
    if (ino >= label_.size() || label_[ino] != model::kNoIno) return;
    label_[ino] = static_cast<model::Ino>(count_);
    order_[count_++] = ino;
  }
  void drain(const model::State& s);
  void index_entries(const model::State& s);

  std::vector<model::Ino> label_;  // old number -> new, kNoIno while unvisited
  std::vector<model::Ino> order_;  // new number -> old: the first count_ (sized for all)
  size_t count_ = 0;
  size_t next_ = 0;                // first of order_ not yet expanded
  std::vector<uint32_t> first_;    // index_entries()'s
  std::vector<model::Node> nodes_;
  std::vector<uint64_t> dirents_;
};

}  // namespace nfz::oracles::lin
