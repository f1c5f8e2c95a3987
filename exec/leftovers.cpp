#include "exec/leftovers.hpp"

#include <array>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unistd.h>

#include "exec/loop_image.hpp"

namespace nfz {
namespace {

// Fixed-size, so that the signal handler reads it without allocating or locking.
struct Slot {
  std::atomic<bool> used{false};
  pid_t owner = -1;  // a fork inherits the table (and the handlers): only the owner releases
  std::atomic<pid_t> keeper{-1};
  char image[256] = {};
  char run_dir[128] = {};
};
constexpr size_t kSlots = 64;
std::array<Slot, kSlots> g_slots;
std::mutex g_mu;  // registration only, never taken in the handler

// Async-signal-safe: kill and unlink only.
void release_images() {
  pid_t self = getpid();
  for (Slot& s : g_slots) {
    if (!s.used.load() || s.owner != self) continue;
    if (pid_t k = s.keeper.load(); k > 0) kill(k, SIGKILL);  // its namespace goes, the loop autoclears
    if (s.image[0]) unlink(s.image);
  }
}

void on_fatal_signal(int sig) {
  release_images();
  signal(sig, SIG_DFL);
  raise(sig);
}

void at_exit() {
  release_images();
  pid_t self = getpid();
  for (Slot& s : g_slots)
    if (s.owner == self && s.used.exchange(false) && s.run_dir[0]) remove_tree(s.run_dir);
}

void install_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    atexit(at_exit);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction old {};
      if (sigaction(sig, nullptr, &old) != 0 || old.sa_handler != SIG_DFL) continue;
      struct sigaction sa {};
      sa.sa_handler = on_fatal_signal;
      sigemptyset(&sa.sa_mask);
      sigaction(sig, &sa, nullptr);
    }
  });
}

void copy(char* dst, size_t size, const std::string& src) {
  size_t n = std::min(size - 1, src.size());
  memcpy(dst, src.data(), n);
  dst[n] = '\0';
}

}  // namespace

int register_leftovers(const std::string& run_dir) {
  install_once();
  std::lock_guard lock(g_mu);
  for (size_t i = 0; i < kSlots; ++i) {
    Slot& s = g_slots[i];
    // A slot a parent process left in our copy of the table is not ours to keep.
    if (s.used.load() && s.owner == getpid()) continue;
    s.used.store(false);
    s.owner = getpid();
    copy(s.run_dir, sizeof s.run_dir, run_dir);
    s.image[0] = '\0';
    s.keeper.store(-1);
    s.used.store(true);
    return static_cast<int>(i);
  }
  return -1;
}

void set_leftover_image(int slot, const std::string& image, pid_t keeper) {
  if (slot < 0) return;
  std::lock_guard lock(g_mu);
  Slot& s = g_slots[static_cast<size_t>(slot)];
  s.keeper.store(-1);
  // The first byte last: a handler in between sees no image rather than half of one.
  s.image[0] = '\0';
  char full[sizeof s.image];
  copy(full, sizeof full, image);
  memcpy(s.image + 1, full + 1, sizeof full - 1);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  s.image[0] = full[0];
  s.keeper.store(keeper);
}

void unregister_leftovers(int slot) {
  if (slot < 0) return;
  std::lock_guard lock(g_mu);
  g_slots[static_cast<size_t>(slot)].used.store(false);
}

}  // namespace nfz
