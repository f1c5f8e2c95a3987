#include "exec/target.hpp"

#include "exec/fuse/observer_fs.hpp"

namespace nfz {
namespace {

struct Named {
  std::string_view name;
  TargetKind kind;
};
constexpr Named kNamed[] = {{"tmpfs", TargetKind::kTmpfs}, {"ext4", TargetKind::kExt4},
                            {"xfs", TargetKind::kXfs},     {"btrfs", TargetKind::kBtrfs},
                            {"overlay", TargetKind::kOverlay}};
constexpr std::string_view kFusePersonalities[] = {"strict", "churn", "nocreate"};

}  // namespace

std::optional<TargetSpec> parse_target(std::string_view name) {
  for (const auto& n : kNamed)
    if (n.name == name) return TargetSpec{n.kind, std::string(name), {}, {}};
  if (name.starts_with("dir:") && name.size() > 4 && name[4] == '/')
    return TargetSpec{TargetKind::kDir, std::string(name), std::string(name.substr(4)), {}};
  if (name.starts_with("fuse:")) {
    fuse::ObserverOptions unused;
    if (fuse::observer_options_by_name(name.substr(5), unused))
      return TargetSpec{TargetKind::kFuse, std::string(name), {}, std::string(name.substr(5))};
  }
  return std::nullopt;
}

const std::vector<std::string>& target_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& n : kNamed) out.emplace_back(n.name);
    out.emplace_back("dir:PATH");
    for (std::string_view p : kFusePersonalities) out.push_back("fuse:" + std::string(p));
    for (std::string_view p : kFusePersonalities) out.push_back("fuse:" + std::string(p) + "+latency");
    return out;
  }();
  return names;
}

}  // namespace nfz
