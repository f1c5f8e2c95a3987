#include "oracles/linearizability/lone_ops.hpp"

#include <algorithm>

namespace nfz::oracles::lin {
namespace {

bool plain_path(std::string_view p) {
  if (p.empty() || p.front() == '/' || p.back() == '/') return false;
  for (size_t start = 0; start <= p.size();) {
    size_t end = p.find('/', start);
    if (end == std::string_view::npos) end = p.size();
    const std::string_view name = p.substr(start, end - start);
    if (name.empty() || name == "." || name == "..") return false;
    start = end + 1;
  }
  return true;
}

bool in(const std::vector<Op>& copies, const Op* op) {
  return !copies.empty() && op >= copies.data() && op < copies.data() + copies.size();
}

// The kinds whose effect the paths bound: a walk of each path, then a change of the last
// entry (and the link count of its directory).
bool path_kind(OpKind kind) {
  switch (kind) {
    case OpKind::kOpen:
    case OpKind::kMkdir:
    case OpKind::kRmdir:
    case OpKind::kUnlink:
    case OpKind::kRename:
    case OpKind::kStatx:
      return true;
    default:
      return false;
  }
}

// Whether every step of the op depends on its paths alone (lone_ops.hpp).
bool by_paths(const LookupCheck& check, const CheckOp& c) {
  const Op& op = *c.op;
  if (in(check.chain_ops, c.op) || in(check.ring_ops, c.op) || in(check.ring_exits, c.op)) return false;
  if (!path_kind(op.kind) || op.dirfd != kNoSlot || op.fd != kNoSlot || op.issue.fixed || op.resolve != 0)
    return false;
  if (!plain_path(op.path)) return false;
  return op.kind != OpKind::kRename || plain_path(op.path2);
}

bool touch(const Op& a, const Op& b) {
  const std::string_view pa[] = {a.path, a.kind == OpKind::kRename ? std::string_view(a.path2) : a.path};
  const std::string_view pb[] = {b.path, b.kind == OpKind::kRename ? std::string_view(b.path2) : b.path};
  for (std::string_view p : pa)
    for (std::string_view q : pb)
      if (paths_touch(p, q)) return true;
  return false;
}

// Whether the run can make a name that is not a directory walk's plain step: a symlink,
// a hard link, a FIFO or device node.
bool run_allows(const CheckInput& input) {
  return std::none_of(input.ops.begin(), input.ops.end(), [](const CheckOp& c) {
    const OpKind k = c.op->kind;
    return k == OpKind::kSymlink || k == OpKind::kLink || k == OpKind::kMknod;
  });
}

}  // namespace

bool paths_touch(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  return b.substr(0, a.size()) == a && (b.size() == a.size() || b[a.size()] == '/');
}

std::vector<bool> lone_ops(const LookupCheck& check) {
  const CheckInput& input = check.input;
  std::vector<bool> lone(input.ops.size(), false);
  if (!run_allows(input)) return lone;
  std::vector<bool> plain(input.ops.size());  // by_paths(), once per op
  for (size_t i = 0; i < input.ops.size(); ++i) {
    const CheckOp& c = input.ops[i];
    plain[i] = by_paths(check, c);
    lone[i] = !c.hung && plain[i];
  }
  // Each op against every op overlapping it: those in flight at its call and those called
  // before its return (marks are in real-time order).
  std::vector<uint32_t> in_flight;
  for (const Mark& m : input.marks) {
    if (m.is_return) {
      in_flight.erase(std::find(in_flight.begin(), in_flight.end(), m.op));
      continue;
    }
    const CheckOp& c = input.ops[m.op];
    const bool mine_by_paths = !c.hung && plain[m.op];
    for (uint32_t other : in_flight) {
      const CheckOp& o = input.ops[other];
      const bool both = mine_by_paths && plain[other];
      const model::KernelId kid = check.seen[m.op].kid;
      const bool same_object = kid != model::kNoKernelId && check.seen[other].kid == kid;
      if (!both || same_object || touch(*c.op, *o.op)) lone[m.op] = lone[other] = false;
    }
    in_flight.push_back(m.op);
  }
  return lone;
}

}  // namespace nfz::oracles::lin
