// What check_with_lookup_model() adds to a CheckInput before the search (lookup_input.cpp):
// the fixed-file slots of every ring numbered apart, each ring's exit as an op, io_uring
// chain ops pointed at copies with their fixed outcome, the kernel identities the ops saw.
#pragma once

#include <string>

#include "core/history.hpp"
#include "oracles/linearizability/lookup_check.hpp"

namespace nfz::oracles::lin {

// Numbers the slots of every ring apart in the model's one table; "" or why it cannot.
std::string number_ring_slots(const History& history, LookupCheck& out);

// Adds, for setup's ring and each thread's with fixed slots, the op that lets their files
// go: a hung op from the return of the ring's thread's last op on.
void add_ring_exits(LookupCheck& out);

// Interns the kernel inodes the ops reported and picks the target's link-count rule.
void learn_identities(const History& history, LookupCheck& out);

// Marks the mkdirs, renames and unlinks a statx overlaps in real time, which the model
// takes in two steps (their counts apart from their names).
void mark_counts_beside_statx(LookupCheck& out);
// Marks the fd-relative opens whose dirfd another thread lets go beside them, which the
// model takes with their path_init() as a step of its own.
void mark_opens_beside_fd_releases(LookupCheck& out);

// Points the chain ops' CheckOps at copies with their fixed outcome; "" or why the model
// cannot judge the history.
std::string apply_chain_marks(const History& history, LookupCheck& out);

// The known profiles as "tmpfs, ext4, ...".
std::string known_profiles_text();

}  // namespace nfz::oracles::lin
