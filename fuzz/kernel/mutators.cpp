#include "fuzz/kernel/mutators.hpp"

#include <algorithm>

#include <rapidcheck.h>
#include <rapidcheck/Random.h>

#include "core/alphabet.hpp"
#include "core/decode.hpp"
#include "core/generate.hpp"

namespace nfz::fuzz {
namespace {

size_t below(Rng& rng, size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); }

// Setup is list 0, thread t is list t + 1.
std::vector<Op>& list(Program& p, size_t i) { return i == 0 ? p.setup : p.threads[i - 1]; }
size_t lists(const Program& p) { return p.threads.size() + 1; }

struct OpRef {
  size_t list, index;
};

// A uniformly chosen op satisfying `pred`, or none.
template <typename Pred>
std::optional<OpRef> pick_op(Program& p, Rng& rng, Pred pred) {
  std::vector<OpRef> found;
  for (size_t l = 0; l < lists(p); ++l)
    for (size_t i = 0; i < list(p, l).size(); ++i)
      if (pred(list(p, l)[i])) found.push_back({l, i});
  if (found.empty()) return std::nullopt;
  return found[below(rng, found.size())];
}
Op& at(Program& p, OpRef r) { return list(p, r.list)[r.index]; }
auto any_op = [](const Op&) { return true; };

// A fresh op from the generators the stress loop uses (valid open flags mostly).
template <typename T>
T draw(const rc::Gen<T>& gen, Rng& rng) {
  return gen(rc::Random(rng()), 10).value();
}

void insert_at_random(Program& p, Rng& rng, Op op) {
  std::vector<Op>& ops = list(p, below(rng, lists(p)));
  ops.insert(ops.begin() + static_cast<std::ptrdiff_t>(below(rng, ops.size() + 1)), std::move(op));
}

bool insert_op(Program& p, Rng& rng) {
  if (p.op_count() >= kMaxDecodedOps) return false;
  insert_at_random(p, rng, draw(gen::op(), rng));
  return true;
}

bool delete_op(Program& p, Rng& rng) {
  auto r = pick_op(p, rng, any_op);
  if (!r) return false;
  list(p, r->list).erase(list(p, r->list).begin() + static_cast<std::ptrdiff_t>(r->index));
  return true;
}

bool swap_ops(Program& p, Rng& rng) {
  auto a = pick_op(p, rng, any_op), b = pick_op(p, rng, any_op);
  if (!a || !b || (a->list == b->list && a->index == b->index)) return false;
  std::swap(at(p, *a), at(p, *b));
  return true;
}

// To another thread (a new one while there are fewer than the decoder's maximum) or setup.
bool move_op_thread(Program& p, Rng& rng) {
  auto r = pick_op(p, rng, any_op);
  if (!r) return false;
  Op op = std::move(at(p, *r));
  list(p, r->list).erase(list(p, r->list).begin() + static_cast<std::ptrdiff_t>(r->index));
  if (p.threads.size() < static_cast<size_t>(kMaxDecodedThreads) && below(rng, 3) == 0) p.threads.emplace_back();
  size_t to = below(rng, lists(p) - 1);
  if (to >= r->list) ++to;
  std::vector<Op>& dest = list(p, to);
  dest.insert(dest.begin() + static_cast<std::ptrdiff_t>(below(rng, dest.size() + 1)), std::move(op));
  return true;
}

bool is_open(const Op& op) { return op.kind == OpKind::kOpen; }

// One of the open flag bits, or the access mode.
bool flip_open_flag(Program& p, Rng& rng) {
  auto r = pick_op(p, rng, is_open);
  if (!r) return false;
  Op& op = at(p, *r);
  size_t i = below(rng, kOpenFlagBits.size() + 1);
  if (i == kOpenFlagBits.size()) op.flags = (op.flags & ~O_ACCMODE) | ((op.flags & O_ACCMODE) + 1) % 3;
  else op.flags ^= kOpenFlagBits[i];
  return true;
}

// One RESOLVE bit; an openat becomes an openat2 first.
bool flip_resolve_bit(Program& p, Rng& rng) {
  auto r = pick_op(p, rng, is_open);
  if (!r) return false;
  Op& op = at(p, *r);
  if (!op.openat2) op.openat2 = true;
  else op.resolve ^= gen::kResolveBits[below(rng, gen::kResolveBits.size())];
  return true;
}

// One component of one path (or its leading or trailing slash).
bool change_path_component(Program& p, Rng& rng) {
  auto r = pick_op(p, rng, [](const Op& op) { return !op.path.empty(); });
  if (!r) return false;
  Op& op = at(p, *r);
  std::string& path = op.path2.empty() || below(rng, 2) ? op.path : op.path2;
  std::vector<std::string> parts;
  const bool absolute = path.starts_with('/'), trailing = path.size() > 1 && path.ends_with('/');
  std::string_view rest(path);
  if (absolute) rest.remove_prefix(1);
  if (trailing) rest.remove_suffix(1);
  for (size_t slash; (slash = rest.find('/')) != std::string_view::npos; rest.remove_prefix(slash + 1))
    parts.emplace_back(rest.substr(0, slash));
  parts.emplace_back(rest);
  size_t which = below(rng, parts.size() + 2);
  bool lead = absolute, trail = trailing;
  if (which == parts.size()) lead = !lead;
  else if (which == parts.size() + 1) trail = !trail;
  else parts[which] = below(rng, 30) ? std::string(kComponents[below(rng, kComponents.size())]) : kLongComponent;
  path = lead ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) path += (i ? "/" : "") + parts[i];
  if (trail) path += '/';
  return true;
}

