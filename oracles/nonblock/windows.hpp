// Internal to the nonblock oracles: the FUSE requests and sleeps of one thread within
// one op's [call, return] window.
#pragma once

#include <vector>

#include "core/fuse_trace.hpp"
#include "core/sleep_trace.hpp"

namespace nfz::oracles {

std::vector<const FuseRequest*> fuse_requests_during(const FuseTrace* trace, int32_t tid, int64_t from, int64_t to);
std::vector<const SleepSample*> sleeps_during(const std::vector<SleepSample>* sleeps, int32_t tid, int64_t from,
                                              int64_t to);
// "io_schedule <- bit_wait_io <- __ext4_find_entry <- ext4_lookup": the frames below
// schedule(), innermost first, at most six.
std::string stack_summary(const SleepSample& s);

}  // namespace nfz::oracles
