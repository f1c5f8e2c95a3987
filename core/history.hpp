// A History: what each op of a run did, with call and return times (docs/FORMAT.md).
// Serialized as JSON lines (docs/FORMAT.md): a header line, then one line per op.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "core/program.hpp"
#include "core/text.hpp"

namespace nfz {

// How the op actually reached the kernel, as far as the executor could tell.
enum class Completion : uint8_t {
  kSyscall,  // a plain system call
  kInline,   // io_uring, completed during the submitting io_uring_enter
  kPunted,   // io_uring, completed later (an io-wq worker, or task work)
  kUnknown,  // io_uring, not observed
  kHung,     // never returned within its deadline
};

inline constexpr int kSetupThread = -1;

// Which failed io_uring requests cancel the rest of their IOSQE_IO_LINK chain on the kernel
// that ran a history, as exec/kernel/link_probe.hpp measured it there. A failed open or close
// always does (io_openat2() and io_close() call req_set_fail()); from 6.0 on, the ops of
// io_uring/fs.c and io_statx() complete a failure without it (docs/FINDINGS.md 4), so on
// such a kernel both are false. A kernel built with a fix, or one before 6.0, sets them.
struct LinkRule {
  bool fs_ops_break = false;  // mkdirat, unlinkat, renameat, symlinkat, linkat
  bool statx_breaks = false;
  bool operator==(const LinkRule&) const = default;
};

struct Event {
  int32_t thread = 0;      // kSetupThread for setup ops
  uint32_t index = 0;      // position in its thread (or in setup)
  int64_t call_ns = 0;     // CLOCK_MONOTONIC before the submission
  int64_t return_ns = -1;  // CLOCK_MONOTONIC after the completion; -1: never returned
  int32_t result = 0;      // >= 0 the syscall's return value, < 0 -errno
  uint64_t dev = 0, ino = 0;  // identity of the inode an open/statx reached (0 if none)
  uint32_t type = 0;       // its S_IFMT bits (0: not recorded)
  int32_t nlink = -1;      // statx: its link count (-1: not recorded; an open's fstat races)
  Completion how = Completion::kSyscall;
  uint32_t nvcsw = 0;      // submitter's voluntary context switches during the issue

  bool returned() const { return return_ns >= 0; }
  bool operator==(const Event&) const = default;
};

struct History {
  std::string target;                    // "tmpfs", "ext4", ...
  std::vector<std::vector<Op>> ops;      // ops[thread + 1]: ops[0] is setup
  std::vector<Event> events;             // in the order they were recorded
  std::vector<int32_t> tids;             // tids[thread + 1]: the thread that issued its ops (empty: unknown)
  bool shared_ring = false;              // the threads shared one io_uring (else a ring each; setup its own)
  LinkRule link_rule;                    // the kernel's (header "failed_breaks_link"; absent: neither)

  const Op& op_of(const Event& e) const { return ops[e.thread + 1][e.index]; }
  int32_t tid_of(const Event& e) const {
    return static_cast<size_t>(e.thread + 1) < tids.size() ? tids[e.thread + 1] : 0;
  }
  bool operator==(const History&) const = default;
};

std::string_view completion_name(Completion c);

// History <-> JSON lines. The reader checks every line and names file:line on error.
void write_history(std::ostream& out, const History& history);
Parsed<History> read_history(std::string_view text, std::string_view file);
Parsed<History> read_history_file(const std::string& path);

}  // namespace nfz
