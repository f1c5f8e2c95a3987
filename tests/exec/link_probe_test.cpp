// exec/link_probe.hpp: which failed io_uring requests break their chain on this kernel.
#include <gtest/gtest.h>

#include <liburing.h>

#include "exec/link_probe.hpp"

namespace nfz {
namespace {

bool have_uring() {
  io_uring ring;
  if (io_uring_queue_init(2, &ring, 0) != 0) return false;
  io_uring_queue_exit(&ring);
  return true;
}

// io_openat2() has called req_set_fail() on a negative result since io_uring had openat:
// a probe that does not see this one break measures nothing.
TEST(LinkProbe, AFailedOpenatBreaksItsChain) {
  if (!have_uring()) GTEST_SKIP() << "io_uring unavailable";
  EXPECT_TRUE(failure_breaks_link(FailingRequest::kOpenat));
}

TEST(LinkProbe, TheRuleIsTheSameEachTimeAndCachedOnce) {
  if (!have_uring()) GTEST_SKIP() << "io_uring unavailable";
  const LinkRule first = probe_link_rule();
  EXPECT_EQ(probe_link_rule(), first);
  EXPECT_EQ(kernel_link_rule(), first);
  EXPECT_EQ(&kernel_link_rule(), &kernel_link_rule());
  RecordProperty("fs_ops_break", first.fs_ops_break);
  RecordProperty("statx_breaks", first.statx_breaks);
}

}  // namespace
}  // namespace nfz
