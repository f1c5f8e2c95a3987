#include "exec/program_wire.hpp"

#include <cstdint>
#include <cstring>
#include <string>

namespace nfz {
namespace {

class Writer {
 public:
  explicit Writer(std::span<std::byte> out) : out_(out) {}
  template <class T>
  void put(const T& v) { bytes(&v, sizeof v); }
  void str(const std::string& s) {
    put(static_cast<uint32_t>(s.size()));
    bytes(s.data(), s.size());
  }
  size_t end() const { return ok_ ? at_ : 0; }

 private:
  void bytes(const void* p, size_t n) {
    if (!ok_ || n > out_.size() - at_) {
      ok_ = false;
      return;
    }
    memcpy(out_.data() + at_, p, n);
    at_ += n;
  }
  std::span<std::byte> out_;
  size_t at_ = 0;
  bool ok_ = true;
};

class Reader {
 public:
  explicit Reader(std::span<const std::byte> in) : in_(in) {}
  template <class T>
  T get() {
    T v{};
    bytes(&v, sizeof v);
    return v;
  }
  void str(std::string& s) {
    uint32_t n = get<uint32_t>();
    if (!ok_ || n > in_.size() - at_) {
      ok_ = false;
      return;
    }
    s.assign(reinterpret_cast<const char*>(in_.data() + at_), n);
    at_ += n;
  }
  size_t end() const { return ok_ ? at_ : 0; }
  bool ok() const { return ok_; }

 private:
  void bytes(void* p, size_t n) {
    if (!ok_ || n > in_.size() - at_) {
      ok_ = false;
      return;
    }
    memcpy(p, in_.data() + at_, n);
    at_ += n;
  }
  std::span<const std::byte> in_;
  size_t at_ = 0;
  bool ok_ = true;
};

void put_op(Writer& w, const Op& op) {
  w.put(op.kind);
  w.put(op.issue.via);
  w.put(op.issue.link);
  w.put(op.issue.fixed);
  w.put(op.openat2);
  w.put(op.dirfd);
  w.put(op.fd);
  for (uint32_t v : {op.flags, op.resolve, op.mode, op.major, op.minor, op.arg}) w.put(v);
  w.str(op.path);
  w.str(op.path2);
}

void get_op(Reader& r, Op& op) {
  op.kind = r.get<OpKind>();
  op.issue.via = r.get<Via>();
  op.issue.link = r.get<bool>();
  op.issue.fixed = r.get<bool>();
  op.openat2 = r.get<bool>();
  op.dirfd = r.get<int8_t>();
  op.fd = r.get<int8_t>();
  for (uint32_t* v : {&op.flags, &op.resolve, &op.mode, &op.major, &op.minor, &op.arg}) *v = r.get<uint32_t>();
  r.str(op.path);
  r.str(op.path2);
}

void put_ops(Writer& w, const std::vector<Op>& ops) {
  w.put(static_cast<uint32_t>(ops.size()));
  for (const Op& op : ops) put_op(w, op);
}

void get_ops(Reader& r, std::vector<Op>& ops) {
  uint32_t n = r.get<uint32_t>();
  if (!r.ok() || n > kMaxOpsPerProgram) return;
  ops.resize(n);
  for (Op& op : ops) get_op(r, op);
}

}  // namespace

size_t encode_program(const Program& program, std::span<std::byte> out) {
  Writer w(out);
  w.put(static_cast<uint32_t>(program.faults.size()));
  for (const FuseFault& f : program.faults) w.put(f);
  put_ops(w, program.setup);
  w.put(static_cast<uint32_t>(program.threads.size()));
  for (const auto& t : program.threads) put_ops(w, t);
  return w.end();
}

size_t decode_program(std::span<const std::byte> in, Program& program) {
  Reader r(in);
  uint32_t faults = r.get<uint32_t>();
  if (!r.ok() || faults > in.size()) return 0;
  program.faults.resize(faults);
  for (FuseFault& f : program.faults) f = r.get<FuseFault>();
  get_ops(r, program.setup);
  uint32_t threads = r.get<uint32_t>();
  if (!r.ok() || threads > static_cast<uint32_t>(kMaxThreads)) return 0;
  program.threads.resize(threads);
  for (auto& t : program.threads) get_ops(r, t);
  return r.end();
}

}  // namespace nfz
