// Ops that nothing overlapping them in time can tell apart from any other point of their
// interval: the search linearizes such an op as soon as the model accepts its observed
// outcome (checker.hpp, "Lone ops"), instead of branching on where it goes among the ops
// in flight beside it. On histories whose threads work in different directories most
// namespace ops are lone, and the configurations at a return no longer multiply by the
// orders of changes that commute.
//
// Independence is decided from the paths alone, so only where paths name what they
// seem to: no symlink anywhere in the run (none made, so every walk goes through
// directories only), no hard links (so two different names are two different objects),
// no mknod (FIFO ends couple opens through the object), and every path of the op and of
// every op overlapping it made of plain names ("a/b": no ".", "..", empty component,
// leading or trailing '/', no dirfd). Two such paths p and q touch iff one is a prefix of
// the other by components: "d1/n3" reads the root's entry d1 and d1's entry n3 and
// changes only the latter (and, for a mkdir or rmdir, d1's link count, which only an op
// naming "d1" reads); "d2/n5" reads and changes only entries of the root's d2 and of what
// that names, and d1 and d2, different root entries that are directories or nothing, are
// never one directory (directories have no hard links). So an op none of whose paths
// touches any path of any op overlapping it commutes with each of their steps: each
// reads nothing the other changes.
#pragma once

#include <vector>

#include "oracles/linearizability/lookup_check.hpp"

namespace nfz::oracles::lin {

// By input.ops index: whether the op is lone (above). Also never: a hung op, an op of an
// io_uring chain or a fixed-file table (their copies step otherwise), an op with a
// register (its fd is seen by others through it), an op whose reported kernel inode
// another op overlapping it also reports (binding one object's number first could refuse
// the other's: model::bind_identity()).
std::vector<bool> lone_ops(const LookupCheck& check);

// Whether two plain paths (above) touch: one is a prefix of the other by components.
bool paths_touch(std::string_view a, std::string_view b);

}  // namespace nfz::oracles::lin
