// lookup.balance: the kernel holds one lookup reference per entry reply it accepted
// (LOOKUP, CREATE, MKNOD, MKDIR, SYMLINK, LINK answered with a node) and gives them back
// with FORGET / BATCH_FORGET (fuse_evict_inode -> fuse_queue_forget). A FORGET of more
// than the replies so far is a refcount bug; after drop_caches 2 at quiescence every
// node but the root has been forgotten exactly as often as it was handed out. The
// kernel sends no FORGET at unmount, so the count is taken before it.
#include <algorithm>
#include <map>

#include "oracles/fuse/fuse_oracles.hpp"

namespace nfz::oracles {
namespace {

bool is_entry_reply(const FuseRequest& r) {
  switch (r.op) {
    case FuseOp::kLookup: case FuseOp::kCreate: case FuseOp::kMknod: case FuseOp::kMkdir:
    case FuseOp::kSymlink: case FuseOp::kLink:
      return r.error == 0 && r.node != 0;
    default:
      return false;
  }
}

struct Change {
  int64_t at;
  uint64_t node;
  int64_t delta;
};

}  // namespace

OracleResult check_lookup_balance(const FuseTrace& trace, bool quiescent) {
  OracleResult result;
  std::vector<Change> changes;
  for (const auto& r : trace.requests) {
    if (is_entry_reply(r)) changes.push_back({r.reply_ns, r.node, 1});
    if (r.op == FuseOp::kForget) changes.push_back({r.recv_ns, r.node, -static_cast<int64_t>(r.nlookup)});
  }
  // A reply is counted when it was sent, a FORGET when it arrived: at equal times the
  // reply goes first, since the kernel can only forget what it was given.
  std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) {
    return a.at != b.at ? a.at < b.at : a.delta > b.delta;
  });
  std::map<uint64_t, int64_t> held;
  for (const auto& c : changes) {
    if (c.node == kFuseRootId) continue;
    int64_t& n = held[c.node];
    n += c.delta;
    ++result.checks;
    if (n < 0) {
      result.violations.push_back({"lookup.balance: FORGET exceeds entry replies",
                                   "node " + std::to_string(c.node) + " forgotten " + std::to_string(-n) +
                                       " more times than it was handed out"});
      n = 0;
    }
  }
  if (!quiescent) return result;
  for (const auto& [node, n] : held) {
    if (n == 0) continue;
    result.violations.push_back({"lookup.balance: entry replies not forgotten at quiescence",
                                 "node " + std::to_string(node) + " still holds " + std::to_string(n) +
                                     " lookups after drop_caches 2"});
  }
  return result;
}

}  // namespace nfz::oracles
