#include "model/lookup/create_lookup.hpp"

#include <cerrno>

#include "model/lookup/profile.hpp"
#include "model/lookup/tree.hpp"

namespace nfz::model {

ParentWalk walk_parent(const StepContext& c, std::string_view path, int walk) {
  ParentWalk p;
  if (Ino held = c.pinned(walk); held != kNoIno) {
    p.dir = held;
    last_component(path, p.type, p.last, p.trailing_slash);
    return p;
  }
  Walker w(c.s, c.profile(), 0);
  p.err = w.parent(path, Start{});
  p.dir = w.cur();
  p.type = w.last_type();
  p.last = w.last();
  p.trailing_slash = w.trailing_slash();
  return p;
}

Ino lookup_excl(const State& s, Profile profile, Ino dir, std::string_view name, int& err) {
  err = 0;
  const size_t max = name_max(profile);
  if (name.size() <= max)  // lookup_dcache(): only a name that can exist is found
    if (Ino child = tree::lookup(s, dir, intern(name)); child != kNoIno) return child;
  if (tree::is_dead_dir(s, dir)) err = -ENOENT;  // "Don't create child dentry for a dead directory"
  else if (name.size() > max) err = -ENAMETOOLONG;  // ->lookup()
  return kNoIno;
}

int filename_create(const StepContext& c, std::string_view path, bool want_dir, ParentWalk& p, int walk) {
  p = walk_parent(c, path, walk);
  if (p.err) return p.err;
  if (p.type != LastType::kNorm) return -EEXIST;  // "foo/.", "foo/..", "/"
  int err = 0;
  Ino child = lookup_excl(c.s, c.profile(), p.dir, p.last, err);
  if (err) return err;
  if (child != kNoIno) return -EEXIST;  // LOOKUP_EXCL
  // A trailing slash suppresses LOOKUP_CREATE unless a directory was asked for.
  if (p.trailing_slash && !want_dir) return -ENOENT;
  return 0;
}

}  // namespace nfz::model
