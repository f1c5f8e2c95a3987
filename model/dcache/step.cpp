#include "model/dcache/step.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "model/dcache/step_context.hpp"

namespace nfz::dcache {
namespace {

struct PcInfo {
  std::string_view name;
  bool blocks;
};

constexpr std::array<PcInfo, kPcCount> kPcs = {{
    {"start", false},
    {"lookup_fast", false},
    {"try_to_unlazy", false},
    {"d_revalidate", true},
    {"inode_permission", true},
    {"inode_lock", true},
    {"d_alloc_parallel", false},
    {"d_alloc_parallel in-lookup", false},
    {"d_wait_lookup", true},
    {"->lookup", true},
    {"d_splice_alias", false},
    {"end_dir_add", false},
    {"->create", true},
    {"->atomic_open", false},
    {"->atomic_open rpc", true},
    {"->atomic_open instantiate", false},
    {"->atomic_open fallback ->lookup", true},
    {"->atomic_open fallback splice", false},
    {"->atomic_open d_add(NULL)", false},
    {"pick_link", false},
    {"touch_atime", true},
    {"complete_walk", false},
    {"finish", false},
    {"inode_lock", true},
    {"lookup_one_qstr_excl", true},
    {"lookup_one_qstr_excl", true},
    {"->unlink/->rename", true},
}};

}  // namespace

namespace detail {
void model_bug(const char* what) {
  std::fprintf(stderr, "ERROR: dcache model bug: %s\n", what);
  std::abort();
}
}  // namespace detail

std::string_view pc_name(uint8_t pc) { return pc < kPcCount ? kPcs[pc].name : "?"; }
bool pc_blocks(uint8_t pc) { return pc < kPcCount && kPcs[pc].blocks; }

const char* step(World& w, const Scenario& s, int t) {
  ThreadState& th = w.t[t];
  detail::Ctx c{w, s, t, th, s.ops[t][th.op]};
  // nonblock.walk: the step about to run may sleep, and this walk promised it would not.
  if ((th.mode & kNonblock) && pc_blocks(th.pc)) violate(w, kNonblockWalk, t, th.d);
  const char* what;
  if (th.pc == kPcFinish) what = detail::finish_step(c);
  else if (th.pc == kPcStart && !detail::is_walk_op(c.op.kind)) what = detail::start_dir_op(c);
  else if (th.pc >= kPcDirLock) what = detail::dir_step(c);
  else what = detail::walk_step(c);
  check_dentry_invariants(w, t);
  return what;
}

World initial_world(const Scenario& s) {
  World w;
  std::memcpy(w.server, s.server, sizeof w.server);
  std::memcpy(w.server_target, s.server_target, sizeof w.server_target);
  while (!thread_done(w, s, kSetupSlot) && w.violation.oracle == kOracleNone && !w.overflow) {
    if (!runnable(w, s, kSetupSlot)) {
      violate(w, kProgress, kSetupSlot);
      break;
    }
    step(w, s, kSetupSlot);
  }
  return w;
}

}  // namespace nfz::dcache
