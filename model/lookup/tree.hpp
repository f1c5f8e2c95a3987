// Operations on a State's namespace (nodes and directory entries) and open files, shared
// by the model's op files. Pure helpers: no errno decisions here.
#pragma once

#include <cstdint>

#include "model/lookup/lookup_model.hpp"
#include "model/lookup/names.hpp"

namespace nfz::model::tree {

constexpr uint64_t dirent_key(Ino dir, NameId name, Ino ino) {
  return uint64_t{dir} << 48 | uint64_t{name} << 16 | ino;
}
constexpr Ino dirent_dir(uint64_t key) { return static_cast<Ino>(key >> 48); }
constexpr NameId dirent_name(uint64_t key) { return static_cast<NameId>(key >> 16); }
constexpr Ino dirent_ino(uint64_t key) { return static_cast<Ino>(key); }

// The node `name` names in directory `dir`, or kNoIno.
Ino lookup(const State& s, Ino dir, NameId name);
void add_entry(State& s, Ino dir, NameId name, Ino ino);
void remove_entry(State& s, Ino dir, NameId name);
// Points an existing entry at another node.
void replace_entry(State& s, Ino dir, NameId name, Ino ino);
bool dir_empty(const State& s, Ino dir);

inline bool is_dir(const State& s, Ino ino) { return s.nodes[ino].type == NodeType::kDir; }
// A directory that was removed (rmdir, or renamed over): IS_DEADDIR() in the kernel.
inline bool is_dead_dir(const State& s, Ino ino) { return is_dir(s, ino) && s.nodes[ino].nlink == 0; }

// A new node (lowest free number), nlink 0; kNoIno when the table is full.
Ino alloc_node(State& s, NodeType type, uint32_t data);
// Frees `ino` if nothing refers to it any more: no name, no open file, and (a directory)
// no removed subdirectory still naming it as its parent.
void maybe_free(State& s, Ino ino);
// Drops one reference (a register or slot that held `ref` was emptied or overwritten).
void release(State& s, const FileRef& ref);

// State::pins: holds `ino` for (key, tag); the node `key`/`tag` holds, or kNoIno; lets
// every pin of `key` go (freeing what nothing else holds).
void add_pin(State& s, uint32_t key, int tag, Ino ino);
Ino pinned(const State& s, uint32_t key, int tag);
void drop_pins(State& s, uint32_t key);
// The first step of an op that removes a name (rmdir, unlink, a rename's target): the
// count as ->rmdir() / ->unlink() / ->rename() leave it, the name still there (a directory
// at 0, a file one link less). name_counted_back() undoes it before the name goes.
void name_counted_off(State& s, Ino ino);
void name_counted_back(State& s, Ino ino);
// The op's pins of one tag go; what they held is not freed (the op still holds it, or
// its caller frees it).
void drop_tagged_pins(State& s, uint32_t key, int tag);

// Whether an op other than `key` holds `dir`'s i_rwsem (a pin tagged `tag` on it).
bool locked_by_other(const State& s, Ino dir, uint32_t key, int tag);

// State::cursors: the cursor of walk `walk` of `key`, or null; sets (or replaces) one;
// lets every cursor of `key` go (freeing what nothing else holds).
const WalkCursor* cursor(const State& s, uint32_t key, int walk);
void set_cursor(State& s, const WalkCursor& c);
void drop_cursors(State& s, uint32_t key);

// Whether `a` is `d` or one of its ancestors (following Node::parent).
bool is_ancestor(const State& s, Ino a, Ino d);

// What is wrong with the tree's shape, or null: a name in a node that is not a directory,
// a name of a free node, a pin or a walk's cursor on a free node, a directory whose
// parent is not the directory naming it, a chain of parents that does not end (a cycle).
// A debugging aid for the model's steps.
const char* shape_error(const State& s);

// Open files on FIFO `ino` that read / write: pipe->readers and pipe->writers.
int fifo_readers(const State& s, Ino ino);
int fifo_writers(const State& s, Ino ino);

}  // namespace nfz::model::tree
