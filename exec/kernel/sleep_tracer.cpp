#include "exec/kernel/sleep_tracer.hpp"

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <map>
#include <sstream>

namespace nfz::kernel {
namespace {

constexpr const char* kTracefs = "/sys/kernel/tracing";
constexpr const char* kPrefix = "nameifuzz-";

int open_dir(const char* path) { return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC); }

// Instances named nameifuzz-<pid> whose process is gone were left by a killed run.
void sweep_stale_instances(int tracefs_fd) {
  int fd = openat(tracefs_fd, "instances", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  DIR* dir = fdopendir(fd);
  if (!dir) {
    close(fd);
    return;
  }
  while (dirent* d = readdir(dir)) {
    std::string name = d->d_name;
    if (!name.starts_with(kPrefix)) continue;
    pid_t pid = static_cast<pid_t>(atoi(name.c_str() + strlen(kPrefix)));
    if (pid > 0 && (kill(pid, 0) == 0 || errno != ESRCH)) continue;
    unlinkat(fd, name.c_str(), AT_REMOVEDIR);
  }
  closedir(dir);
}

int64_t parse_mono_ns(const std::string& stamp) {
  size_t dot = stamp.find('.');
  if (dot == std::string::npos) return 0;
  int64_t sec = atoll(stamp.substr(0, dot).c_str());
  std::string frac = stamp.substr(dot + 1);
  frac.resize(9, '0');
  return sec * 1'000'000'000 + atoll(frac.c_str());
}

std::string field(const std::string& line, const std::string& key) {
  size_t at = line.find(key + "=");
  if (at == std::string::npos) return {};
  size_t end = line.find(' ', at);
  return line.substr(at + key.size() + 1, end == std::string::npos ? std::string::npos : end - at - key.size() - 1);
}

// "   bash-8343    [000] d..2.  3268.447983: ..." -> pid 8343, stamp "3268.447983".
bool parse_header(const std::string& line, int32_t& pid, std::string& stamp) {
  size_t bracket = line.find(" [");
  size_t colon = line.find(": ", bracket == std::string::npos ? 0 : bracket);
  if (bracket == std::string::npos || colon == std::string::npos) return false;
  size_t dash = line.rfind('-', bracket);
  if (dash == std::string::npos) return false;
  pid = atoi(line.c_str() + dash + 1);
  size_t stamp_start = line.rfind(' ', colon - 1);
  stamp = line.substr(stamp_start + 1, colon - stamp_start - 1);
  return true;
}

}  // namespace

SleepTracer::Samples parse_sleep_trace(const std::string& text) {
  SleepTracer::Samples out;
  std::vector<SleepSample>& samples = out.sleeps;
  std::map<int32_t, size_t> awaiting_stack;  // pid -> index of its latest sample without frames
  std::vector<std::string>* frames = nullptr;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(" => ")) {
      if (frames) frames->push_back(line.substr(4, line.find(' ', 4) - 4));
      continue;
    }
    frames = nullptr;
    int32_t pid;
    std::string stamp;
    if (line.starts_with("#") || !parse_header(line, pid, stamp)) continue;
    if (line.find("sched_switch: ") != std::string::npos) {
      SleepSample s;
      s.tid = atoi(field(line, "prev_pid").c_str());
      s.at_ns = parse_mono_ns(stamp);
      std::string state = field(line, "prev_state");
      s.state = state.empty() ? '?' : state[0];
      samples.push_back(std::move(s));
      awaiting_stack[samples.back().tid] = samples.size() - 1;
    } else if (line.find("io_uring_queue_async_work: ") != std::string::npos) {
      // "... request 0x..., user_data 0x2a, opcode OPENAT, ..."
      size_t at = line.find("user_data ");
      uint64_t user_data = at == std::string::npos ? 0 : strtoull(line.c_str() + at + 10, nullptr, 16);
      out.punts.push_back({pid, parse_mono_ns(stamp), user_data});
    } else if (line.find("<stack trace>") != std::string::npos) {
      auto it = awaiting_stack.find(pid);
      if (it == awaiting_stack.end()) continue;
      frames = &samples[it->second].frames;
      awaiting_stack.erase(it);
    }
  }
  return out;
}

SleepTracer::~SleepTracer() {
  if (instance_fd_ >= 0) {
    write_file("events/sched/sched_switch/enable", "0");
    write_file("events/io_uring/io_uring_queue_async_work/enable", "0");
    if (pipe_fd_ >= 0) close(pipe_fd_);
    close(instance_fd_);
    std::string path = "instances/" + instance_;
    unlinkat(tracefs_fd_, path.c_str(), AT_REMOVEDIR);
  }
  if (tracefs_fd_ >= 0) close(tracefs_fd_);
}

bool SleepTracer::write_file(const char* path, const std::string& value) {
  int fd = openat(instance_fd_, path, O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = write(fd, value.data(), value.size()) == static_cast<ssize_t>(value.size());
  close(fd);
  return ok;
}

std::string SleepTracer::start(bool may_mount) {
  tracefs_fd_ = open_dir(kTracefs);
  struct stat st;
  bool mounted = tracefs_fd_ >= 0 && fstatat(tracefs_fd_, "instances", &st, 0) == 0;
  if (!mounted && may_mount && mount("nameifuzz-tracefs", kTracefs, "tracefs", 0, nullptr) == 0) {
    if (tracefs_fd_ >= 0) close(tracefs_fd_);
    tracefs_fd_ = open_dir(kTracefs);
    mounted = tracefs_fd_ >= 0 && fstatat(tracefs_fd_, "instances", &st, 0) == 0;
  }
  if (!mounted) return "tracefs is not available at /sys/kernel/tracing";
  sweep_stale_instances(tracefs_fd_);
  instance_ = kPrefix + std::to_string(getpid());
  std::string path = "instances/" + instance_;
  if (mkdirat(tracefs_fd_, path.c_str(), 0700) != 0 && errno != EEXIST)
    return "cannot create a tracefs instance: " + std::string(strerror(errno));
  instance_fd_ = openat(tracefs_fd_, path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (instance_fd_ < 0) return "cannot open the tracefs instance";
  long tid = syscall(SYS_gettid);
  bool ok = write_file("trace_clock", "mono") && write_file("buffer_size_kb", "8192") &&
            write_file("options/event-fork", "1") && write_file("set_event_pid", std::to_string(tid)) &&
            write_file("events/sched/sched_switch/filter", "prev_state & 3") &&
            write_file("events/sched/sched_switch/trigger", "stacktrace if prev_state & 3") &&
            write_file("events/sched/sched_switch/enable", "1") &&
            write_file("events/io_uring/io_uring_queue_async_work/enable", "1");
  return ok ? "" : "cannot set up sched_switch and io_uring tracing in the tracefs instance";
}

SleepTracer::Samples SleepTracer::collect() {
  if (instance_fd_ < 0) return {};
  // trace_pipe consumes what it returns, so nothing is read twice and the buffer needs
  // no reset (resetting the per-CPU buffers costs milliseconds); O_NONBLOCK: EAGAIN
  // once it is empty.
  if (pipe_fd_ < 0) pipe_fd_ = openat(instance_fd_, "trace_pipe", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  std::string text;
  char buf[1 << 16];
  for (ssize_t n; pipe_fd_ >= 0 && (n = read(pipe_fd_, buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
  return parse_sleep_trace(text);
}

}  // namespace nfz::kernel
