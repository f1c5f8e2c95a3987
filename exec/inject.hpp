// A test aid, never a finding of the kernel: --inject NAME makes the executor (or the
// FUSE observer) misbehave in one known way, so that the findings pipeline's own tests
// (tests/pipeline/) see a finding of a known oracle arise, confirm and minimize. Off
// unless asked: the executor's hooks cost one load and a not-taken branch per op.
//
//   excl-double-success  an O_CREAT|O_EXCL open of an existing name reports success
//                        (issued without O_EXCL)                       -> linearizable
//   unlink-phantom       unlink reports success and removes nothing      -> linearizable
//   rename-phantom       rename reports success and moves nothing        -> linearizable
//   inline-sleep         the submitter sleeps inside an inline io_uring submit
//                                                                         -> nonblock.issue
//   fuse-latency[:REQ]   the observer delays every REQ (OPENDIR) by 20 ms -> nonblock.issue
//   fuse-error[:REQ]     the observer answers every REQ (LOOKUP) ENOENT, also for a name
//                        it holds                                        -> negative.fresh
// The FUSE faults are FuseFaults (the Program's faults: section): a finding's repro.nfz
// carries them, so it replays without --inject.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/program.hpp"

namespace nfz {
struct SandboxEnv;
}

namespace nfz::inject {

enum class Fault : uint8_t { kNone, kExclDoubleSuccess, kUnlinkPhantom, kRenamePhantom, kInlineSleep, kFuse };

struct Injection {
  Fault fault = Fault::kNone;
  std::string name;      // as given: "unlink-phantom", "fuse-latency:GETATTR"
  std::string oracle;    // the oracle expected to report it
  FuseFault fuse;        // Fault::kFuse: what the observer does
};

// The table's names, for --help and errors.
std::string names();
// Parses a --inject value; an empty `why` on success.
Injection parse(std::string_view name, std::string& why);

// The process's injection (inherited by sandbox children). Set before any run starts.
void enable(const Injection& injection);
void disable();
const Injection& current();

namespace detail {
inline Fault g_fault = Fault::kNone;  // read on the executor's hot path
}

inline bool on() { return detail::g_fault != Fault::kNone; }

// The open flags the executor issues: O_EXCL dropped from an O_CREAT open under
// excl-double-success, else the op's own.
inline uint32_t open_flags(const Op& op) {
  if (detail::g_fault != Fault::kExclDoubleSuccess || !(op.flags & O_CREAT)) return op.flags;
  return op.flags & ~static_cast<uint32_t>(O_EXCL);
}
// Whether the op is replaced by a success that does nothing (unlink-/rename-phantom).
inline bool phantom(const Op& op) {
  return (detail::g_fault == Fault::kUnlinkPhantom && op.kind == OpKind::kUnlink) ||
         (detail::g_fault == Fault::kRenamePhantom && op.kind == OpKind::kRename);
}
// Called right after a submit-only io_uring_enter, inside the submitter's nvcsw window.
void after_submit_slow();
inline void after_submit() {
  if (detail::g_fault == Fault::kInlineSleep) after_submit_slow();
}

// At the start of a run: gives the FUSE observer the program's faults (its faults:
// section), and the injected one.
void apply_fuse_faults(const Program& program, const SandboxEnv& env);

// The injected FUSE fault added to `program` (a finding's reproducer then carries it).
void carry_fuse_fault(Program& program);

}  // namespace nfz::inject
