#include "stress/program_source.hpp"

#include <rapidcheck.h>
#include <rapidcheck/Random.h>

#include "core/generate.hpp"

namespace nfz::stress {
namespace {

struct KindName {
  std::string_view name;
  OpKind kind;
};
constexpr KindName kKindNames[] = {
    {"open", OpKind::kOpen},       {"close", OpKind::kClose},       {"mkdir", OpKind::kMkdir},
    {"rmdir", OpKind::kRmdir},     {"unlink", OpKind::kUnlink},     {"rename", OpKind::kRename},
    {"symlink", OpKind::kSymlink}, {"link", OpKind::kLink},         {"mknod", OpKind::kMknod},
    {"statx", OpKind::kStatx},     {"drop_caches", OpKind::kDropCaches}, {"revalidate", OpKind::kRevalidate},
    {"sleep", OpKind::kSleep}};

uint32_t& weight(OpMix& mix, OpKind kind) { return mix.weight[static_cast<size_t>(kind)]; }

}  // namespace

OpMix default_op_mix() {
  OpMix m;
  weight(m, OpKind::kOpen) = 40;
  weight(m, OpKind::kClose) = 15;
  weight(m, OpKind::kMkdir) = 20;
  weight(m, OpKind::kRmdir) = 10;
  weight(m, OpKind::kUnlink) = 15;
  weight(m, OpKind::kRename) = 15;
  weight(m, OpKind::kSymlink) = 10;
  weight(m, OpKind::kLink) = 10;
  weight(m, OpKind::kMknod) = 4;
  weight(m, OpKind::kStatx) = 10;
  weight(m, OpKind::kDropCaches) = 0;  // global and slow: the loop's cache pressure does it (stress/cache_pressure.hpp)
  weight(m, OpKind::kSleep) = 1;
  weight(m, OpKind::kRevalidate) = 1;  // the FUSE observer's invalidations; a no-op elsewhere
  return m;
}

std::optional<OpMix> parse_op_mix(std::string_view text, std::string& why) {
  OpMix mix = default_op_mix();
  if (text.empty() || text == "default") return mix;
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    auto eq = item.find('=');
    if (eq == std::string_view::npos) return why = "expected KIND=WEIGHT, got '" + std::string(item) + "'", std::nullopt;
    std::string_view name = item.substr(0, eq), value = item.substr(eq + 1);
    const KindName* found = nullptr;
    for (const auto& k : kKindNames)
      if (k.name == name) found = &k;
    if (!found) return why = "unknown op kind '" + std::string(name) + "'", std::nullopt;
    uint32_t w = 0;
    if (value.empty() || value.size() > 6) return why = "bad weight '" + std::string(value) + "'", std::nullopt;
    for (char c : value) {
      if (c < '0' || c > '9') return why = "bad weight '" + std::string(value) + "'", std::nullopt;
      w = w * 10 + static_cast<uint32_t>(c - '0');
    }
    weight(mix, found->kind) = w;
  }
  uint32_t total = 0;
  for (auto w : mix.weight) total += w;
  if (total == 0) return why = "every weight is 0", std::nullopt;
  return mix;
}

std::string format_op_mix(const OpMix& mix) {
  std::string s;
  for (const auto& k : kKindNames) {
    uint32_t w = mix.weight[static_cast<size_t>(k.kind)];
    if (!w) continue;
    if (!s.empty()) s += ',';
    s += std::string(k.name) + "=" + std::to_string(w);
  }
  return s;
}

Program ProgramSource::make(uint64_t n) const {
  // rapidcheck's weightedElement takes only a literal list: draw a point in the total.
  std::vector<std::pair<uint32_t, OpKind>> weighted;
  uint32_t total = 0;
  for (const auto& k : kKindNames)
    if (uint32_t w = mix_.weight[static_cast<size_t>(k.kind)]) weighted.emplace_back(total += w, k.kind);
  auto op = rc::gen::mapcat(rc::gen::inRange<uint32_t>(0, total), [weighted](uint32_t x) {
    for (const auto& [upto, kind] : weighted)
      if (x < upto) return gen::op_of_kind(kind);
    return gen::op_of_kind(weighted.back().second);
  });
  int threads = threads_, max_ops = max_ops_;
  auto program = rc::gen::exec([=] {
    Program p;
    int setup = *rc::gen::inRange(0, max_ops + 1);
    p.setup = *rc::gen::container<std::vector<Op>>(static_cast<size_t>(setup), op);
    for (int t = 0; t < threads; ++t) {
      int count = *rc::gen::inRange(std::max(1, max_ops / 2), max_ops + 1);
      p.threads.push_back(*rc::gen::container<std::vector<Op>>(static_cast<size_t>(count), op));
    }
    return p;
  });
  rc::Random random(seed_ * 0x9e3779b97f4a7c15ull + n);
  if (nonblock_every_ > 0 && n % static_cast<uint64_t>(nonblock_every_) == 0)
    return gen::nonblock_program(threads)(random, max_ops).value();
  return program(random, 100).value();
}

}  // namespace nfz::stress
