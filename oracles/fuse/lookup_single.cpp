// lookup.single: d_alloc_parallel() lets one lookup of a (parent, name) run at a time,
// and the directory's i_rwsem (exclusive for create, link, unlink, rename; shared for
// lookup_slow) keeps changes of a name apart from lookups of it. So in strict mode
// (infinite timeouts: every LOOKUP is a first lookup of an in-lookup dentry) no two
// requests naming the same (parent, name) are in flight at once.
//
// Legal exceptions, measured on 6.18 (docs/ORACLES.md): revalidation LOOKUPs come from
// lookup_fast() -> d_revalidate() with no lock, so in churn mode (zero timeouts) and in
// the LOOKUP_REVAL retry after an ESTALE, LOOKUPs may overlap anything; there only pairs
// without a LOOKUP are checked.
#include <algorithm>
#include <cerrno>
#include <map>
#include <tuple>

#include "oracles/fuse/fuse_oracles.hpp"

namespace nfz::oracles {
namespace {

using NameKey = std::pair<uint64_t, std::string>;

bool names_an_entry(FuseOp op) {
  switch (op) {
    case FuseOp::kLookup: case FuseOp::kCreate: case FuseOp::kMknod: case FuseOp::kMkdir:
    case FuseOp::kSymlink: case FuseOp::kLink: case FuseOp::kRename: case FuseOp::kUnlink:
    case FuseOp::kRmdir:
      return true;
    default:
      return false;
  }
}

// The (parent, name) keys a request names: LINK names only its new entry.
void keys_of(const FuseRequest& r, std::vector<NameKey>& out) {
  out.clear();
  if (r.op == FuseOp::kLink) {
    out.emplace_back(r.parent2, r.name2);
    return;
  }
  out.emplace_back(r.parent, r.name);
  if (r.op == FuseOp::kRename) out.emplace_back(r.parent2, r.name2);
}

struct EstaleWindow {
  int32_t tid;
  int64_t begin, end;
};

std::vector<EstaleWindow> estale_windows(const FuseTrace& trace) {
  std::vector<EstaleWindow> windows;
  for (const auto& r : trace.requests)
    if (r.error == ESTALE) windows.push_back({r.tid, r.reply_ns, r.reply_ns + kEstaleRetryWindowNs});
  return windows;
}

bool in_retry(const FuseRequest& r, const std::vector<EstaleWindow>& windows) {
  return std::any_of(windows.begin(), windows.end(), [&r](const EstaleWindow& w) {
    return w.tid == r.tid && r.recv_ns >= w.begin && r.recv_ns <= w.end;
  });
}

std::string describe(const FuseRequest& r) {
  return std::string(fuse_op_name(r.op)) + "(" + std::to_string(r.parent) + ", \"" + r.name + "\") tid " +
         std::to_string(r.tid) + " [" + std::to_string(r.recv_ns) + ", " + std::to_string(r.reply_ns) + "]";
}

}  // namespace

OracleResult check_lookup_single(const FuseTrace& trace) {
  OracleResult result;
  std::map<NameKey, std::vector<const FuseRequest*>> by_name;
  std::vector<NameKey> keys;
  for (const auto& r : trace.requests) {
    if (!names_an_entry(r.op)) continue;
    keys_of(r, keys);
    for (auto& k : keys) by_name[k].push_back(&r);
    ++result.checks;
  }
  const auto windows = estale_windows(trace);
  for (auto& [key, reqs] : by_name) {
    std::sort(reqs.begin(), reqs.end(), [](auto* a, auto* b) { return a->recv_ns < b->recv_ns; });
    for (size_t i = 0; i < reqs.size(); ++i) {
      for (size_t j = i + 1; j < reqs.size() && reqs[j]->recv_ns < reqs[i]->reply_ns; ++j) {
        const FuseRequest& a = *reqs[i];
        const FuseRequest& b = *reqs[j];
        if (&a == &b || !a.overlaps(b)) continue;
        bool has_lookup = a.op == FuseOp::kLookup || b.op == FuseOp::kLookup;
        bool relaxed = trace.caching == FuseCaching::kChurn || in_retry(a, windows) || in_retry(b, windows);
        if (has_lookup && relaxed) continue;
        auto [first, second] = std::minmax(fuse_op_name(a.op), fuse_op_name(b.op));
        result.violations.push_back(
            {"lookup.single: " + std::string(first) + " and " + std::string(second) + " of one name in flight at once",
             describe(a) + " overlaps " + describe(b)});
      }
    }
  }
  return result;
}

}  // namespace nfz::oracles
