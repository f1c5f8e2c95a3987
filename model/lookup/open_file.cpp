#include "model/lookup/open_file.hpp"

#include <cerrno>

#include "model/lookup/tree.hpp"

namespace nfz::model {
namespace {

// chrdev_open(): the drivers a sandbox can reach. Major 1 is drivers/char/mem.c (null,
// zero, full, random, urandom open for anyone with the access); 0:0 is a whiteout, for
// which no driver is registered (-ENXIO).
void open_char_device(const StepContext& c, const State& base, Ino ino, Access access) {
  uint32_t dev = base.nodes[ino].data;
  uint32_t major = dev >> 20, minor = dev & 0xfffff;
  State opened = place_file(copy_state(base), c.op, {ino, access});
  if (major == 1 && (minor == 3 || minor == 5 || minor == 7 || minor == 8 || minor == 9)) {
    add_outcome(c, 0, std::move(opened));
  } else if (dev == 0) {
    add_outcome(c, -ENXIO, c.copy());
  } else {  // a driver the model does not know: either
    add_outcome(c, 0, std::move(opened));
    add_outcome(c, -ENXIO, c.copy());
  }
}

// fifo_open(): a reader without writers waits for one (wait_for_partner()), unless
// O_NONBLOCK; a writer without readers waits, or with O_NONBLOCK fails with -ENXIO;
// O_RDWR never waits. The waiting opener is counted by the kernel while it waits, so a
// peer that comes meanwhile succeeds and wakes it: in kConcurrent mode a wait may end in
// success.
void open_fifo(const StepContext& c, const State& base, Ino ino, Access access, bool nonblock) {
  bool peer = true;
  if (access == Access::kRead) peer = tree::fifo_writers(base, ino) > 0 || nonblock;
  if (access == Access::kWrite) {
    if (tree::fifo_readers(base, ino) == 0 && nonblock) {
      add_outcome(c, -ENXIO, c.copy());
      return;
    }
    peer = tree::fifo_readers(base, ino) > 0;
  }
  if (peer || c.concurrent()) add_outcome(c, 0, place_file(copy_state(base), c.op, {ino, access}));
  if (!peer) add_outcome(c, kBlocks, c.copy());
}

}  // namespace

void add_outcome(const StepContext& c, int32_t result, State next) {
  for (const Transition& t : c.out)
    if (t.result == result && t.next == next) return recycle_state(std::move(next));
  c.out.push_back({result, std::move(next), c.reached_by(result)});
}

State place_file(State base, const Op& op, const FileRef& file) {
  if (op.fd == kNoSlot) {  // the harness closes an fd nobody keeps at once
    tree::maybe_free(base, file.ino);
    return base;
  }
  FileRef old = base.regs[op.fd];
  if (op.issue.fixed) {
    // io_uring_prep_openat_direct(): the fixed slot takes the file (replacing and putting
    // what it held); the register now names the slot and holds no fd (put_fixed()).
    FileRef old_slot = base.fixed[fixed_slot(op)];
    base.fixed[fixed_slot(op)] = file;
    base.regs[op.fd] = FileRef{};
    if (!old_slot.empty()) tree::maybe_free(base, old_slot.ino);
  } else {
    base.regs[op.fd] = file;
  }
  tree::release(base, old);
  return base;
}

void open_object(const StepContext& c, const State& base, Ino ino, Access access, bool nonblock) {
  switch (base.nodes[ino].type) {
    case NodeType::kChr:
      if (access != Access::kPath) return open_char_device(c, base, ino, access);
      break;
    case NodeType::kFifo:
      if (access != Access::kPath) return open_fifo(c, base, ino, access, nonblock);
      break;
    default:
      break;
  }
  add_outcome(c, 0, place_file(copy_state(base), c.op, {ino, access}));
}

}  // namespace nfz::model
