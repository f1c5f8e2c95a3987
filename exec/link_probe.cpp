#include "exec/link_probe.hpp"

#include <cerrno>
#include <fcntl.h>
#include <liburing.h>
#include <linux/stat.h>

namespace nfz {
namespace {

constexpr int kBadDirfd = -1;
constexpr const char* kName = "nameifuzz-link-probe";

void prepare(io_uring_sqe* sqe, FailingRequest request, struct statx* out) {
  switch (request) {
    case FailingRequest::kOpenat: io_uring_prep_openat(sqe, kBadDirfd, kName, O_RDONLY, 0); break;
    case FailingRequest::kMkdirat: io_uring_prep_mkdirat(sqe, kBadDirfd, kName, 0755); break;
    case FailingRequest::kStatx: io_uring_prep_statx(sqe, kBadDirfd, kName, 0, STATX_BASIC_STATS, out); break;
  }
}

}  // namespace

bool failure_breaks_link(FailingRequest request) {
  io_uring ring;
  if (io_uring_queue_init(4, &ring, 0) != 0) return false;
  struct statx unused;
  io_uring_sqe* first = io_uring_get_sqe(&ring);
  prepare(first, request, &unused);
  first->flags |= IOSQE_IO_LINK;
  first->user_data = 1;
  io_uring_sqe* nop = io_uring_get_sqe(&ring);
  io_uring_prep_nop(nop);
  nop->user_data = 2;
  bool cancelled = false;
  if (io_uring_submit_and_wait(&ring, 2) >= 0) {
    for (int seen = 0; seen < 2; ++seen) {
      io_uring_cqe* cqe = nullptr;
      if (io_uring_wait_cqe(&ring, &cqe) != 0) break;
      if (cqe->user_data == 2) cancelled = cqe->res == -ECANCELED;
      io_uring_cqe_seen(&ring, cqe);
    }
  }
  io_uring_queue_exit(&ring);
  return cancelled;
}

LinkRule probe_link_rule() {
  return {.fs_ops_break = failure_breaks_link(FailingRequest::kMkdirat),
          .statx_breaks = failure_breaks_link(FailingRequest::kStatx)};
}

const LinkRule& kernel_link_rule() {
  static const LinkRule rule = probe_link_rule();
  return rule;
}

}  // namespace nfz
