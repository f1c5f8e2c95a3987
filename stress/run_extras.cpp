#include "stress/run_extras.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <sstream>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "exec/concurrent.hpp"
#include "exec/fuse/observer_fs.hpp"
#include "exec/kernel/cached_probe.hpp"
#include "oracles/fuse/fuse_oracles.hpp"
#include "oracles/nonblock/nonblock.hpp"

namespace nfz::stress {
namespace {

using nlohmann::json;

// cached.complete probes per run: each is two opens on a quiescent target.
constexpr size_t kMaxCachedProbes = 16;
// FORGETs come as the kernel evicts the inodes (fuse_evict_inode() queues them,
// fuse_dev_do_read() hands them out): the trace is taken once no request arrived for
// kSettle (the observer signals each one), or after kSettleMax.
constexpr int64_t kSettleNs = 5'000'000;
constexpr int64_t kSettleMaxNs = 500'000'000;
constexpr int kDropAttempts = 5;
constexpr int kInvalidateAttempts = 1;  // then up to 4 drop_caches 2, as before
constexpr int64_t kDropRetryNs = 50'000'000;

void sleep_ns(int64_t ns) {
  timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  nanosleep(&ts, nullptr);
}

void append(FuseTrace& into, FuseTrace&& more) {
  for (auto& r : more.requests) into.requests.push_back(std::move(r));
}

// Every entry the observer handed out invalidated, then the FORGETs that follow. Only
// this mount's dentries go: FUSE_NOTIFY_INVAL_ENTRY makes fuse_reverse_inval_entry()
// d_invalidate() the dentry and its subtree, and fuse's drop_inode is
// generic_delete_inode(), so the last iput() evicts the inode and queues its FORGET. A
// global drop_caches 2 does the same for every superblock of the machine (25-120 ms a
// write here, and it prunes the other jobs' caches under their runs): it comes only when
// the invalidations left lookups (an entry the observer no longer names).
bool invalidate_and_settle(const SandboxEnv& env, FuseTrace& trace) {
  env.observer->invalidate_all();
  bool settled = env.observer->wait_quiet(kSettleNs, kSettleMaxNs);
  append(trace, env.observer->take_trace());
  return settled;
}

bool drop_and_settle(const SandboxEnv& env, FuseTrace& trace) {
  const char two = '2';
  if (env.drop_caches_fd < 0 || pwrite(env.drop_caches_fd, &two, 1, 0) != 1) return false;
  bool settled = env.observer->wait_quiet(kSettleNs, kSettleMaxNs);
  append(trace, env.observer->take_trace());
  return settled;
}

// Quiescence comes a little after the run: a closed ring drops its fixed files and io-wq
// workers their requests' files from a workqueue (io_ring_exit_work()), so a dentry may
// still be pinned at the first attempt. Tries again while lookups remain, a few times
// (invalidations first, then drop_caches 2); a count that never comes down is the
// oracle's to report.
bool settle_after_drop(const SandboxEnv& env, FuseTrace& trace) {
  bool settled = false;
  for (int attempt = 0; attempt < kDropAttempts; ++attempt) {
    if (attempt) sleep_ns(kDropRetryNs);
    settled = attempt < kInvalidateAttempts ? invalidate_and_settle(env, trace) : drop_and_settle(env, trace);
    if (settled && oracles::check_lookup_balance(trace, true).violations.empty()) break;
  }
  return settled;
}

oracles::OracleResult probe_cached(const History& history) {
  oracles::OracleResult result;
  for (const auto& p : kernel::probe_cached_twins(history, kMaxCachedProbes, oracles::cached_twin))
    result.merge(oracles::judge_cached_twin(p.original, p.twin, p.result));
  return result;
}

json result_json(const oracles::OracleResult& r) {
  json violations = json::array();
  for (const auto& v : r.violations) violations.push_back({{"title", v.title}, {"detail", v.detail}});
  return {{"checks", r.checks}, {"violations", violations}};
}

oracles::OracleResult result_of(const json& j) {
  oracles::OracleResult r;
  r.checks = j.at("checks").get<uint64_t>();
  for (const auto& v : j.at("violations")) r.violations.push_back({v.at("title"), v.at("detail")});
  return r;
}

}  // namespace

RunExtras gather_extras(const SandboxEnv& env, int code, const History& history, const ExtrasWanted& wanted) {
  RunExtras extras;
  if (wanted.cached_probes && code == kRunOk) extras.cached_complete = probe_cached(history);
  if (wanted.fuse_trace && env.observer) {
    extras.fuse = env.observer->take_trace();
    if (wanted.fuse_quiescent && code == kRunOk) extras.fuse_quiescent = settle_after_drop(env, *extras.fuse);
  }
  return extras;
}

ExtrasChannel::~ExtrasChannel() {
  if (fd_ >= 0) close(fd_);
}

std::string ExtrasChannel::open() {
  fd_ = memfd_create("nameifuzz-extras", 0);
  return fd_ < 0 ? std::string("memfd_create: ") + strerror(errno) : std::string();
}

void ExtrasChannel::clear() {
  if (fd_ >= 0 && ftruncate(fd_, 0) != 0) perror("nameifuzz: extras channel");
}

void ExtrasChannel::send(const RunExtras& extras) {
  json j = json::object();
  if (extras.fuse) {
    std::ostringstream trace;
    write_fuse_trace(trace, *extras.fuse);
    j["fuse"] = trace.str();
    j["fuse_quiescent"] = extras.fuse_quiescent;
  }
  if (extras.cached_complete) j["cached_complete"] = result_json(*extras.cached_complete);
  std::string text = j.dump();
  if (ftruncate(fd_, 0) != 0 || pwrite(fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()))
    perror("nameifuzz: extras channel");
}

RunExtras ExtrasChannel::receive() {
  RunExtras extras;
  struct stat st {};
  if (fd_ < 0 || fstat(fd_, &st) != 0 || st.st_size == 0) return extras;
  std::string text(static_cast<size_t>(st.st_size), '\0');
  if (pread(fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) return extras;
  try {
    json j = json::parse(text);
    if (j.contains("fuse")) {
      extras.fuse = read_fuse_trace(j["fuse"].get<std::string>());
      extras.fuse_quiescent = j.value("fuse_quiescent", false);
    }
    if (j.contains("cached_complete")) extras.cached_complete = result_of(j["cached_complete"]);
  } catch (const json::exception&) {
    return RunExtras{};  // a child killed mid-write: as if it sent nothing
  }
  return extras;
}

}  // namespace nfz::stress