// Syscall, io_uring inline or IOSQE_ASYNC, linked to the next op, or a fixed-file slot.
bool change_issue_mode(Program& p, Rng& rng) {
  auto r = pick_op(p, rng, [](const Op& op) { return !is_harness_action(op.kind) && op.kind != OpKind::kMknod; });
  if (!r) return false;
  Issue& issue = at(p, *r).issue;
  switch (below(rng, 3)) {
    case 0: issue.via = static_cast<Via>((static_cast<int>(issue.via) + 1 + below(rng, 2)) % 3); break;
    case 1: issue.link = !issue.link; break;
    default: issue.fixed = !issue.fixed; break;
  }
  if (issue.via == Via::kSyscall) issue.link = issue.fixed = false;
  return true;
}

// drop_caches (dentries, inodes or both) or a FUSE revalidation, between two ops.
bool add_cache_action(Program& p, Rng& rng) {
  if (p.op_count() >= kMaxDecodedOps) return false;
  Op op;
  op.kind = below(rng, 2) ? OpKind::kDropCaches : OpKind::kRevalidate;
  if (op.kind == OpKind::kDropCaches) op.arg = static_cast<uint32_t>(1 + below(rng, 3));
  insert_at_random(p, rng, std::move(op));
  return true;
}

bool add_fuse_fault(Program& p, Rng& rng) {
  FuseFault f = draw(gen::fuse_fault(), rng);
  if (p.faults.size() < 3) p.faults.push_back(f);
  else p.faults[below(rng, p.faults.size())] = f;
  return true;
}

}  // namespace

const std::vector<Mutator>& mutator_table() {
  static const std::vector<Mutator> table = {
      {"insert_op", insert_op},
      {"delete_op", delete_op},
      {"swap_ops", swap_ops},
      {"move_op_thread", move_op_thread},
      {"flip_open_flag", flip_open_flag},
      {"flip_resolve_bit", flip_resolve_bit},
      {"change_path_component", change_path_component},
      {"change_issue_mode", change_issue_mode},
      {"add_cache_action", add_cache_action},
      {"add_fuse_fault", add_fuse_fault},
  };
  return table;
}

Program cross_over(const Program& a, const Program& b, Rng& rng) {
  Program child;
  child.setup = below(rng, 2) ? a.setup : b.setup;
  const size_t threads = std::max(a.threads.size(), b.threads.size());
  for (size_t t = 0; t < threads; ++t) {
    const Program& from = t >= a.threads.size() ? b : t >= b.threads.size() ? a : below(rng, 2) ? a : b;
    if (t < from.threads.size()) child.threads.push_back(from.threads[t]);
  }
  for (const Program* parent : {&a, &b})
    for (const FuseFault& f : parent->faults)
      if (child.faults.size() < 3 && below(rng, 2)) child.faults.push_back(f);
  if (child.threads.empty()) child.threads.emplace_back();
  return child;
}

}  // namespace nfz::fuzz
