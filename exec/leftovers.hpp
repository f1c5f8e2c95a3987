// What a live Sandbox leaves on the host (its image file, its keeper process, its
// directory under /run), kept where an exit() or a SIGINT/SIGTERM can still remove it:
// Sandboxes are destroyed on the normal paths, but exit() skips the stack's destructors
// and a signal's default action skips everything. The next start sweeps whatever even
// this misses (SIGKILL), by the dead pid in the names (sweep_stale()).
//
// The signal handler is installed only where the disposition is still the default, so a
// caller with its own graceful stop (the stress loop) keeps it, and then the destructors
// do the work. A forked child (a sandbox run, a keeper, a process that opens Sandboxes of
// its own) inherits the table and the handlers but releases only what it registered.
#pragma once

#include <string>
#include <sys/types.h>

namespace nfz {

// Registers a sandbox's /run directory; returns its slot, or -1 when the table is full
// (the sweep at the next start then covers it).
int register_leftovers(const std::string& run_dir);
// Loop targets: the image file and the keeper holding its mount. An empty image clears.
void set_leftover_image(int slot, const std::string& image, pid_t keeper);
void unregister_leftovers(int slot);

}  // namespace nfz
