// The FUSE observer filesystem (docs/TARGETS.md): the harness's own filesystem on the libfuse3
// low-level API. It records every request the kernel sends (opcode, parent, name, node,
// requesting thread, receive and reply times) into a FuseTrace for the oracles, and
// injects latency and errors per request type.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "core/fuse_trace.hpp"
#include "core/program.hpp"

namespace nfz::fuse {

// What the observer does to one request type, decided per request from `seed`.
struct FaultRule {
  uint32_t latency_min_us = 0;
  uint32_t latency_max_us = 0;
  int error = 0;              // errno injected instead of an answer (EIO, ESTALE, ...)
  uint32_t error_permille = 0;
};

struct ObserverOptions {
  FuseCaching caching = FuseCaching::kStrict;  // strict: infinite timeouts; churn: zero
  bool no_create = false;  // CREATE answers ENOSYS: the kernel falls back to MKNOD + OPEN
  std::array<FaultRule, kFuseOpCount> faults{};
  uint64_t seed = 1;
  unsigned max_threads = 16;  // request-serving threads: requests overlap only with several

  // Applies a reproducer's faults (a later fault of the same kind and type wins).
  void add_faults(const std::vector<FuseFault>& program_faults);
};

// Personalities by name: "strict", "churn", "nocreate" (strict without CREATE), each
// optionally followed by "+latency" (random 0–2 ms on every request type).
bool observer_options_by_name(std::string_view name, ObserverOptions& out);

class ObserverFs {
 public:
  ObserverFs();
  ~ObserverFs();
  ObserverFs(const ObserverFs&) = delete;
  ObserverFs& operator=(const ObserverFs&) = delete;

  // Mounts at `mountpoint` (source "nameifuzz-fuse", needs root and /dev/fuse visible)
  // and serves requests on threads of this process. Returns why it could not, or "".
  std::string mount(const std::string& mountpoint, const ObserverOptions& options);
  // Unmounts and stops the serving threads. Safe to call twice.
  void unmount();

  // Replaces the injected faults while mounted (a reproducer's faults: section).
  void set_faults(const std::vector<FuseFault>& faults);
  // Adds faults to the personality's own (+latency) while mounted.
  void add_faults(const std::vector<FuseFault>& faults);

  // Asks the kernel to drop every entry the observer handed out
  // (fuse_lowlevel_notify_inval_entry); returns how many it invalidated.
  int invalidate_all();

  // Waits until no request has been recorded for `quiet_ns` (true), or `max_ns` passed
  // first (false). Requests stay in the trace.
  bool wait_quiet(int64_t quiet_ns, int64_t max_ns);

  // The requests seen so far; clears the observer's copy.
  FuseTrace take_trace();

  struct State;  // the libfuse callbacks' view; defined in observer_fs.cpp

 private:
  std::unique_ptr<State> state_;
  std::string mountpoint_;
};

}  // namespace nfz::fuse
