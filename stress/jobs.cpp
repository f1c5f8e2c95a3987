#include "stress/jobs.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "exec/clock.hpp"
#include "report/progress.hpp"
#include "stress/cache_pressure.hpp"
#include "stress/findings.hpp"
#include "stress/stop_signal.hpp"

namespace nfz::stress {
namespace {

struct Job {
  pid_t pid = -1;
  int fd = -1;
  std::string pending;  // bytes after the last full line
  StressSummary latest;
  bool reported = false;
  bool done = false;  // its final line came, or its pipe closed
};

void write_all(int fd, const std::string& text) {
  for (size_t off = 0; off < text.size();) {
    ssize_t n = write(fd, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the parent is gone: PDEATHSIG ends us
    off += static_cast<size_t>(n);
  }
}

[[noreturn]] void run_in_job(const StressOptions& options, JobSlice slice, int fd) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  StressOptions mine = options;
  mine.jobs = 1;
  StressSummary summary;
  // Reports go out whether or not a progress line is printed: the parent merges them.
  mine.progress = true;
  int code = run_job(mine, slice, [&](const StressSummary& s, double, bool final_line) {
    if (!final_line) write_all(fd, "p " + summary_json_line(s) + "\n");
  }, summary);
  summary.exit_code = code;
  write_all(fd, "f " + summary_json_line(summary) + "\n");
  close(fd);
  fflush(nullptr);
  _exit(code);
}

// Reads what a job sent; returns false at end of file.
bool read_job(Job& job, const StressOptions& options) {
  char buf[65536];
  ssize_t n = read(job.fd, buf, sizeof buf);
  if (n < 0 && errno == EINTR) return true;
  if (n <= 0) return false;
  job.pending.append(buf, static_cast<size_t>(n));
  for (size_t nl; (nl = job.pending.find('\n')) != std::string::npos;) {
    std::string line = job.pending.substr(0, nl);
    job.pending.erase(0, nl + 1);
    if (line.size() < 2) continue;
    try {
      job.latest = read_summary_json(line.substr(2), options);
      job.reported = true;
      if (line[0] == 'f') job.done = true;
    } catch (const nlohmann::json::exception&) {
      // a line cut short by a dying job: the last whole one stands
    }
  }
  return true;
}

void signal_all(const std::vector<Job>& jobs, int sig) {
  for (const Job& j : jobs)
    if (j.pid > 0) kill(j.pid, sig);
}

std::vector<StressSummary> latest_of(const std::vector<Job>& jobs) {
  std::vector<StressSummary> out;
  for (const Job& j : jobs)
    if (j.reported) out.push_back(j.latest);
  return out;
}

}  // namespace

StressSummary merge_summaries(const std::vector<StressSummary>& jobs, const StressOptions& options) {
  StressSummary m;
  m.options = options;
  m.jobs = options.jobs;
  m.tracing = jobs.empty() ? "off" : jobs.front().tracing;
  m.memory_pressure = jobs.empty() ? "off" : jobs.front().memory_pressure;
  for (const StressSummary& s : jobs) {
    m.seconds = std::max(m.seconds, s.seconds);
    m.programs += s.programs;
    m.ops += s.ops;
    m.twins += s.twins;
    m.per_thread_ring_programs += s.per_thread_ring_programs;
    m.shared_ring_programs += s.shared_ring_programs;
    for (size_t k = 0; k < m.completions_by_kind.size(); ++k)
      for (size_t c = 0; c < m.completions_by_kind[k].size(); ++c) m.completions_by_kind[k][c] += s.completions_by_kind[k][c];
    m.hung_unexplained += s.hung_unexplained;
    m.abandoned_runs += s.abandoned_runs;
    m.program_digest += s.program_digest;
    for (const OracleStats& o : s.oracles) {
      auto it = std::find_if(m.oracles.begin(), m.oracles.end(), [&](const OracleStats& x) { return x.name == o.name; });
      if (it == m.oracles.end()) {
        m.oracles.push_back(o);
        continue;
      }
      it->checks += o.checks, it->violations += o.violations, it->unknown += o.unknown, it->not_judged += o.not_judged;
      for (const auto& [target, n] : o.checks_by_target) it->checks_by_target[target] += n;
    }
    for (const SuppressedRecord& k : s.suppressed) count_suppressed(m, k.title, k.pattern, k.count);
    for (const FindingRecord& f : s.findings) {
      auto it = std::find_if(m.findings.begin(), m.findings.end(), [&](const FindingRecord& x) { return x.title == f.title; });
      if (it == m.findings.end()) m.findings.push_back(f);
      else {
        it->count += f.count;
        if (it->folder.rfind("(not written", 0) == 0) it->folder = f.folder;
      }
    }
  }
  auto stopped = [&](const char* why) {
    return std::any_of(jobs.begin(), jobs.end(), [&](const StressSummary& s) { return s.stopped_by == why; });
  };
  auto failed = std::find_if(jobs.begin(), jobs.end(), [](const StressSummary& s) { return s.exit_code == 2; });
  if (failed != jobs.end()) {
    m.stopped_by = failed->stopped_by;
    m.exit_code = 2;
    return m;
  }
  m.stopped_by = stopped("finding") ? "finding" : stopped("signal") ? "signal" : jobs.empty() ? "signal" : jobs.front().stopped_by;
  m.exit_code = m.findings.empty() ? 0 : 1;
  return m;
}

int run_jobs(const StressOptions& options, std::ostream& progress, StressSummary& summary) {
  std::vector<Job> jobs(options.jobs);
  install_stop_handlers();
  CachePressure pressure;
  std::string pressure_text = pressure.start(options.drop_caches_ms, options.drop_caches_level);
  fflush(nullptr);
  for (uint32_t j = 0; j < options.jobs; ++j) {
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
      summary = StressSummary{};
      summary.options = options;
      summary.stopped_by = std::string("pipe: ") + strerror(errno);
      summary.exit_code = 2;
      signal_all(jobs, SIGKILL);
      return 2;
    }
    pid_t pid = fork();
    if (pid == 0) {
      close(pipe_fds[0]);
      for (const Job& other : jobs)
        if (other.fd >= 0) close(other.fd);
      run_in_job(options, {j, options.jobs}, pipe_fds[1]);
    }
    close(pipe_fds[1]);
    jobs[j].pid = pid;
    jobs[j].fd = pipe_fds[0];
  }
  const int64_t start = monotonic_ns();
  int64_t next_progress = start + 1'000'000'000;
  report::Progress out(progress, report::Progress::stderr_is_terminal());
  bool stopping = false;
  for (;;) {
    std::vector<pollfd> fds;
    std::vector<Job*> owners;
    for (Job& j : jobs)
      if (!j.done) fds.push_back({j.fd, POLLIN, 0}), owners.push_back(&j);
    if (fds.empty()) break;
    int ready = poll(fds.data(), fds.size(), 1000);
    for (size_t i = 0; ready > 0 && i < fds.size(); ++i)
      if (fds[i].revents && !read_job(*owners[i], options)) owners[i]->done = true;
    bool found = std::any_of(jobs.begin(), jobs.end(), [](const Job& j) { return !j.latest.findings.empty(); });
    if (!stopping && (stop_requested() || (found && !options.keep_going))) {
      signal_all(jobs, SIGTERM);
      stopping = true;
    }
    int64_t now = monotonic_ns();
    if (options.progress && now >= next_progress) {
      out.report(progress_line(merge_summaries(latest_of(jobs), options), (now - start) / 1e9));
      next_progress = now + 1'000'000'000;
    }
  }
  for (Job& j : jobs) {
    close(j.fd);
    while (waitpid(j.pid, nullptr, 0) < 0 && errno == EINTR) {}
  }
  pressure.stop();
  summary = merge_summaries(latest_of(jobs), options);
  summary.cache_pressure = pressure_text;
  summary.cache_drops = pressure.drops();
  if (stop_requested()) summary.stopped_by = "signal";
  if (std::any_of(jobs.begin(), jobs.end(), [](const Job& j) { return !j.reported; }) && summary.exit_code != 2) {
    summary.stopped_by = "a job ended without a summary (see above)";
    summary.exit_code = 2;
  }
  summary.seconds = (monotonic_ns() - start) / 1e9;
  if (options.progress) out.finish(progress_line(summary, summary.seconds));
  release_claims(options.findings_dir, options.run_id);
  return summary.exit_code;
}

}  // namespace nfz::stress
