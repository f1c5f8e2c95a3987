// Interned names: directory entry names and symlink bodies become 32-bit ids, so that a
// State holds only integers and compares and hashes fast. One table for the process,
// shared by every State and thread; ids are stable for the process's lifetime.
//
// One-byte names (the generators' "a".."d") take a fixed id without touching the table.
#pragma once

#include <cstdint>
#include <string_view>

namespace nfz::model {

using NameId = uint32_t;

// The id of `name` (any bytes, possibly empty), adding it on first use. Thread-safe.
NameId intern(std::string_view name);

// The bytes of an id `intern` returned. Thread-safe; the view lives as long as the process.
std::string_view name_of(NameId id);

}  // namespace nfz::model
