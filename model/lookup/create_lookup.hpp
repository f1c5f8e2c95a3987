// The lookups of the namespace-changing syscalls (fs/namei.c): filename_parentat() then
// lookup_one_qstr_excl() under the parent's lock, as filename_create(), do_unlinkat(),
// do_rmdir() and do_renameat2() use them.
#pragma once

#include <string_view>

#include "model/lookup/step_context.hpp"
#include "model/lookup/walk.hpp"

namespace nfz::model {

// The parent and last component of a path walked with AT_FDCWD and no RESOLVE_ flags.
struct ParentWalk {
  int err = 0;
  Ino dir = kNoIno;
  LastType type = LastType::kRoot;
  std::string_view last;
  bool trailing_slash = false;
};
// Walk `walk` of the op (step_in_steps()): a pinned walk is not walked again, its parent
// is the one it held.
ParentWalk walk_parent(const StepContext& c, std::string_view path, int walk = 0);

// lookup_one_qstr_excl(): the child, or kNoIno with `err` (-ENOENT in a removed directory,
// -ENAMETOOLONG from ->lookup()); a missing name is kNoIno with err 0.
Ino lookup_excl(const State& s, Profile profile, Ino dir, std::string_view name, int& err);

// filename_create(): -EEXIST for ".", ".." and "/" or an existing name; a trailing slash
// only when `want_dir` (mkdir), else -ENOENT for a missing name. On success `p` names
// the parent and the new name.
int filename_create(const StepContext& c, std::string_view path, bool want_dir, ParentWalk& p, int walk = 0);

}  // namespace nfz::model
