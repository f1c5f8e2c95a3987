// The stress loop's sleep tracer (exec/kernel/sleep_tracer.hpp), for the nonblock oracles.
#pragma once

#include <string>

#include "exec/kernel/sleep_tracer.hpp"

namespace nfz::stress {

// Starts `tracer` on this process and the runs it will fork. When tracefs is not mounted,
// moves this process into a private mount namespace first and mounts it there: the host's
// mounts are never touched. Call while single-threaded. Returns "on" or "skipped: why".
std::string start_tracing(kernel::SleepTracer& tracer);

}  // namespace nfz::stress
