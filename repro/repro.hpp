// The C reproducer generator (docs/REPRODUCERS.md): a Program and what its finding's
// oracle saw become one standalone C file (liburing only, plus libfuse3 for a finding
// on the FUSE observer) that makes its own target, runs the ops as nameifuzz issued
// them, checks the oracle's condition and exits 1 when it reproduces, 0 when not.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/history.hpp"
#include "core/program.hpp"

namespace nfz::repro {

struct ReproSpec {
  std::string oracle;  // kernel.health, nonblock.issue, nonblock.walk, issue.equivalent, linearizable, uring.link,
                       // negative.fresh (fuse:*)
  std::string title;   // the finding's title; "(fuse:GETATTR)" in it names the request to watch
  std::string target = "tmpfs";  // tmpfs, ext4, xfs, btrfs, fuse:<personality>[+latency]
  std::vector<FuseFault> faults;  // besides the program's own faults: section
  uint32_t deadline_ms = 200;     // an op past it is interrupted (syscall) or cancelled (io_uring)
  int tries = 0;                  // runs before "did not reproduce"; 0: 1, or 20 with threads
  std::string source;             // where the program came from, for the header comment
};

// The C file, or "" with `why` set when it cannot be written for this finding
// (an oracle it does not know, linearizable without the failing History, a target it
// cannot make, ...). `failing` may be null except for linearizable.
std::string c_reproducer(const Program& program, const History* failing, const ReproSpec& spec, std::string& why);

// The oracles c_reproducer() checks, as "name: what repro.c checks" lines.
std::vector<std::string> repro_oracles();

}  // namespace nfz::repro
