// A finding as text: the violated oracle, the interleaving step by step (thread, op,
// kernel function, dentry state changes) as comments, then the schedule file itself,
// so that the report replays as it is.
#pragma once

#include <string>

#include "model/dcache/explore.hpp"

namespace nfz::dcache {

// "IL", "HN", "HP", "U", "IL+hashed", "free".
std::string dentry_state(const Dentry& d);

// The stable one-line title: "dcache: splice.twice in open (atomic-open-enoent-2016)".
std::string finding_title(const Finding& f);

std::string format_report(const Finding& f);

}  // namespace nfz::dcache
