#include "exec/inject.hpp"

#include <cerrno>
#include <unistd.h>

#include "exec/fuse/observer_fs.hpp"
#include "exec/sandbox.hpp"

namespace nfz::inject {
namespace {

constexpr uint32_t kInlineSleepUs = 2000;
constexpr uint32_t kFuseLatencyUs = 20'000;

struct Entry {
  std::string_view name;
  Fault fault;
  std::string_view oracle;
  FuseOp default_request;  // kFuse entries
  FuseFault::Kind kind;
};

constexpr Entry kTable[] = {
    {"excl-double-success", Fault::kExclDoubleSuccess, "linearizable", FuseOp::kOther, FuseFault::Kind::kLatency},
    {"unlink-phantom", Fault::kUnlinkPhantom, "linearizable", FuseOp::kOther, FuseFault::Kind::kLatency},
    {"rename-phantom", Fault::kRenamePhantom, "linearizable", FuseOp::kOther, FuseFault::Kind::kLatency},
    {"inline-sleep", Fault::kInlineSleep, "nonblock.issue", FuseOp::kOther, FuseFault::Kind::kLatency},
    {"fuse-latency", Fault::kFuse, "nonblock.issue", FuseOp::kOpendir, FuseFault::Kind::kLatency},
    {"fuse-error", Fault::kFuse, "negative.fresh", FuseOp::kLookup, FuseFault::Kind::kError},
};

Injection g_injection;

}  // namespace

std::string names() {
  std::string s;
  for (const Entry& e : kTable) s += (s.empty() ? "" : ", ") + std::string(e.name) + (e.fault == Fault::kFuse ? "[:REQUEST]" : "");
  return s;
}

Injection parse(std::string_view name, std::string& why) {
  std::string_view base = name.substr(0, name.find(':'));
  std::string_view request = base.size() < name.size() ? name.substr(base.size() + 1) : "";
  for (const Entry& e : kTable) {
    if (e.name != base) continue;
    Injection in{e.fault, std::string(name), std::string(e.oracle), {}};
    if (e.fault != Fault::kFuse) {
      if (!request.empty()) why = "--inject " + std::string(base) + " takes no request type";
      return in;
    }
    FuseOp op = request.empty() ? e.default_request : fuse_op_by_name(request);
    if (op == FuseOp::kOther || op == FuseOp::kForget) {
      why = "--inject " + std::string(name) + ": unknown or unanswered FUSE request type '" + std::string(request) + "'";
      return in;
    }
    in.fuse.kind = e.kind;
    in.fuse.op = op;
    if (e.kind == FuseFault::Kind::kLatency) in.fuse.min_us = in.fuse.max_us = kFuseLatencyUs;
    else in.fuse.error = ENOENT, in.fuse.permille = 1000;
    return in;
  }
  why = "--inject: unknown fault '" + std::string(name) + "' (known: " + names() + ")";
  return {};
}

void enable(const Injection& injection) {
  g_injection = injection;
  detail::g_fault = injection.fault;
}

void disable() { enable({}); }

const Injection& current() { return g_injection; }

void after_submit_slow() { usleep(kInlineSleepUs); }

void apply_fuse_faults(const Program& program, const SandboxEnv& env) {
  if (!env.observer || (program.faults.empty() && detail::g_fault != Fault::kFuse)) return;
  std::vector<FuseFault> faults = program.faults;
  if (detail::g_fault == Fault::kFuse) faults.push_back(g_injection.fuse);
  env.observer->add_faults(faults);
}

void carry_fuse_fault(Program& program) {
  if (detail::g_fault != Fault::kFuse) return;
  for (const FuseFault& f : program.faults)
    if (f == g_injection.fuse) return;
  program.faults.push_back(g_injection.fuse);
}

}  // namespace nfz::inject
