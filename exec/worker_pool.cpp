#include "exec/worker_pool.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace nfz {
namespace {

void futex_wait(std::atomic<uint32_t>& word, uint32_t seen) {
  syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, seen, nullptr, nullptr, 0);
}
void futex_wake(std::atomic<uint32_t>& word) { syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0); }

}  // namespace

struct WorkerPool::Worker {
  std::atomic<uint32_t> posted{0};  // jobs handed over
  std::atomic<uint32_t> idle{1};
  bool quit = false;
  Job job;
  UringRing ring;
  bool ring_made = false;
  std::thread thread;
};

WorkerPool::WorkerPool() = default;

void WorkerPool::serve(Worker& w) {
  uint32_t seen = 0;
  for (;;) {
    uint32_t now;
    while ((now = w.posted.load(std::memory_order_acquire)) == seen) futex_wait(w.posted, seen);
    seen = now;
    if (w.quit) return;
    w.job(w.ring, w.ring_made);
    if (w.ring_made && !w.ring.clear_fixed()) w.ring_made = false;  // the next job makes it again
    w.job = nullptr;
    w.idle.store(1, std::memory_order_release);
    futex_wake(w.idle);
  }
}

WorkerPool::Worker& WorkerPool::worker(Group group, size_t index) {
  auto& list = group == Group::kSetup ? setup_ : threads_;
  while (list.size() <= index) {
    list.push_back(std::make_unique<Worker>());
    Worker* w = list.back().get();
    w->thread = std::thread([w] { serve(*w); });
  }
  return *list[index];
}

void WorkerPool::post(Group group, size_t index, Job job) {
  Worker& w = worker(group, index);
  wait_idle(group, index);
  w.job = std::move(job);
  w.idle.store(0, std::memory_order_relaxed);
  w.posted.fetch_add(1, std::memory_order_release);
  futex_wake(w.posted);
}

void WorkerPool::wait_idle(Group group, size_t index) {
  Worker& w = worker(group, index);
  while (!w.idle.load(std::memory_order_acquire)) futex_wait(w.idle, 0);
}

// A worker still busy is stuck in the kernel (its run was abandoned): it is left to the
// process's exit.
WorkerPool::~WorkerPool() {
  for (auto* list : {&setup_, &threads_})
    for (auto& w : *list) {
      if (!w->idle.load(std::memory_order_acquire)) {
        w->thread.detach();
        (void)w.release();
        continue;
      }
      w->quit = true;
      w->posted.fetch_add(1, std::memory_order_release);
      futex_wake(w->posted);
      w->thread.join();
    }
}

}  // namespace nfz
