// Loop-image plumbing for the ext4, xfs and btrfs targets (docs/TARGETS.md): a sparse image file
// under kImageDir, formatted by the filesystem's mkfs, attached to a free loop device with
// LO_FLAGS_AUTOCLEAR so that the device detaches itself once its last mount goes, however
// the harness dies. Every name carries "nameifuzz" and the owning pid, so that a sweep can
// tell a dead run's leftovers from a live run's and from the host's.
#pragma once

#include <string>
#include <string_view>
#include <sys/types.h>

#include "exec/target.hpp"

namespace nfz {

inline constexpr const char* kImageDir = "/var/tmp/nameifuzz-images";
// Per-process mount points on the host: /run/nameifuzz-<pid>/... (the mounts themselves
// live only in private mount namespaces; the directories are what the host sees).
inline constexpr const char* kRunDirPrefix = "/run/nameifuzz-";

const char* fstype_of(TargetKind kind);

// Creates and formats `path`; returns why it failed, or "".
std::string make_image(TargetKind kind, const std::string& path);

// Attaches `image` to a free loop device (LOOP_CTL_GET_FREE, LOOP_CONFIGURE with
// LO_FLAGS_AUTOCLEAR). On success `fd` holds the open device and `device` its path.
std::string attach_loop(const std::string& image, int& fd, std::string& device);

// Removes what killed runs left: image files, loop devices backed by them, and the
// per-process directories under /run, of every pid that no longer runs. Returns how many
// things it removed.
int sweep_stale();

// Removes `base`/<prefix><pid>-... directories of dead pids (dir:PATH runs of a killed
// process). Returns how many went.
int sweep_stale_runs(const std::string& base, std::string_view prefix);

bool pid_alive(pid_t pid);

// rm -rf of `path`, not crossing mount points; returns whether all of it went.
bool remove_tree(const std::string& path);

}  // namespace nfz
