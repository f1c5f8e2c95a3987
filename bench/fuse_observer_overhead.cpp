// bench-libs: nfz_fuse
// The FUSE observer's own cost per request (issue 7): LOOKUP round trips/s through the
// observer vs a minimal libfuse low-level server in the style of passthrough_ll that
// answers the same LOOKUPs from a fixed table and records nothing. Both run with zero
// entry/attr timeouts (the observer's churn personality), so every open(O_PATH) of
// "f" revalidates its dentry with one FUSE_LOOKUP (fuse_dentry_revalidate()), and the
// exec permission check on the root refreshes its attributes with a GETATTR
// (default_permissions on both mounts: fuse_permission()). Both are mounted in one private mount namespace and measured in
// alternating rounds in the same run; the median round of each is reported.
// Usage: bench_fuse_observer_overhead [SECONDS_PER_ROUND] [ROUNDS]   (root, /dev/fuse)
#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "exec/fuse/observer_fs.hpp"

namespace {

constexpr fuse_ino_t kFileIno = 2;

std::atomic<uint64_t> baseline_requests{0};  // to check both do the same round trips

double now_s() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

// ---- the baseline: root with one regular file "f", nothing recorded ---------------

struct stat attr_of(fuse_ino_t ino) {
  struct stat st {};
  st.st_ino = ino;
  st.st_mode = ino == FUSE_ROOT_ID ? (S_IFDIR | 0755) : (S_IFREG | 0644);
  st.st_nlink = ino == FUSE_ROOT_ID ? 2 : 1;
  return st;
}

void base_lookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
  baseline_requests.fetch_add(1, std::memory_order_relaxed);
  if (parent != FUSE_ROOT_ID || strcmp(name, "f") != 0) {
    fuse_reply_err(req, ENOENT);
    return;
  }
  fuse_entry_param e{};
  e.ino = kFileIno;
  e.attr = attr_of(kFileIno);
  e.entry_timeout = 0;
  e.attr_timeout = 0;
  fuse_reply_entry(req, &e);
}

void base_getattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info*) {
  baseline_requests.fetch_add(1, std::memory_order_relaxed);
  struct stat st = attr_of(ino);
  fuse_reply_attr(req, &st, 0);
}

void base_forget(fuse_req_t req, fuse_ino_t, uint64_t) { fuse_reply_none(req); }

struct Baseline {
  fuse_session* session = nullptr;
  std::thread loop;
  std::string mountpoint;

  std::string mount(const std::string& at) {
    static fuse_lowlevel_ops ops{};
    ops.lookup = base_lookup;
    ops.getattr = base_getattr;
    ops.forget = base_forget;
    int dev = open("/dev/fuse", O_RDWR | O_CLOEXEC);
    if (dev < 0) return std::string("open /dev/fuse: ") + strerror(errno);
    std::string data = "fd=" + std::to_string(dev) + ",rootmode=40000,user_id=0,group_id=0,default_permissions";
    if (::mount("nameifuzz-bench-fuse", at.c_str(), "fuse.bench", MS_NOSUID, data.c_str()) != 0)
      return std::string("mount: ") + strerror(errno);
    const char* argv[] = {"bench"};
    fuse_args args = FUSE_ARGS_INIT(1, const_cast<char**>(argv));
    session = fuse_session_new(&args, &ops, sizeof ops, nullptr);
    std::string fd_path = "/dev/fd/" + std::to_string(dev);
    if (!session || fuse_session_mount(session, fd_path.c_str()) != 0) return "fuse_session_mount failed";
    mountpoint = at;
    loop = std::thread([s = session] {
      fuse_loop_config* config = fuse_loop_cfg_create();
      fuse_loop_cfg_set_max_threads(config, 16);  // as the observer's default
      fuse_loop_cfg_set_idle_threads(config, 16);
      fuse_session_loop_mt(s, config);
      fuse_loop_cfg_destroy(config);
    });
    return {};
  }
  void unmount() {
    fuse_session_exit(session);
    umount2(mountpoint.c_str(), MNT_DETACH);
    loop.join();
    fuse_session_destroy(session);
  }
};

// ---- the measurement ---------------------------------------------------------------

// open(O_PATH)+close of `path` for `seconds`; returns opens/s and counts them in `opens`.
double opens_per_s(const std::string& path, double seconds, uint64_t& opens) {
  uint64_t n = 0;
  double start = now_s(), end = start + seconds;
  while (now_s() < end) {
    for (int i = 0; i < 256; ++i) {
      int fd = open(path.c_str(), O_PATH);
      if (fd < 0) {
        perror(path.c_str());
        exit(2);
      }
      close(fd);
    }
    n += 256;
  }
  opens += n;
  return n / (now_s() - start);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int fail(const std::string& what) {
  fprintf(stderr, "bench_fuse_observer_overhead: %s\n", what.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? atof(argv[1]) : 3;
  int rounds = argc > 2 ? atoi(argv[2]) : 5;
  if (unshare(CLONE_NEWNS) != 0 || mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return fail(std::string("private mount namespace: ") + strerror(errno));
  std::string base = "/run/nameifuzz-bench-fuse-" + std::to_string(getpid());
  std::string obs_dir = base + "/observer", raw_dir = base + "/baseline";
  mkdir(base.c_str(), 0700);
  mkdir(obs_dir.c_str(), 0700);
  mkdir(raw_dir.c_str(), 0700);

  nfz::fuse::ObserverFs observer;
  nfz::fuse::ObserverOptions options;
  if (!nfz::fuse::observer_options_by_name("churn", options)) return fail("no churn personality");
  if (std::string why = observer.mount(obs_dir, options); !why.empty()) return fail(why);
  int fd = open((obs_dir + "/f").c_str(), O_CREAT | O_WRONLY, 0644);
  if (fd < 0) return fail("create f on the observer");
  close(fd);
  Baseline baseline;
  if (std::string why = baseline.mount(raw_dir); !why.empty()) return fail(why);

  std::vector<double> with_observer, with_baseline;
  uint64_t observer_opens = 0, baseline_opens = 0, observer_requests = 0;
  observer.take_trace();
  baseline_requests = 0;
  for (int r = 0; r < rounds; ++r) {
    with_baseline.push_back(opens_per_s(raw_dir + "/f", seconds, baseline_opens));
    with_observer.push_back(opens_per_s(obs_dir + "/f", seconds, observer_opens));
    observer_requests += observer.take_trace().requests.size();  // as after each stress run
  }
  observer.unmount();
  baseline.unmount();
  rmdir(obs_dir.c_str());
  rmdir(raw_dir.c_str());
  rmdir(base.c_str());
  double b = median(with_baseline), o = median(with_observer);
  printf("opens/s, each a LOOKUP and a GETATTR round trip (open O_PATH, zero timeouts;\n"
         "median of %d rounds of %.1f s)\n", rounds, seconds);
  printf("  baseline (passthrough_ll-style, records nothing)  %10.0f\n", b);
  printf("  observer (churn: trace, model, fault check)       %10.0f\n", o);
  printf("  ratio observer/baseline                           %10.2f\n", o / b);
  printf("  requests per open: baseline %.2f, observer %.2f\n",
         baseline_requests.load() / static_cast<double>(baseline_opens),
         observer_requests / static_cast<double>(observer_opens));
  return 0;
}
