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
#include "oracles/linearizability/checker.hpp"

namespace nfz::oracles::lin {

struct GenShape {
  int threads = 8;
  size_t ops = 100'000;
  int names = 16;
  bool renames = true;
  bool reads = true;             // false: only ops that may change the namespace
  int64_t max_duration_ns = 10;  // an op lasts 1..max_duration_ns
  int64_t max_gap_ns = 6;        // a thread idles 0..max_gap_ns between ops
  uint64_t seed = 1;
};

// One op on names n0..n<names-1> at the root: creates, opens, unlinks, renames, statx,
// mkdir and rmdir, the mix a namespace stress run issues.
inline Op random_namespace_op(std::mt19937_64& rng, const GenShape& shape) {
  auto name = [&] { return "n" + std::to_string(rng() % shape.names); };
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
  return op;
}

template <Model M>
History generate_history(const M& model, const GenShape& shape) {
  std::mt19937_64 rng(shape.seed);
  History h;
  h.target = "generated";
  h.ops.resize(shape.threads + 1);
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
  for (size_t i : order) {
    Event& e = planned[i].event;
    out.clear();
    model.step(state, h.op_of(e), out);
    auto& t = out[rng() % out.size()];
    e.result = t.result;
    state = std::move(t.next);
  }
  for (auto& p : planned) h.events.push_back(p.event);
  return h;
}

}  // namespace nfz::oracles::lin
