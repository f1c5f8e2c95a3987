#include "vm/qemu_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <regex>

namespace nfz::vm {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kExitMarker = "nfz-vm: exit ";
constexpr double kPoweroffGrace_s = 15;

struct Child {
  pid_t pid = -1;
  int out = -1;  // the serial console (qemu's stdout)
  int err = -1;  // qemu's own messages
};

Child spawn(const std::vector<std::string>& argv) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    std::fprintf(stderr, "cannot run %s: %s\n", args[0], strerror(errno));
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  return {pid, out[0], err[0]};
}

void stop(Child& c) {
  if (c.pid > 0) {
    kill(c.pid, SIGKILL);
    waitpid(c.pid, nullptr, 0);
  }
  if (c.out >= 0) close(c.out);
  if (c.err >= 0) close(c.err);
  c = {};
}

// Reads the console and qemu's messages until `until`, the child's exit, or (when
// `first_output_only`) the first console byte. Returns false at the deadline.
class Session {
 public:
  Session(Child& c, std::ofstream& log, GuestResult& r) : c_(c), log_(log), r_(r) {}

  bool pump(Clock::time_point until, bool first_output_only) {
    while (c_.out >= 0 || c_.err >= 0) {
      if (first_output_only && saw_output_) return true;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
      if (left <= 0) return false;
      pollfd fds[2] = {{c_.out, POLLIN, 0}, {c_.err, POLLIN, 0}};
      if (poll(fds, 2, static_cast<int>(std::min<long long>(left, 500))) < 0 && errno != EINTR) return false;
      if (fds[0].revents) read_from(c_.out, console_);
      if (fds[1].revents) read_from(c_.err, qemu_);
    }
    return true;
  }
  bool saw_output() const { return saw_output_; }
  const std::string& last_qemu_line() const { return last_qemu_; }
  const std::string& last_console_line() const { return last_console_; }

 private:
  void read_from(int& fd, std::string& pending) {
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    bool console = &pending == &console_;
    if (n <= 0) {
      close(fd);
      fd = -1;
      if (!pending.empty()) console ? console_line(pending) : qemu_line(pending);
      pending.clear();
      return;
    }
    if (console) saw_output_ = true;
    pending.append(buf, n);
    // A line ends at "\n" or "\r\n"; a lone '\r' ends a progress line, shown in place.
    for (size_t end; (end = pending.find_first_of("\r\n")) != std::string::npos;) {
      bool lone_cr = pending[end] == '\r' && end + 1 < pending.size() && pending[end + 1] != '\n';
      if (pending[end] == '\r' && end + 1 == pending.size()) break;  // wait: "\r" or "\r\n"?
      std::string l = pending.substr(0, end);
      pending.erase(0, end + (pending[end] == '\r' && !lone_cr ? 2 : 1));
      console ? console_line(l, lone_cr ? '\r' : '\n') : qemu_line(l);
    }
  }
  void console_line(const std::string& l, char end = '\n') {
    log_ << l << '\n';
    if (!l.empty()) last_console_ = l;
    if (l.starts_with(kExitMarker)) {
      r_.exit_code = std::atoi(l.c_str() + std::strlen(kExitMarker));
      return;
    }
    if (!is_kernel_line(l)) {
      std::cout << l << end << std::flush;
    } else if (is_kernel_warning(l)) {
      ++r_.kernel_warnings;
      std::cerr << "vm: kernel: " << l << '\n';
    }
  }
  void qemu_line(const std::string& l) {
    log_ << "qemu: " << l << '\n';
    if (!l.empty()) last_qemu_ = l;
  }

  Child& c_;
  std::ofstream& log_;
  GuestResult& r_;
  std::string console_, qemu_, last_qemu_, last_console_;
  bool saw_output_ = false;
};

