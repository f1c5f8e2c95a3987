#include "exec/fuse/observer_fs.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <future>
#include <sched.h>
#include <unistd.h>
#include <ctime>
#include <sys/mount.h>
#include <vector>

#include "exec/fuse/observer_state.hpp"

namespace nfz::fuse {
namespace {

int64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// splitmix64: a fault decision depends on (seed, op, name, occurrence), not on timing,
// so that a reproducer's faults repeat however its threads interleave.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// fuse_lowlevel_notify_inval_entry() for every entry the observer handed out.
int invalidate_entries(State& s) {
  std::vector<std::pair<uint64_t, std::string>> entries;
  {
    std::lock_guard lock(s.mu);
    s.ns.for_each_entry([&entries](uint64_t parent, const std::string& name) { entries.emplace_back(parent, name); });
  }
  int done = 0;
  for (const auto& [parent, name] : entries)
    if (fuse_lowlevel_notify_inval_entry(s.session, parent, name.c_str(), name.size()) == 0) ++done;
  return done;
}

// The control thread: runs the invalidations program threads ask for, until unmount.
void serve_invalidations(State& s) {
  std::unique_lock lock(s.stop_mu);
  for (;;) {
    s.stop_cv.wait(lock, [&s] { return s.stopping || s.invalidations_asked > s.invalidations_done; });
    if (s.stopping) return;
    uint64_t upto = s.invalidations_asked;
    lock.unlock();
    int n = invalidate_entries(s);
    lock.lock();
    s.invalidated = n;
    s.invalidations_done = upto;
    s.stop_cv.notify_all();
  }
}

}  // namespace

Recorder::Recorder(fuse_req_t req, FuseOp op, uint64_t parent, const char* name)
    : state_(*static_cast<State*>(fuse_req_userdata(req))) {
  r_.op = op;
  r_.parent = parent;
  if (name) r_.name = name;
  r_.tid = fuse_req_ctx(req)->pid;
  r_.recv_ns = now_ns();
  FaultRule rule;
  uint64_t occurrence;
  {
    std::lock_guard lock(state_.mu);
    rule = state_.options.faults[static_cast<int>(op)];
    if (rule.latency_max_us == 0 && rule.error_permille == 0) return;
    occurrence = state_.occurrences[{static_cast<int>(op), r_.name}]++;
  }
  uint64_t h = mix(state_.options.seed ^ mix(static_cast<uint64_t>(op) << 32 ^ std::hash<std::string>{}(r_.name)) ^ occurrence);
  if (rule.latency_max_us > 0) {
    uint32_t span = rule.latency_max_us - rule.latency_min_us + 1;
    uint64_t us = rule.latency_min_us + h % span;
    std::unique_lock lock(state_.stop_mu);
    state_.stop_cv.wait_for(lock, std::chrono::microseconds(us), [this] { return state_.stopping; });
  }
  if (rule.error && (mix(h) % 1000) < rule.error_permille) injected_ = rule.error;
}

void Recorder::record(int error) {
  r_.error = error;
  r_.reply_ns = r_.op == FuseOp::kForget ? r_.recv_ns : now_ns();
  state_.trace.requests.push_back(std::move(r_));
  state_.recorded.notify_all();
}

void ObserverOptions::add_faults(const std::vector<FuseFault>& program_faults) {
  for (const FuseFault& f : program_faults) {
    FaultRule& rule = faults[static_cast<int>(f.op)];
    if (f.kind == FuseFault::Kind::kLatency) {
      rule.latency_min_us = f.min_us;
      rule.latency_max_us = f.max_us;
    } else {
      rule.error = f.error;
      rule.error_permille = f.permille;
    }
  }
}

bool observer_options_by_name(std::string_view name, ObserverOptions& out) {
  out = ObserverOptions{};
  std::string_view base = name.substr(0, name.find('+'));
  std::string_view extra = base.size() < name.size() ? name.substr(base.size() + 1) : "";
  if (base == "strict") out.caching = FuseCaching::kStrict;
  else if (base == "churn") out.caching = FuseCaching::kChurn;
  else if (base == "nocreate") out.no_create = true;
  else return false;
  if (extra == "latency") {
    for (auto& rule : out.faults) rule.latency_max_us = 2000;
    out.faults[static_cast<int>(FuseOp::kForget)] = {};  // FORGET has no reply to delay
  } else if (!extra.empty()) {
    return false;
  }
  return true;
}

ObserverFs::ObserverFs() : state_(std::make_unique<State>()) {}
ObserverFs::~ObserverFs() { unmount(); }

std::string ObserverFs::mount(const std::string& mountpoint, const ObserverOptions& options) {
  state_->options = options;
  state_->stopping = false;
  state_->trace.caching = options.caching;
  // We mount ourselves (as root, no fusermount3) and hand libfuse the open device as
  // "/dev/fd/N", its convention for "already mounted on this fd".
  int dev = open("/dev/fuse", O_RDWR | O_CLOEXEC);
  if (dev < 0) return std::string("open /dev/fuse: ") + strerror(errno);
  std::string data = "fd=" + std::to_string(dev) + ",rootmode=40000,user_id=0,group_id=0,default_permissions";
  if (::mount("nameifuzz-fuse", mountpoint.c_str(), "fuse.nameifuzz", MS_NOSUID, data.c_str()) != 0) {
    std::string why = std::string("mount fuse at ") + mountpoint + ": " + strerror(errno);
    close(dev);
    return why;
  }
  std::vector<const char*> argv = {"nameifuzz"};
  fuse_args args = FUSE_ARGS_INIT(static_cast<int>(argv.size()), const_cast<char**>(argv.data()));
  state_->session = fuse_session_new(&args, &observer_ops(), sizeof(fuse_lowlevel_ops), state_.get());
  std::string fd_path = "/dev/fd/" + std::to_string(dev);
  if (!state_->session || fuse_session_mount(state_->session, fd_path.c_str()) != 0) {
    if (state_->session) fuse_session_destroy(state_->session);
    state_->session = nullptr;
    umount2(mountpoint.c_str(), MNT_DETACH);
    close(dev);
    return "fuse_session_mount failed";
  }
  mountpoint_ = mountpoint;
  // The serving threads, and the control thread that runs invalidations, get a root and
  // cwd of their own (unshare(CLONE_FS); the threads libfuse starts share it): the process
  // may chroot into this very mount, and a thread holding the state's lock must never
  // walk it. libc opens paths by itself: a thread's first malloc in a new arena reads
  // /sys/devices/system/cpu/online (get_nprocs()). Under the chroot that walk sent a
  // request to the observer while its lock was held, and every serving thread then waited
  // for the lock (measured: the revalidate stall, docs/FINDINGS.md).
  std::promise<std::string> detached;
  state_->loop = std::thread([s = state_.get(), &detached] {
    if (unshare(CLONE_FS) != 0) {
      detached.set_value(std::string("unshare(CLONE_FS): ") + strerror(errno));
      return;
    }
    s->control = std::thread([s] { serve_invalidations(*s); });
    detached.set_value({});
    fuse_loop_config* config = fuse_loop_cfg_create();
    fuse_loop_cfg_set_max_threads(config, s->options.max_threads);
    fuse_loop_cfg_set_idle_threads(config, s->options.max_threads);
    fuse_session_loop_mt(s->session, config);
    fuse_loop_cfg_destroy(config);
  });
  if (std::string why = detached.get_future().get(); !why.empty()) {
    unmount();
    return why;
  }
  return {};
}

void ObserverFs::unmount() {
  if (!state_->session) return;
  {
    std::lock_guard lock(state_->stop_mu);
    state_->stopping = true;
  }
  state_->stop_cv.notify_all();
  if (state_->control.joinable()) state_->control.join();
  fuse_session_exit(state_->session);
  // Unmounting aborts the connection: the loop's reads fail with ENODEV and it returns.
  umount2(mountpoint_.c_str(), MNT_DETACH);
  if (state_->loop.joinable()) state_->loop.join();
  fuse_session_destroy(state_->session);
  state_->session = nullptr;
}

void ObserverFs::set_faults(const std::vector<FuseFault>& faults) {
  std::lock_guard lock(state_->mu);
  state_->options.faults = {};
  state_->options.add_faults(faults);
  state_->occurrences.clear();
}

void ObserverFs::add_faults(const std::vector<FuseFault>& faults) {
  std::lock_guard lock(state_->mu);
  state_->options.add_faults(faults);
  state_->occurrences.clear();
}

int ObserverFs::invalidate_all() {
  std::unique_lock lock(state_->stop_mu);
  uint64_t ticket = ++state_->invalidations_asked;
  state_->stop_cv.notify_all();
  state_->stop_cv.wait(lock, [&] { return state_->stopping || state_->invalidations_done >= ticket; });
  return state_->invalidated;
}

bool ObserverFs::wait_quiet(int64_t quiet_ns, int64_t max_ns) {
  std::unique_lock lock(state_->mu);
  auto until = std::chrono::steady_clock::now() + std::chrono::nanoseconds(max_ns);
  for (;;) {
    size_t seen = state_->trace.requests.size();
    bool more = state_->recorded.wait_for(lock, std::chrono::nanoseconds(quiet_ns),
                                          [&] { return state_->trace.requests.size() != seen; });
    if (!more) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
  }
}

FuseTrace ObserverFs::take_trace() {
  std::lock_guard lock(state_->mu);
  FuseTrace out{state_->trace.caching, std::move(state_->trace.requests)};
  state_->trace.requests.clear();
  return out;
}

}  // namespace nfz::fuse
