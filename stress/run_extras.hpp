// What a run's sandbox child hands back besides its History, for the oracles that must
// look inside the target before it goes: the FUSE observer's request trace (taken at
// quiescence when lookup.balance wants it) and the cached.complete probes, which must
// run chrooted in the run's own root. The child writes them as JSON into a memfd the
// parent made before the fork; the parent reads them after the child is gone.
#pragma once

#include <optional>
#include <string>

#include "core/fuse_trace.hpp"
#include "core/history.hpp"
#include "exec/sandbox.hpp"
#include "oracles/violation.hpp"

namespace nfz::stress {

// What the child should gather (decided by the enabled oracles and the target).
struct ExtrasWanted {
  bool fuse_trace = false;
  bool fuse_quiescent = false;  // drop_caches 2 and wait for the FORGETs first
  bool cached_probes = false;
};

struct RunExtras {
  std::optional<FuseTrace> fuse;
  bool fuse_quiescent = false;  // the trace ends at quiescence (lookup.balance: equality)
  std::optional<oracles::OracleResult> cached_complete;
};

// In the child: gathers what `wanted` asks for, after a run that ended with `code` and
// recorded `history`.
RunExtras gather_extras(const SandboxEnv& env, int code, const History& history, const ExtrasWanted& wanted);

class ExtrasChannel {
 public:
  ExtrasChannel() = default;
  ExtrasChannel(const ExtrasChannel&) = delete;
  ExtrasChannel& operator=(const ExtrasChannel&) = delete;
  ~ExtrasChannel();

  // In the parent, once. Returns why it could not, or "".
  std::string open();
  // In the parent, before each run: empties the channel.
  void clear();
  // In the child.
  void send(const RunExtras& extras);
  // In the parent, after the run; nothing when the child sent nothing (it died first).
  RunExtras receive();

 private:
  int fd_ = -1;
};

}  // namespace nfz::stress