Clock::time_point after(double seconds) {
  return Clock::now() + std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

// Boots once with `accel`. With a probe time, gives up (and says so) when the guest
// prints nothing in it.
enum class Boot { kDone, kNoStart, kTimeout };
Boot boot(const QemuConfig& cfg, const std::string& accel, double probe_s, std::ofstream& log, GuestResult& r) {
  Child child = spawn(qemu_argv(cfg, accel));
  if (child.pid < 0) return r.why = "cannot start " + cfg.qemu, Boot::kNoStart;
  Session s(child, log, r);
  if (probe_s > 0 && !s.pump(after(probe_s), true)) {
    stop(child);
    return Boot::kNoStart;
  }
  if (probe_s > 0 && !s.saw_output()) {  // qemu exited at once: no KVM for it
    r.why = s.last_qemu_line();
    stop(child);
    return Boot::kNoStart;
  }
  bool finished = s.pump(after(cfg.timeout_s), false);
  if (!finished && r.exit_code >= 0) finished = true;  // powering off slowly: the answer is in
  int status = 0;
  if (finished) {
    // After init's line, qemu exits on the guest's power-off; give it a moment.
    auto grace = after(kPoweroffGrace_s);
    while (waitpid(child.pid, &status, WNOHANG) == 0 && Clock::now() < grace) usleep(50 * 1000);
  }
  stop(child);
  if (!finished) return Boot::kTimeout;
  if (r.exit_code < 0)
    r.why = !s.last_qemu_line().empty() ? "qemu: " + s.last_qemu_line() : "console: " + s.last_console_line();
  return Boot::kDone;
}

}  // namespace

std::vector<std::string> qemu_argv(const QemuConfig& c, const std::string& accel) {
  std::vector<std::string> a = {c.qemu, "-accel", accel, "-cpu", accel == "kvm" ? "host" : "max",
                                "-m", std::to_string(c.memory_mb), "-smp", std::to_string(c.cpus),
                                "-nodefaults", "-no-reboot", "-display", "none", "-monitor", "none",
                                "-chardev", "stdio,id=console,signal=off", "-serial", "chardev:console",
                                "-kernel", c.kernel, "-initrd", c.initrd,
                                "-append", "console=ttyS0 loglevel=4 panic=-1 rdinit=/init " +
                                    // A TCG guest on a loaded host can miss the IO-APIC timer check and panic.
                                    std::string(accel == "tcg" ? "no_timer_check " : "") +
                                    // init's environment: the command knows it is emulated (slower ops).
                                    "NFZ_VM_ACCEL=" + accel + " " + c.append};
  if (!c.share_dir.empty()) {
    a.insert(a.end(), {"-fsdev", "local,id=out,path=" + c.share_dir + ",security_model=none",
                       "-device", "virtio-9p-pci,fsdev=out,mount_tag=nfzout"});
  }
  return a;
}

bool is_kernel_line(const std::string& line) {
  static const std::regex kStamp(R"(^\[ *[0-9]+\.[0-9]+\] )");
  return std::regex_search(line, kStamp);
}

bool is_kernel_warning(const std::string& line) {
  static const std::regex kTrouble(R"(BUG:|WARNING:|Oops|Kernel panic|blocked for more than|general protection|KASAN|lockdep|possible circular)");
  return std::regex_search(line, kTrouble);
}

GuestResult run_guest(const QemuConfig& cfg) {
  GuestResult r;
  std::ofstream log(cfg.console_log, std::ios::trunc);
  std::string accel = cfg.accel;
  if (accel == "auto") {
    if (access("/dev/kvm", R_OK | W_OK) != 0) {
      accel = "tcg";
      r.accel_why = "no usable /dev/kvm";
    } else {
      Boot b = boot(cfg, "kvm", cfg.kvm_probe_s, log, r);
      if (b != Boot::kNoStart) return r.accel = "kvm", r.timed_out = b == Boot::kTimeout, r;
      accel = "tcg";
      r.accel_why = r.why.empty() ? "KVM started no guest in " + std::to_string(static_cast<int>(cfg.kvm_probe_s)) +
                                        " s (no nested virtualization?)"
                                  : "KVM: " + r.why;
      r.why.clear();
      log << "vm: falling back to TCG: " << r.accel_why << '\n';
      std::cerr << "vm: " << r.accel_why << "; booting under TCG\n";
    }
  }
  r.accel = accel;
  Boot b = boot(cfg, accel, 0, log, r);
  r.timed_out = b == Boot::kTimeout;
  if (b == Boot::kNoStart && r.why.empty()) r.why = "qemu did not start";
  return r;
}

}  // namespace nfz::vm
