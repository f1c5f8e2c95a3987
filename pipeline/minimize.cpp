#include "pipeline/minimize.hpp"

#include <algorithm>
#include <bit>
#include <set>

#include "exec/clock.hpp"

namespace nfz::pipeline {
namespace {

struct Ctx {
  const Predicate& fails;
  int64_t deadline_ns;
  MinimizeStats& stats;
  uint64_t* pass_accepted = nullptr;

  bool out_of_time() const { return monotonic_ns() >= deadline_ns; }
  // Keeps `candidate` in `p` when it still fails.
  bool attempt(Program& p, Program&& candidate) {
    if (out_of_time()) {
      stats.budget_spent = true;
      return false;
    }
    if (candidate.op_count() == 0) return false;
    ++stats.candidates;
    if (!fails(candidate)) return false;
    p = std::move(candidate);
    ++stats.accepted;
    ++*pass_accepted;
    return true;
  }
};

// List 0 is setup, list t + 1 thread t.
size_t list_count(const Program& p) { return p.threads.size() + 1; }
std::vector<Op>& list(Program& p, size_t l) { return l == 0 ? p.setup : p.threads[l - 1]; }

// Drops one element of a list of the program (its threads, its FUSE faults) at a time.
template <typename T>
bool drop_each(Program& p, Ctx& ctx, std::vector<T> Program::*member) {
  bool changed = false;
  for (size_t i = (p.*member).size(); i-- > 0;) {
    Program c = p;
    (c.*member).erase((c.*member).begin() + static_cast<long>(i));
    changed |= ctx.attempt(p, std::move(c));
  }
  return changed;
}

// ddmin over each list: runs of n/2, n/4, ..., 1 ops (the last size is single-op removal).
bool drop_op_runs(Program& p, Ctx& ctx) {
  bool changed = false;
  for (size_t l = 0; l < list_count(p); ++l) {
    for (size_t size = std::max<size_t>(list(p, l).size() / 2, 1);; size /= 2) {
      for (size_t start = 0; start < list(p, l).size() && !ctx.out_of_time();) {
        Program c = p;
        auto& ops = list(c, l);
        ops.erase(ops.begin() + static_cast<long>(start),
                  ops.begin() + static_cast<long>(std::min(start + size, ops.size())));
        if (ctx.attempt(p, std::move(c))) changed = true;
        else start += size;
      }
      if (size <= 1) break;
    }
  }
  return changed;
}

// Tries each simpler variant `simpler(op)` proposes for every op of the program, one at a
// time; a variant the language refuses (validate_op) is not tried.
template <typename Variants>
bool simplify_each_op(Program& p, Ctx& ctx, Variants simpler) {
  bool changed = false;
  for (size_t l = 0; l < list_count(p); ++l)
    for (size_t i = 0; i < list(p, l).size(); ++i)
      for (const Op& v : simpler(list(p, l)[i])) {
        if (!validate_op(v).empty()) continue;
        Program c = p;
        list(c, l)[i] = v;
        changed |= ctx.attempt(p, std::move(c));
      }
  return changed;
}

// uring-async -> uring -> syscall, chains cut, fixed slots -> plain fds.
std::vector<Op> simpler_issue(const Op& op) {
  std::vector<Op> out;
  if (is_harness_action(op.kind)) return out;
  if (op.issue.via == Via::kUringAsync) out.push_back(op), out.back().issue.via = Via::kUring;
  if (op.issue.via != Via::kSyscall) {
    out.push_back(op);
    out.back().issue = Issue{};
  }
  if (op.issue.link) out.push_back(op), out.back().issue.link = false;
  if (op.issue.fixed) out.push_back(op), out.back().issue.fixed = false;
  return out;
}

// One bit fewer of the open, rename or statx flags or of RESOLVE; openat2 with no RESOLVE
// bit as openat; AT_FDCWD for a register dirfd; no register kept.
std::vector<Op> simpler_flags(const Op& op) {
  std::vector<Op> out;
  const uint32_t keep_acc = op.kind == OpKind::kOpen ? static_cast<uint32_t>(O_ACCMODE) : 0;
  for (uint32_t bits = op.flags & ~keep_acc; bits; bits &= bits - 1) {
    out.push_back(op);
    out.back().flags &= ~(bits & -bits);
  }
  if (op.kind != OpKind::kOpen) return out;
  if (op.flags & O_ACCMODE) out.push_back(op), out.back().flags &= ~static_cast<uint32_t>(O_ACCMODE);
  for (uint32_t bits = op.resolve; bits; bits &= bits - 1) {
    out.push_back(op);
    out.back().resolve &= ~(bits & -bits);
  }
  if (op.openat2 && op.resolve == 0) out.push_back(op), out.back().openat2 = false;
  if (op.dirfd != kNoSlot) out.push_back(op), out.back().dirfd = kNoSlot;
  if (op.fd != kNoSlot && !op.issue.fixed) out.push_back(op), out.back().fd = kNoSlot;
  return out;
}

std::vector<std::string> components(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& parts) {
  std::string s;
  for (size_t i = 0; i < parts.size(); ++i) s += (i ? "/" : "") + parts[i];
  return s;
}

template <typename Fn>
void for_each_path(Program& p, Fn fn) {
  for (size_t l = 0; l < list_count(p); ++l)
    for (Op& op : list(p, l)) {
      if (has_path(op.kind)) fn(op.path);
      if (has_second_path(op.kind)) fn(op.path2);
    }
}

// Names towards short ones: every use of a component name at once becomes the shortest
// name no path uses yet ("a", "b", ..., "aa", ...).
bool shorten_names(Program& p, Ctx& ctx) {
  std::set<std::string> names;
  for_each_path(p, [&](std::string& path) {
    for (auto& c : components(path))
      if (!c.empty() && c != "." && c != "..") names.insert(c);
  });
  auto unused = [&names](size_t below) {  // "a".."z", then "aa".."zz"
    for (int n = 0; n < 26 + 26 * 26; ++n) {
      std::string s = n < 26 ? std::string(1, char('a' + n)) : std::string{char('a' + (n - 26) / 26), char('a' + (n - 26) % 26)};
      if (s.size() >= below) break;
      if (!names.count(s)) return s;
    }
    return std::string();
  };
  bool changed = false;
  for (const std::string& name : std::vector<std::string>(names.begin(), names.end())) {
    std::string to = unused(name.size());
    if (to.empty()) continue;
    Program c = p;
    for_each_path(c, [&](std::string& path) {
      auto parts = components(path);
      for (auto& part : parts)
        if (part == name) part = to;
      path = join(parts);
    });
    if (ctx.attempt(p, std::move(c))) names.erase(name), names.insert(to), changed = true;
  }
  return changed;
}

std::string& path_of(Op& op, int which) { return which == 0 ? op.path : op.path2; }

// Calls `shorter(parts)` for each path of each op (as components); each path it returns
// (one at a time, until one is kept) is tried in place of the op's.
template <typename Shorter>
bool shorten_each_path(Program& p, Ctx& ctx, Shorter shorter) {
  bool changed = false;
  for (size_t l = 0; l < list_count(p); ++l)
    for (size_t i = 0; i < list(p, l).size(); ++i)
      for (int which = 0; which < 2; ++which) {
        const Op& op = list(p, l)[i];
        if (which == 0 ? !has_path(op.kind) : !has_second_path(op.kind)) continue;
        for (const std::string& path : shorter(components(which == 0 ? op.path : op.path2))) {
          Program c = p;
          path_of(list(c, l)[i], which) = path;
          if (!validate_op(list(c, l)[i]).empty()) continue;
          if (ctx.attempt(p, std::move(c))) {
            changed = true;
            break;
          }
        }
      }
  return changed;
}

// One path component fewer, in one path (a leading '/' is a component of its own, "").
std::vector<std::string> without_one_component(const std::vector<std::string>& parts) {
  std::vector<std::string> out;
  for (size_t k = parts.size(); parts.size() > 1 && k-- > 0;) {
    auto fewer = parts;
    fewer.erase(fewer.begin() + static_cast<long>(k));
    if (std::string path = join(fewer); !path.empty()) out.push_back(path);
  }
  return out;
}

// "x/.." pairs folded away ("a/b/../b/f" -> "a/b/f"), one pair at a time.
std::vector<std::string> without_dotdot(const std::vector<std::string>& parts) {
  std::vector<std::string> out;
  for (size_t k = 1; k < parts.size(); ++k) {
    if (parts[k] != ".." || parts[k - 1] == ".." || parts[k - 1].empty()) continue;
    auto folded = parts;
    folded.erase(folded.begin() + static_cast<long>(k - 1), folded.begin() + static_cast<long>(k + 1));
    out.push_back(folded.empty() ? "." : join(folded));
  }
  return out;
}

// A directory level fewer everywhere: every use of one component name is removed from
// every path at once (mkdir("a/b") then open("a/b/f") become mkdir("a"), open("a/f")); an
// op whose path becomes empty goes.
bool drop_levels(Program& p, Ctx& ctx) {
  std::set<std::string> names;
  for_each_path(p, [&](std::string& path) {
    for (auto& c : components(path))
      if (!c.empty()) names.insert(c);
  });
  bool changed = false;
  for (const std::string& name : names) {
    Program c = p;
    bool emptied = false;
    for_each_path(c, [&](std::string& path) {
      auto parts = components(path);
      std::erase(parts, name);
      path = join(parts);
      emptied |= path.empty();
    });
    for (size_t l = 0; emptied && l < list_count(c); ++l)
      std::erase_if(list(c, l), [](const Op& op) {
        return (has_path(op.kind) && op.path.empty()) || (has_second_path(op.kind) && op.path2.empty());
      });
    changed |= ctx.attempt(p, std::move(c));
  }
  return changed;
}

struct Pass {
  std::string_view name;
  bool (*run)(Program&, Ctx&);
};

// Coarse to fine, as syzkaller's minimizer goes from calls to arguments.
constexpr Pass kPasses[] = {
    {"threads", [](Program& p, Ctx& c) { return drop_each(p, c, &Program::threads); }},
    {"ops", drop_op_runs},
    {"fuse faults", [](Program& p, Ctx& c) { return drop_each(p, c, &Program::faults); }},
    {"issue modes", [](Program& p, Ctx& c) { return simplify_each_op(p, c, simpler_issue); }},
    {"flags", [](Program& p, Ctx& c) { return simplify_each_op(p, c, simpler_flags); }},
    {"directory levels", drop_levels},
    {"path components", [](Program& p, Ctx& c) { return shorten_each_path(p, c, without_one_component); }},
    {"dot-dot", [](Program& p, Ctx& c) { return shorten_each_path(p, c, without_dotdot); }},
    {"names", shorten_names},
};

}  // namespace

std::vector<std::string> minimize_pass_names() {
  std::vector<std::string> out;
  for (const Pass& p : kPasses) out.emplace_back(p.name);
  return out;
}

Program minimize(Program program, const Predicate& fails, double budget_s, MinimizeStats& stats) {
  const int64_t start = monotonic_ns();
  stats = MinimizeStats{};
  stats.ops_before = program.op_count();
  for (const Pass& p : kPasses) stats.by_pass.emplace_back(std::string(p.name), 0);
  Ctx ctx{fails, start + static_cast<int64_t>(budget_s * 1e9), stats};
  bool changed = true;
  while (changed && !ctx.out_of_time()) {
    changed = false;
    for (size_t i = 0; i < std::size(kPasses); ++i) {
      ctx.pass_accepted = &stats.by_pass[i].second;
      changed |= kPasses[i].run(program, ctx);
    }
  }
  if (changed) stats.budget_spent = true;  // the last round changed something: not a local minimum yet
  stats.ops_after = program.op_count();
  stats.seconds = (monotonic_ns() - start) / 1e9;
  return program;
}

}  // namespace nfz::pipeline
