#include "exec/target.hpp"

namespace nfz {

std::optional<TargetSpec> parse_target(std::string_view name) {
  struct Named {
    std::string_view name;
    TargetKind kind;
  };
  static constexpr Named kNamed[] = {{"tmpfs", TargetKind::kTmpfs}, {"ext4", TargetKind::kExt4},
                                     {"xfs", TargetKind::kXfs},     {"btrfs", TargetKind::kBtrfs},
                                     {"overlay", TargetKind::kOverlay}};
  for (const auto& n : kNamed)
    if (n.name == name) return TargetSpec{n.kind, std::string(name), {}};
  if (name.starts_with("dir:") && name.size() > 4 && name[4] == '/')
    return TargetSpec{TargetKind::kDir, std::string(name), std::string(name.substr(4))};
  return std::nullopt;
}

}  // namespace nfz
