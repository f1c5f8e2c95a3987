// kernel.health (docs/ORACLES.md): the kernel said something is wrong while the run went on
// (/dev/kmsg BUG:, WARNING:, hung task, RCU stall, general protection fault, list
// corruption, busy inodes), the taint mask changed, or an op did not complete within its
// deadline without a reason the executor could name. A reason: the op came back with
// EINTR from the harness's interrupt or cancel, i.e. it slept interruptibly, which on these
// targets is a FIFO open waiting for its peer (fifo(7), wait_for_partner()); the event then
// also carries the FIFO's identity when its path still names it.
#pragma once

#include "oracles/violation.hpp"
#include "stress/oracle.hpp"

namespace nfz::stress {

oracles::OracleResult check_kernel_health(const RunRecord& run);

}  // namespace nfz::stress
