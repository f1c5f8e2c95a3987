// Linearizable histories by construction, for benchmarks and properties: threads issue ops
// back to back with idle gaps, each op takes effect at a random point inside its interval,
// and the model, stepped in the order of those points, gives each op its outcome (a random
// one of those it allows).
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/history.hpp"
#include "model/lookup/identity.hpp"
#include "oracles/linearizability/checker.hpp"

namespace nfz::oracles::lin {

struct GenShape {
  int threads = 8;
  size_t ops = 100'000;
  int names = 16;
  bool renames = true;
  bool reads = true;             // false: only ops that may change the namespace
  // > 0: names are d<j>/n<i> under `dirs` directories made by setup (so walks have a
  // component before the last, and the lookup model's ops take them as steps), and
  // renames move the directories too.
  int dirs = 0;
  int64_t max_duration_ns = 10;  // an op lasts 1..max_duration_ns
  int64_t max_gap_ns = 6;        // a thread idles 0..max_gap_ns between ops
  uint64_t seed = 1;
};

// One op on names n0..n<names-1> at the root: creates, opens, unlinks, renames, statx,
// mkdir and rmdir, the mix a namespace stress run issues.
inline Op random_namespace_op(std::mt19937_64& rng, const GenShape& shape) {
  auto name = [&] {
    std::string n = "n" + std::to_string(rng() % shape.names);
    return shape.dirs > 0 ? "d" + std::to_string(rng() % shape.dirs) + "/" + n : n;
  };
  Op op;
  op.path = name();
  static constexpr int kWrites[] = {0, 1, 3, 5, 6, 8, 9};
  const int kinds = shape.renames ? 10 : 8;
  int kind = static_cast<int>(rng() % kinds);
  if (!shape.reads) kind = kWrites[rng() % (shape.renames ? 7 : 5)];
  switch (kind) {
    case 0: op.kind = OpKind::kOpen; op.flags = O_RDONLY | O_CREAT; op.mode = 0644; break;
    case 1: op.kind = OpKind::kOpen; op.flags = O_WRONLY | O_CREAT | O_EXCL; op.mode = 0644; break;
    case 2: op.kind = OpKind::kOpen; op.flags = O_RDONLY; break;
    case 3: op.kind = OpKind::kUnlink; break;
    case 4: op.kind = OpKind::kStatx; break;
    case 5: op.kind = OpKind::kMkdir; op.mode = 0755; break;
    case 6: op.kind = OpKind::kRmdir; break;
    case 7: op.kind = OpKind::kOpen; op.flags = O_RDONLY | O_DIRECTORY; break;
    case 8: op.kind = OpKind::kRename; op.path2 = name(); break;
    default: op.kind = OpKind::kRename; op.path2 = name(); op.flags = kRenameNoreplace; break;
  }
  if (op.kind == OpKind::kRename && shape.dirs > 0 && rng() % 8 == 0) {  // a directory moves
    op.path = "d" + std::to_string(rng() % shape.dirs);
    op.path2 = "d" + std::to_string(rng() % shape.dirs);
  }
  return op;
}

// What the kernel would report for a model with object identity (Transition::reached):
// one inode number per node, new when the node is made (the model reuses its numbers, a
// kernel that never reuses one is the strict case), the file type, a statx's nlink.
template <typename State, typename T>
void report_identity(const State& before, const T& t, const Op& op, std::vector<uint64_t>& inos, uint64_t& next_ino,
                     Event& e) {
  if constexpr (requires { t.reached; t.next.nodes; }) {
    inos.resize(t.next.nodes.size(), 0);
    for (size_t n = 0; n < t.next.nodes.size(); ++n) {
      const bool was = n < before.nodes.size() && before.nodes[n].type != model::NodeType::kFree;
      if (t.next.nodes[n].type == model::NodeType::kFree) inos[n] = 0;
      else if (!was || inos[n] == 0) inos[n] = next_ino++;
    }
    if (t.result < 0 || t.reached == model::kNoIno || t.reached >= t.next.nodes.size()) return;
    e.dev = 1;
    e.ino = inos[t.reached];
    e.type = model::file_type_bits(t.next.nodes[t.reached].type);
    if (op.kind == OpKind::kStatx) e.nlink = model::expected_nlink(t.next, t.reached);
  }
}

template <Model M>
History generate_history(const M& model, const GenShape& shape) {
  std::mt19937_64 rng(shape.seed);
  History h;
  h.target = "generated";
  h.ops.resize(shape.threads + 1);
  for (int d = 0; d < shape.dirs; ++d) {
    Op mkdir;
    mkdir.kind = OpKind::kMkdir;
    mkdir.mode = 0755;
    mkdir.path = "d" + std::to_string(d);
    h.ops[0].push_back(mkdir);
  }
  struct Planned {
    Event event;
    int64_t point;
  };
  std::vector<Planned> planned;
  planned.reserve(shape.ops);
  std::vector<int64_t> clock(shape.threads, 0);
  for (size_t i = 0; i < shape.ops; ++i) {
    int t = static_cast<int>(std::min_element(clock.begin(), clock.end()) - clock.begin());
    Event e;
    e.thread = t;
    e.index = static_cast<uint32_t>(h.ops[t + 1].size());
    e.call_ns = clock[t] + static_cast<int64_t>(rng() % (shape.max_gap_ns + 1));
    e.return_ns = e.call_ns + 1 + static_cast<int64_t>(rng() % shape.max_duration_ns);
    clock[t] = e.return_ns + 1;
    h.ops[t + 1].push_back(random_namespace_op(rng, shape));
    int64_t point = e.call_ns + static_cast<int64_t>(rng() % (e.return_ns - e.call_ns + 1));
    planned.push_back({e, point});
  }
  std::vector<size_t> order(planned.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return planned[a].point < planned[b].point; });
  auto state = model.initial();
  std::vector<ModelTransition<M>> out;
  std::vector<uint64_t> inos;
  uint64_t next_ino = 2;
  auto run = [&](const Op& op, Event& e) {
    out.clear();
    model.step(state, op, out);
    auto& t = out[rng() % out.size()];
    e.result = t.result;
    report_identity(state, t, op, inos, next_ino, e);
    state = std::move(t.next);
  };
  for (size_t d = 0; d < h.ops[0].size(); ++d) {
    Event e;
    e.thread = kSetupThread;
    e.index = static_cast<uint32_t>(d);
    e.call_ns = e.return_ns = 0;  // setup runs alone before the threads
    run(h.ops[0][d], e);
    h.events.push_back(e);
  }
  for (size_t i : order) run(h.op_of(planned[i].event), planned[i].event);
  for (auto& p : planned) h.events.push_back(p.event);
  return h;
}

}  // namespace nfz::oracles::lin
