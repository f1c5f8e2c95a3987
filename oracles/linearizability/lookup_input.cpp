// The lookup check's input beside the history's ops (lookup_input.hpp): ring slots, the
// ring's exit, io_uring chain outcomes, identities, and which profile a target takes.
#include "oracles/linearizability/lookup_input.hpp"

#include <linux/magic.h>
#include <sys/vfs.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <map>

#include "core/text.hpp"
#include "model/lookup/profile.hpp"
#include "oracles/linearizability/report.hpp"
#include "oracles/linearizability/uring_chains.hpp"

namespace nfz::oracles::lin {

using model::Profile;

static LookupCheck::RingTable& ring_table(LookupCheck& out, int thread) {
  for (LookupCheck::RingTable& t : out.ring_tables)
    if (t.thread == thread) return t;
  out.ring_tables.push_back({thread, {}});
  return out.ring_tables.back();
}

// Numbers the slots of every ring apart in the model's one table (model::fixed_slot()):
// setup ran on a ring of its own, then each thread on its own or all on one shared ring
// (History::shared_ring). A slot keeps its number where no other ring took it. Returns ""
// or why the model's table cannot hold them all.
std::string number_ring_slots(const History& history, LookupCheck& out) {
  out.ring_ops.clear();
  out.ring_tables.clear();
  size_t fixed_ops = 0;
  for (const CheckOp& c : out.input.ops) fixed_ops += c.op->issue.fixed && c.op->fd != kNoSlot;
  if (fixed_ops == 0) return "";
  out.ring_ops.reserve(fixed_ops);  // no reallocation: the CheckOps point into it
  std::map<std::pair<int, int>, int> slot_of;  // (ring, slot) -> model slot
  std::array<bool, kSlotCount> taken{};
  for (CheckOp& c : out.input.ops) {
    if (!c.op->issue.fixed || c.op->fd == kNoSlot) continue;
    const int ring = c.thread == kSetupThread ? -2 : history.shared_ring ? -1 : c.thread;
    auto [it, added] = slot_of.try_emplace({ring, c.op->fd}, c.op->fd);
    if (added && taken[c.op->fd]) {
      it->second = static_cast<int>(std::find(taken.begin(), taken.end(), false) - taken.begin());
      if (it->second == kSlotCount)
        return "the rings use more than " + std::to_string(kSlotCount) + " fixed-file slots together, more than the model's table";
    }
    taken[it->second] = true;
    if (added && ring != -1) ring_table(out, c.thread).slots.push_back(it->second);
    out.ring_ops.push_back(*c.op);
    out.ring_ops.back().arg = static_cast<uint32_t>(it->second + 1);
    c.op = &out.ring_ops.back();
  }
  return "";
}

// Adds, for setup's ring and each thread's with fixed slots, the op that lets their files
// go: in flight from the return of the ring's thread's last op on and never returning,
// so the search may place it anywhere after that. The executor's pooled workers clear a
// ring's table when their thread's ops are done (WorkerPool::serve(): clear_fixed()), and
// io_uring puts the files once their last request drops its reference; a ring of its own
// goes when the run ends, which the search may take as later still. A thread whose last
// op never returned never lets go. The shared ring is cleared after the program: never.
void add_ring_exits(LookupCheck& out) {
  out.ring_exits.assign(out.ring_tables.size(), Op{});  // no reallocation: the CheckOps point into it
  for (size_t k = 0; k < out.ring_tables.size(); ++k) {
    const int thread = out.ring_tables[k].thread;
    std::vector<Mark>& marks = out.input.marks;
    auto after = std::find_if(marks.rbegin(), marks.rend(), [&](const Mark& m) { return out.input.ops[m.op].thread == thread; });
    if (after == marks.rend() || !after->is_return) continue;
    out.ring_exits[k].kind = OpKind::kClose;
    CheckOp c;
    c.thread = thread;
    c.index = kRingExitIndex;
    c.op = &out.ring_exits[k];
    c.hung = true;
    const auto id = static_cast<uint32_t>(out.input.ops.size());
    out.input.ops.push_back(c);
    marks.insert(after.base(), Mark{id, false});
  }
}

// Interns the kernel inodes the ops reported (KernelIds numbers them by first report).
void learn_identities(const History& history, LookupCheck& out) {
  out.seen.clear();
  out.seen.reserve(out.input.ops.size());
  for (size_t i = 0; i < out.input.ops.size(); ++i) {
    const CheckOp& c = out.input.ops[i];
    out.seen.push_back({out.kernel_ids.intern(c.dev, c.ino, i), c.type, c.nlink});
  }
  out.nlink_rule = model::nlink_rule(out.profile, history.target.starts_with("fuse:"));
}

// Marks the mkdirs, renames and unlinks a statx overlaps in real time (called before the
// other returned): only a statx reads a count, so elsewhere the two steps of a mkdir (the
// count, the name), a rename (->rename()'s counts, d_move()'s names), an unlink
// (->unlink()'s count, d_delete()'s name) or a link (->link()'s count, its new name) are one.
void mark_counts_beside_statx(LookupCheck& out) {
  const std::vector<CheckOp>& ops = out.input.ops;
  out.counts_apart.assign(ops.size(), false);
  const bool mkdir_apart = model::mkdir_order(out.profile) != model::MkdirOrder::kAtOnce;
  const bool rename_apart = out.nlink_rule.dirs || out.nlink_rule.files;
  auto counted = [&](OpKind kind) {
    return (kind == OpKind::kMkdir && mkdir_apart) || (kind == OpKind::kRename && rename_apart) ||
           ((kind == OpKind::kUnlink || kind == OpKind::kLink) && out.nlink_rule.files);
  };
  std::vector<uint32_t> changes, statxes;  // in flight at the current mark
  for (const Mark& m : out.input.marks) {
    const OpKind kind = ops[m.op].op->kind;
    if (!counted(kind) && kind != OpKind::kStatx) continue;
    std::vector<uint32_t>& mine = kind == OpKind::kStatx ? statxes : changes;
    if (m.is_return) {
      mine.erase(std::find(mine.begin(), mine.end(), m.op));
      continue;
    }
    if (kind != OpKind::kStatx && !statxes.empty()) out.counts_apart[m.op] = true;
    if (kind == OpKind::kStatx)
      for (uint32_t k : changes) out.counts_apart[k] = true;
    mine.push_back(m.op);
  }
}

// Marks the fd-relative opens another thread's op lets the dirfd's register go beside (a
// close of it, an open into it): the open reads the fd when its walk starts, so the model
// takes that read as a step of its own (LookupModel::open_start()). An absolute path
// reads no dirfd but under RESOLVE_IN_ROOT.
void mark_opens_beside_fd_releases(LookupCheck& out) {
  const std::vector<CheckOp>& ops = out.input.ops;
  out.fd_apart.assign(ops.size(), false);
  for (uint32_t i = 0; i < ops.size(); ++i) {
    const CheckOp& c = ops[i];
    const Op& op = *c.op;
    if (op.kind != OpKind::kOpen || op.dirfd == kNoSlot || op.path.empty()) continue;
    if (op.path[0] == '/' && !(op.resolve & RESOLVE_IN_ROOT)) continue;
    out.fd_apart[i] = released_beside(out.input, c, op.dirfd);
  }
}

// Points the CheckOps of the chain ops at copies with their fixed outcome. Returns "" or,
// for an op through a stale register that changes the namespace, or through an fd number
// another thread freed and may have reopened, why the model cannot judge the history.
std::string apply_chain_marks(const History& history, LookupCheck& out) {
  const ChainMarks marks = mark_chain_ops(history, out.input);
  out.cancelled = marks.cancelled;
  out.stale_reads = marks.stale_reads;
  out.chain_ops.clear();
  out.chain_results.clear();
  out.chain_ops.reserve(marks.ops.size());  // no reallocation: the CheckOps point into it
  for (const ChainOp& m : marks.ops) {
    CheckOp& c = out.input.ops[m.check_op];
    out.chain_ops.push_back(*c.op);
    out.chain_results.push_back(m.role == ChainRole::kCancelled ? -ECANCELED : c.result);
    c.op = &out.chain_ops.back();
  }
  if (!marks.beyond.empty()) {
    const CheckOp& c = out.input.ops[marks.beyond.front()];
    return op_label(c) + " " + print_op(*c.op) +
           " goes through a register an earlier op of its io_uring chain sets: it uses the file from before "
           "the chain, which the model cannot follow";
  }
  if (marks.reused.empty()) return "";
  const CheckOp& c = out.input.ops[marks.reused.front()];
  return op_label(c) + " " + print_op(*c.op) +
         " changed something through an fd number another thread freed while it was in flight, and an open "
         "of another thread may have taken the number: which file it reached the model cannot follow";
}

namespace {

std::optional<Profile> profile_of_directory(const std::string& path) {

  struct statfs st{};
  if (::statfs(path.c_str(), &st) != 0) return std::nullopt;
  switch (static_cast<unsigned long>(st.f_type)) {
    case TMPFS_MAGIC: return Profile::kTmpfs;
    case EXT4_SUPER_MAGIC: return Profile::kExt4;
    case XFS_SUPER_MAGIC: return Profile::kXfs;
    case BTRFS_SUPER_MAGIC: return Profile::kBtrfs;
    case OVERLAYFS_SUPER_MAGIC: return Profile::kOverlay;
    default: return std::nullopt;
  }
}

}  // namespace

std::string known_profiles_text() {
  std::string s;
  for (const auto& p : lookup_profiles()) s += (s.empty() ? "" : ", ") + p;
  return s;
}

std::vector<std::string> lookup_profiles() {
  std::vector<std::string> names;
  for (int p = 0; p < model::kProfileCount; ++p) names.emplace_back(model::profile_name(static_cast<Profile>(p)));
  return names;
}

// fuse:* is checked with the fuse profile (the observer's answers; its dcache freedoms are
// ext4's: a positive dentry may be evicted and a negative one may stay cached, which is
// what the strict and churn personalities give). dir:PATH is whatever holds PATH; ext4's
// freedoms when that is none of the five filesystems.
std::optional<Profile> profile_for_target(std::string_view target) {
  if (auto p = model::profile_by_name(target)) return p;
  if (target.starts_with("fuse:")) return Profile::kFuse;
  if (target.starts_with("dir:")) return profile_of_directory(std::string(target.substr(4))).value_or(Profile::kExt4);
  return std::nullopt;
}

}  // namespace nfz::oracles::lin
