// LookupModel::step(): one op from one state to its outcome set.
#include <cerrno>

#include "model/lookup/step_context.hpp"
#include "model/lookup/tree.hpp"

namespace nfz::model {

void step_close(const StepContext& c) {
  const int8_t slot = c.op.fd;
  if (c.op.issue.fixed) {  // io_uring_prep_close_direct(): the fixed slot, not an fd
    const int fixed = fixed_slot(c.op);
    if (c.s.fixed[fixed].empty()) return c.unchanged(-EBADF);
    State next = c.copy();
    FileRef old = next.fixed[fixed];
    next.fixed[fixed] = {};
    tree::release(next, old);
    return c.changed(0, std::move(next));
  }
  if (c.s.regs[slot].empty()) return c.unchanged(-EBADF);  // close(-1)
  State next = c.copy();
  FileRef old = next.regs[slot];
  next.regs[slot] = {};
  tree::release(next, old);
  c.changed(0, std::move(next));
}

State LookupModel::initial() const {
  State s;
  Node root;
  root.type = NodeType::kDir;
  root.nlink = 1;
  root.parent = kRootIno;
  s.nodes.push_back(root);
  return s;
}

void LookupModel::step(const State& s, const Op& op, std::vector<Transition>& out) const {
  recycle_outcomes(out);
  StepContext c{*this, s, op, out};
  switch (op.kind) {
    case OpKind::kOpen: return step_open(c);
    case OpKind::kClose: return step_close(c);
    case OpKind::kMkdir: return step_mkdir(c);
    case OpKind::kRmdir: return step_rmdir(c);
    case OpKind::kUnlink: return step_unlink(c);
    case OpKind::kRename: return step_rename(c);
    case OpKind::kSymlink: return step_symlink(c);
    case OpKind::kLink: return step_link(c);
    case OpKind::kMknod: return step_mknod(c);
    case OpKind::kStatx: return step_statx(c);
    case OpKind::kDropCaches:
    case OpKind::kRevalidate:
    case OpKind::kSleep: return c.unchanged(0);
  }
  c.unchanged(-EINVAL);
}

}  // namespace nfz::model
