// issue.equivalent (docs/ORACLES.md), the setup-prefix form: the same op on the same state has
// the same outcome however it is issued. The setup runs alone, so its state is the same
// in two runs; the stress loop runs the setup a second time with every op a plain syscall
// (the twin) and compares outcomes op by op (success, or which errno), up to the
// differences that are documented (docs/EXECUTOR.md, "issue.equivalent"):
//   - RESOLVE_CACHED may give EAGAIN whenever the walk cannot stay in RCU: EAGAIN on
//     either side is not compared;
//   - an op that hung on either side (a FIFO open: io_uring's inline attempt adds
//     O_NONBLOCK, so it gets ENXIO or succeeds where the syscall waits) is not compared;
//   - comparison stops at the first op the twin cannot mirror: a fixed-file op (the twin
//     has no ring), a link-cancelled op (ECANCELED: the twin runs it), an op of a linked
//     chain reading a register an earlier op of the chain sets (a chain reads registers
//     as they were before it, docs/FORMAT.md), and after the first divergence.
#pragma once

#include "core/program.hpp"
#include "oracles/violation.hpp"
#include "stress/oracle.hpp"

namespace nfz::stress {

// Whether the program's setup issues any op through io_uring (else there is nothing to
// compare and no twin is run).
bool wants_syscall_twin(const Program& program);
// The setup alone, every op issued as a plain syscall.
Program syscall_twin(const Program& program);

oracles::OracleResult check_issue_equivalent(const RunRecord& run);

}  // namespace nfz::stress
