#include "oracles/linearizability/register_steps.hpp"

#include <algorithm>
#include <cerrno>

#include "model/lookup/tree.hpp"

namespace nfz::oracles::lin::registers {

bool defers(const Op& op, const CheckOp& c) {
  return op.kind == OpKind::kOpen && (op.fd == kNoSlot || (op.fd >= 0 && op.fd < kSlotCount)) && !c.hung &&
         c.result >= 0;
}

void defer_unkept(model::Transition& t, const Op& op, uint32_t index) {
  // Only a FIFO's open files are seen by others (its readers and writers); for any other
  // file the one step is the same.
  if (t.reached >= t.next.nodes.size() || t.next.nodes[t.reached].type != model::NodeType::kFifo) return;
  const model::Access access = model::open_access(op);
  if (access == model::Access::kPath) return;
  model::tree::add_pin(t.next, index, kOpened + static_cast<int>(access), t.reached);
  t.result = model::kWalked;
}

model::Transition close_unkept(const model::State& s, uint32_t index, int32_t result) {
  model::Transition t{result, s};
  model::tree::drop_pins(t.next, index);  // and frees the file if nothing else holds it
  return t;
}

void defer(model::Transition& t, const Op& op, uint32_t index, const model::FileRef& kept) {
  if (op.issue.fixed) {
    // put_fixed() at the completion marks the register whatever it holds then: a plain fd
    // another thread's open put there after the kernel's open is closed too (met on ext4).
    const model::FileRef file = t.next.fixed[model::fixed_slot(op)];
    const model::Ino held = !kept.empty() ? kept.ino : file.ino;
    if (held == model::kNoIno) return;
    t.next.regs[op.fd] = kept;
    model::tree::add_pin(t.next, index, kOpened, held);
    t.result = model::kWalked;
    return;
  }
  const model::FileRef r = t.next.regs[op.fd];
  if (r.empty()) return;
  t.next.regs[op.fd] = kept;
  model::tree::add_pin(t.next, index, kOpened + static_cast<int>(r.access), r.ino);
  t.result = model::kWalked;
}

model::Transition fill(const model::State& s, const Op& op, uint32_t index, model::Ino held, model::Access access,
                       int32_t result) {
  const model::FileRef old = s.regs[op.fd];
  model::Transition t{old.empty() ? result : model::kWalked, s};
  if (old.empty()) {
    t.next.regs[op.fd] = {held, access};
    model::tree::drop_pins(t.next, index);
  } else {
    t.next.regs[op.fd] = {};
    model::tree::release(t.next, old);
  }
  return t;
}

model::Transition put_fixed(const model::State& s, const Op& op, uint32_t index, int32_t result) {
  model::Transition t{result, s};
  const model::FileRef old = t.next.regs[op.fd];
  t.next.regs[op.fd] = {};
  model::tree::drop_pins(t.next, index);
  model::tree::release(t.next, old);
  return t;
}

void cancelled_close(const model::State& s, const Op& op, uint32_t key, std::vector<model::Transition>& out) {
  out.clear();
  for (int access = 1; access <= static_cast<int>(model::Access::kPath); ++access) {
    const model::Ino held = model::tree::pinned(s, key, kTaken + access);
    if (held == model::kNoIno) continue;
    out.push_back({-ECANCELED, s});
    model::State& next = out.back().next;
    if (next.regs[op.fd].empty()) next.regs[op.fd] = {held, static_cast<model::Access>(access)};
    model::tree::drop_pins(next, key);
    return;
  }
  out.push_back({-ECANCELED, s});  // nothing taken, or given back before anything looked
  const model::FileRef r = s.regs[op.fd];
  if (r.empty()) return;
  out.push_back({model::kWalked, s});
  model::State& next = out.back().next;
  next.regs[op.fd] = {};
  model::tree::add_pin(next, key, kTaken + static_cast<int>(r.access), r.ino);
}

void exit_ring(const model::State& s, const std::vector<int>& slots, std::vector<model::Transition>& out) {
  out.clear();
  out.push_back({0, s});
  model::State& next = out.back().next;
  for (int slot : slots) {
    const model::FileRef old = next.fixed[slot];
    next.fixed[slot] = {};
    model::tree::release(next, old);
  }
}

void erase_pin(model::State& s, uint64_t pin) {
  auto it = std::lower_bound(s.pins.begin(), s.pins.end(), pin);
  if (it != s.pins.end() && *it == pin) s.pins.erase(it);
}

}  // namespace nfz::oracles::lin::registers
