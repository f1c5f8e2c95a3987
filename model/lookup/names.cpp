#include "model/lookup/names.hpp"

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace nfz::model {
namespace {

constexpr NameId kFirstTableId = 257;  // ids 1..256: one-byte names; 0: the empty name
constexpr size_t kChunkBits = 12;
constexpr size_t kChunkSize = size_t{1} << kChunkBits;
constexpr size_t kMaxChunks = 1 << 14;  // 64 M names: far more than any run makes

// Readers find a string by id without the lock: chunks are published with release
// stores and never move; a chunk's slot is written before its id is handed out.
struct Table {
  std::mutex mu;
  std::unordered_map<std::string_view, NameId> ids;  // views into the chunks
  std::array<std::atomic<std::string*>, kMaxChunks> chunks{};
  NameId next = kFirstTableId;
};

Table& table() {
  static Table* t = new Table;  // never destroyed: ids outlive static destructors
  return *t;
}

const std::array<char, 256>& one_byte_names() {
  static const std::array<char, 256> bytes = [] {
    std::array<char, 256> b{};
    for (int i = 0; i < 256; ++i) b[i] = static_cast<char>(i);
    return b;
  }();
  return bytes;
}

}  // namespace

NameId intern(std::string_view name) {
  if (name.empty()) return 0;
  if (name.size() == 1) return 1 + static_cast<unsigned char>(name[0]);
  Table& t = table();
  std::lock_guard lock(t.mu);
  if (auto it = t.ids.find(name); it != t.ids.end()) return it->second;
  NameId id = t.next++;
  size_t index = id - kFirstTableId;
  size_t chunk = index >> kChunkBits;
  std::string* c = t.chunks[chunk].load(std::memory_order_relaxed);
  if (!c) {
    c = new std::string[kChunkSize];
    t.chunks[chunk].store(c, std::memory_order_release);
  }
  c[index & (kChunkSize - 1)] = std::string(name);
  t.ids.emplace(std::string_view(c[index & (kChunkSize - 1)]), id);
  return id;
}

std::string_view name_of(NameId id) {
  if (id == 0) return {};
  if (id < kFirstTableId) return std::string_view(&one_byte_names()[id - 1], 1);
  size_t index = id - kFirstTableId;
  const std::string* c = table().chunks[index >> kChunkBits].load(std::memory_order_acquire);
  return c[index & (kChunkSize - 1)];
}

}  // namespace nfz::model
