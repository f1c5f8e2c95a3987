#include "exec/history_buffer.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <sys/mman.h>

#include "exec/link_probe.hpp"

namespace nfz {

HistoryBuffer::~HistoryBuffer() {
  if (header_) munmap(header_, mapped_);
}

// Maps at least `need` bytes when less is mapped; true when it did.
bool HistoryBuffer::map(size_t need) {
  if (need <= mapped_) return false;
  if (header_) munmap(header_, mapped_);
  size_t size = std::max<size_t>(need * 2, 1 << 20);
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    perror("nameifuzz: mmap history buffer");
    abort();
  }
  header_ = new (p) Header();
  events_ = reinterpret_cast<Event*>(static_cast<char*>(p) + events_offset());
  mapped_ = size;
  return true;
}

void HistoryBuffer::reserve(size_t events) {
  map(events_offset() + events * sizeof(Event));
}

bool HistoryBuffer::reset(const Program& program) {
  if (program.threads.size() > static_cast<size_t>(kMaxThreads)) {
    fprintf(stderr, "nameifuzz: internal error: %zu threads > %d\n", program.threads.size(), kMaxThreads);
    abort();
  }
  size_t total = program.op_count();
  bool remapped = map(events_offset() + total * sizeof(Event));
  size_t* offsets = header_->offsets;
  offsets[0] = 0;
  offsets[1] = program.setup.size();
  for (size_t t = 0; t < program.threads.size(); ++t) offsets[t + 2] = offsets[t + 1] + program.threads[t].size();
  for (int i = 0; i <= kMaxThreads; ++i) {
    header_->done[i].store(0, std::memory_order_relaxed);
    header_->issued[i].store(0, std::memory_order_relaxed);
    header_->tids[i] = 0;
  }
  header_->progress.store(0, std::memory_order_relaxed);
  std::fill(events_, events_ + total, Event{});
  return remapped;
}

History HistoryBuffer::collect(const Program& program, const std::string& target) const {
  History h;
  h.target = target;
  h.link_rule = kernel_link_rule();
  h.ops.reserve(program.threads.size() + 1);
  h.ops.push_back(program.setup);
  for (const auto& t : program.threads) h.ops.push_back(t);
  for (size_t t = 0; t < h.ops.size(); ++t) {
    int thread = static_cast<int>(t) - 1;
    uint32_t done = header_->done[t].load(std::memory_order_acquire);
    uint32_t issued = std::max(done, header_->issued[t].load(std::memory_order_acquire));
    for (uint32_t i = 0; i < issued && i < h.ops[t].size(); ++i) {
      Event e = events_[header_->offsets[t] + i];
      e.thread = thread;
      e.index = i;
      if (i >= done) {  // in flight when the run ended: it never returned
        e.return_ns = -1;
        e.how = Completion::kHung;
      }
      h.events.push_back(e);
    }
    h.tids.push_back(header_->tids[t]);
  }
  std::stable_sort(h.events.begin(), h.events.end(), [](const Event& a, const Event& b) {
    if ((a.thread == kSetupThread) != (b.thread == kSetupThread)) return a.thread == kSetupThread;
    return a.call_ns < b.call_ns;
  });
  return h;
}

}  // namespace nfz
