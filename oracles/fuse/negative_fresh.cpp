// negative.fresh: the kernel sends CREATE, MKNOD or MKDIR only for a name it believes
// absent: lookup_open() / filename_create() find or look up the dentry under the
// parent's exclusive i_rwsem, and fuse_atomic_open() first LOOKUPs an in-lookup dentry.
// The parent stays locked until the request is answered, so nothing else changes the
// directory meanwhile. If the observer holds the name when the request arrives and every
// change went through this kernel, the kernel trusted a stale negative dentry.
#include "oracles/fuse/fuse_oracles.hpp"

namespace nfz::oracles {

OracleResult check_negative_fresh(const FuseTrace& trace) {
  OracleResult result;
  for (const auto& r : trace.requests) {
    if (r.op != FuseOp::kCreate && r.op != FuseOp::kMknod && r.op != FuseOp::kMkdir) continue;
    ++result.checks;
    if (r.held)
      result.violations.push_back({"negative.fresh: " + std::string(fuse_op_name(r.op)) + " of a name the filesystem holds",
                                   std::string(fuse_op_name(r.op)) + "(" + std::to_string(r.parent) + ", \"" + r.name +
                                       "\") from tid " + std::to_string(r.tid)});
  }
  return result;
}

}  // namespace nfz::oracles
