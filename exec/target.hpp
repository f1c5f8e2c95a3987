// The filesystems a program can run on (docs/TARGETS.md), by the name users type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nfz {

enum class TargetKind : uint8_t { kTmpfs, kExt4, kXfs, kBtrfs, kOverlay, kDir, kFuse };

struct TargetSpec {
  TargetKind kind = TargetKind::kTmpfs;
  std::string name;  // as typed: "ext4", "dir:/srv/scratch", "fuse:churn+latency"
  std::string dir;   // kDir: the user's directory
  std::string fuse;  // kFuse: the observer's personality ("strict", "churn+latency", ...)
};

inline constexpr std::string_view kKnownTargets =
    "tmpfs, ext4, xfs, btrfs, overlay, dir:PATH, fuse:strict|churn|nocreate[+latency]";

// A filesystem on a loop image the harness makes (ext4, xfs, btrfs).
constexpr bool on_loop_image(TargetKind k) {
  return k == TargetKind::kExt4 || k == TargetKind::kXfs || k == TargetKind::kBtrfs;
}
// A target whose one long-lived filesystem gives every run a fresh directory (the loop
// images and dir:PATH); tmpfs, overlay and the FUSE observer are mounted afresh for every
// run instead.
constexpr bool fresh_directory_per_run(TargetKind k) { return on_loop_image(k) || k == TargetKind::kDir; }

std::optional<TargetSpec> parse_target(std::string_view name);

// Every target name, spelled out (dir:PATH as the pattern), for --help and the tests.
const std::vector<std::string>& target_names();

}  // namespace nfz
