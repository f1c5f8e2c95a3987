// Internal to the observer: the state its libfuse callbacks share, and the recorder
// that turns each request into a FuseRequest of the trace.
#pragma once

#include <fuse_lowlevel.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "exec/fuse/observer_fs.hpp"
#include "exec/fuse/observer_namespace.hpp"

namespace nfz::fuse {

struct ObserverFs::State {
  ObserverOptions options;
  std::mutex mu;  // guards ns, trace and occurrences
  std::condition_variable recorded;  // notified (under mu) as each request is recorded
  ObserverNamespace ns;
  FuseTrace trace;
  std::map<std::pair<int, std::string>, uint64_t> occurrences;  // (op, name) -> requests so far
  fuse_session* session = nullptr;
  std::thread loop;
  // Injected latency waits on this, so that unmounting need not wait out a long sleep
  // (a serving thread asleep in a request keeps fuse_session_loop_mt() from returning).
  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stopping = false;  // guarded by stop_mu, as are the invalidation requests below
  // invalidate_all() is called from the program's threads, which live in the chroot on
  // this very mount: it hands the work to `control`, a thread outside it (see mount()).
  std::thread control;
  uint64_t invalidations_asked = 0, invalidations_done = 0;
  int invalidated = 0;  // entries the last invalidation dropped

  double timeout() const { return options.caching == FuseCaching::kStrict ? 365.0 * 86400 : 0.0; }
};

using State = ObserverFs::State;

// One request from arrival to answer. The constructor stamps arrival and the requesting
// thread, then sleeps any injected latency (without holding the state's lock).
class Recorder {
 public:
  Recorder(fuse_req_t req, FuseOp op, uint64_t parent, const char* name);
  State& state() const { return state_; }
  FuseRequest& request() { return r_; }
  // The errno the fault plan injects for this request, or 0.
  int injected() const { return injected_; }
  // Stamps the answer time and appends the request to the trace; the caller holds mu.
  void record(int error);

 private:
  State& state_;
  FuseRequest r_;
  int injected_ = 0;
};

const fuse_lowlevel_ops& observer_ops();

}  // namespace nfz::fuse
