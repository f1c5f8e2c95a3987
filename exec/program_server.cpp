#include "exec/program_server.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <sys/mman.h>

#include "exec/program_wire.hpp"

namespace nfz {
namespace {

constexpr size_t kMailboxBytes = 4 << 20;

// The mailbox's head; the encoded program and twin follow it.
struct Request {
  int64_t op_deadline_ns = 0;
  RingMode ring = RingMode::kPerThread;
  bool has_twin = false;
  uint32_t program_bytes = 0;
  uint32_t twin_bytes = 0;
};

std::span<std::byte> payload(std::byte* mailbox) {
  return {mailbox + sizeof(Request), kMailboxBytes - sizeof(Request)};
}

}  // namespace

ProgramServer::ProgramServer(Sandbox& sandbox, AfterRun after_run, size_t max_ops)
    : sandbox_(sandbox), after_run_(std::move(after_run)) {
  void* p = mmap(nullptr, kMailboxBytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    perror("nameifuzz: mmap program mailbox");
    abort();
  }
  mailbox_ = static_cast<std::byte*>(p);
  buffer_.reserve(max_ops);
  twin_buffer_.reserve(max_ops);
}

ProgramServer::~ProgramServer() {
  sandbox_.stop_served();  // its child reads this mailbox
  munmap(mailbox_, kMailboxBytes);
}

ConcurrentRun ProgramServer::run(const Program& program, const Program* twin, const ConcurrentOptions& options) {
  start(program, twin, options);
  return finish();
}

void ProgramServer::start(const Program& program, const Program* twin, const ConcurrentOptions& options) {
  started_ = &program;
  started_twin_ = twin;
  started_options_ = options;
  bool remapped = buffer_.reset(program);
  if (twin) remapped |= twin_buffer_.reset(*twin);
  if (remapped) sandbox_.stop_served();
  Request request{options.op_deadline_ns, options.ring, twin != nullptr, 0, 0};
  std::span<std::byte> out = payload(mailbox_);
  request.program_bytes = static_cast<uint32_t>(encode_program(program, out));
  if (twin && request.program_bytes)
    request.twin_bytes = static_cast<uint32_t>(encode_program(*twin, out.subspan(request.program_bytes)));
  forked_ = !request.program_bytes || (twin && !request.twin_bytes);
  if (forked_) return;
  memcpy(mailbox_, &request, sizeof request);
  begun_ = sandbox_.begin_served([this](const SandboxEnv& env) { return serve(env); }, begin_status_);
}

ConcurrentRun ProgramServer::finish() {
  const Program& program = *started_;
  const Program* twin = started_twin_;
  if (forked_) {  // too large to serve: a forked run
    ConcurrentOptions forked = started_options_;
    forked.then_program = twin;
    forked.then_buffer = &twin_buffer_;
    if (after_run_)
      forked.after_run = [&](const SandboxEnv& env, int code) { after_run_(env, program, buffer_, code); };
    return run_program(sandbox_, program, forked, buffer_);
  }
  ConcurrentRun run;
  run.status = begun_ ? sandbox_.end_served(run_watchdog(buffer_, twin ? &twin_buffer_ : nullptr,
                                                          started_options_.op_deadline_ns))
                      : begin_status_;
  collect_run(run, program, buffer_, twin, &twin_buffer_, sandbox_.target().name, started_options_.ring);
  return run;
}

int ProgramServer::serve(const SandboxEnv& env) {
  Request request;
  memcpy(&request, mailbox_, sizeof request);
  std::span<const std::byte> in = payload(mailbox_);
  if (decode_program(in.first(request.program_bytes), program_) != request.program_bytes) return kExitEnvironment;
  if (request.has_twin &&
      decode_program(in.subspan(request.program_bytes, request.twin_bytes), twin_) != request.twin_bytes)
    return kExitEnvironment;
  ConcurrentOptions options;
  options.op_deadline_ns = request.op_deadline_ns;
  options.ring = request.ring;
  if (!pool_) pool_ = std::make_unique<WorkerPool>();
  options.pool = pool_.get();
  int code = run_concurrent(program_, env, options, buffer_);
  if (after_run_) after_run_(env, program_, buffer_, code);
  if (request.has_twin && code == kRunOk && env.fresh_root && env.fresh_root())
    run_concurrent(twin_, env, options, twin_buffer_);
  return code;
}

}  // namespace nfz
