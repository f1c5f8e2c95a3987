// A set of search configurations (model state, ops linearized among those in flight),
// stored in insertion order so that it doubles as a breadth-first work list.
#pragma once

#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

namespace nfz::oracles::lin {

template <typename State>
struct Config {
  State state;
  uint64_t linearized = 0;  // bit per in-flight slot
  uint32_t path = 0;        // node of the linearization that led here (0: not tracked)
  size_t hash = 0;
  // The in-flight slots whose walks are the steps since the last change of the state
  // (checker.hpp): the search extends it only by more walks, a change, or a last step of
  // one of these ops.
  uint64_t walked = 0;
  // The state's own hash, 0 until insert() computes it: a configuration carried to the
  // next set with only its masks changed keeps it, so a state is hashed once.
  size_t state_hash = 0;
};

template <typename State>
class ConfigSet {
 public:
  using Item = Config<State>;

  // Inserts unless an equal (state, linearized) pair is there; true if inserted.
  bool insert(Item&& item) {
    if (item.state_hash == 0) item.state_hash = item.state.hash() | 1;
    item.hash = mix(item.state_hash, item.linearized ^ (item.walked * 0xD6E8FEB86659FD93ull));
    if ((items_.size() + 1) * 2 > table_.size()) grow();
    size_t mask = table_.size() - 1;
    for (size_t i = item.hash & mask;; i = (i + 1) & mask) {
      uint32_t slot = table_[i];
      if (slot == 0) {
        items_.push_back(std::move(item));
        table_[i] = static_cast<uint32_t>(items_.size());
        return true;
      }
      const Item& other = items_[slot - 1];
      if (other.hash == item.hash && other.linearized == item.linearized && other.walked == item.walked &&
          other.state == item.state)
        return false;
    }
  }

  // Empties the set; a table grown by one burst shrinks back, so a clear stays cheap.
  void clear() {
    size_t want = kMinTable;
    while (want < items_.size() * 4) want *= 2;
    items_.clear();
    if (table_.size() > want * 4) table_.assign(want, 0);
    else if (!table_.empty()) std::memset(table_.data(), 0, table_.size() * sizeof(uint32_t));
  }

  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  Item& operator[](size_t i) { return items_[i]; }
  const Item& operator[](size_t i) const { return items_[i]; }
  void swap(ConfigSet& other) {
    items_.swap(other.items_);
    table_.swap(other.table_);
  }

 private:
  static constexpr size_t kMinTable = 64;

  static size_t mix(size_t h, uint64_t lin) {
    uint64_t x = h ^ (lin * 0x9E3779B97F4A7C15ull);
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 29;
    return static_cast<size_t>(x);
  }

  void grow() {
    size_t n = table_.empty() ? kMinTable : table_.size() * 2;
    table_.assign(n, 0);
    size_t mask = n - 1;
    for (size_t k = 0; k < items_.size(); ++k) {
      size_t i = items_[k].hash & mask;
      while (table_[i] != 0) i = (i + 1) & mask;
      table_[i] = static_cast<uint32_t>(k + 1);
    }
  }

  std::vector<Item> items_;
  std::vector<uint32_t> table_;  // 0 empty, else index + 1
};

}  // namespace nfz::oracles::lin
