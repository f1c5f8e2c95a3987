#include "model/dcache/schedule_text.hpp"

#include <charconv>
#include <optional>

#include "model/dcache/variant.hpp"

namespace nfz::dcache {
namespace {

constexpr std::string_view kHeader = "nameifuzz dcache schedule v1";

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

std::optional<uint8_t> lookup(std::string_view word, std::string_view (*name)(uint8_t), int count) {
  for (int i = 0; i < count; ++i)
    if (name(static_cast<uint8_t>(i)) == word) return static_cast<uint8_t>(i);
  return std::nullopt;
}

std::optional<unsigned> number(std::string_view word) {
  unsigned v = 0;
  auto [p, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
  if (ec != std::errc() || p != word.data() + word.size() || v > 1000000) return std::nullopt;
  return v;
}

std::string parse_op(const std::vector<std::string_view>& w, uint8_t fs, Op& op) {
  auto kind = lookup(w[0], op_kind_name, kOpKindCount);
  if (!kind) return "unknown op '" + std::string(w[0]) + "'";
  op = Op{};
  op.kind = *kind;
  size_t i = 1;
  auto name = [&](uint8_t& out) -> std::string {
    if (i >= w.size()) return std::string(op_kind_name(op.kind)) + ": missing name";
    auto n = lookup(w[i], name_of, kMaxNames);
    if (!n) return "unknown name '" + std::string(w[i]) + "' (names: a b c d)";
    out = *n;
    ++i;
    return {};
  };
  std::string err;
  if (op.kind != kOpEvict && !(err = name(op.name)).empty()) return err;
  if (op.kind == kOpRename && !(err = name(op.name2)).empty()) return err;
  for (; i < w.size(); ++i) {
    if (op.kind != kOpOpen) return "unexpected '" + std::string(w[i]) + "' after " + std::string(op_kind_name(op.kind));
    if (w[i] == "O_CREAT") op.flags |= kOCreat;
    else if (w[i] == "O_EXCL") op.flags |= kOExcl;
    else if (w[i] == "O_DIRECTORY") op.flags |= kODirectory;
    else if (auto how = lookup(w[i], how_name, kHowCount)) op.how = *how;
    else return "unknown open flag or issue mode '" + std::string(w[i]) + "'";
  }
  return validate_op(op, fs);
}

// The lines before the first section: `variant V`, `fs F`, `server NAME=TYPE ...`,
// `readonly`, `acl`, `atime`.
std::string parse_setting(const std::vector<std::string_view>& w, Scenario& s) {
  if (w[0] == "readonly" || w[0] == "acl" || w[0] == "atime") {
    if (w.size() != 1) return std::string(w[0]) + ": takes no arguments";
    (w[0] == "acl" ? s.acl : w[0] == "atime" ? s.atime : s.readonly) = 1;
    return {};
  }
  if (w[0] == "variant") {
    if (w.size() != 2) return "variant: expected one name";
    auto v = find_variant(w[1]);
    if (!v) return "unknown variant '" + std::string(w[1]) + "' (known: " + std::string(variant_names()) + ")";
    s.variant = *v;
    s.rules = variants()[*v].rules;
    return {};
  }
  if (w[0] == "fs") {
    if (w.size() != 2) return "fs: expected one name";
    auto fs = lookup(w[1], fs_name, kFsCount);
    if (!fs) return "unknown fs '" + std::string(w[1]) + "' (known: ext4 nfs ceph lustre)";
    s.fs = *fs;
    return {};
  }
  for (size_t i = 1; i < w.size(); ++i) {
    const auto eq = w[i].find('=');
    auto n = eq == std::string_view::npos ? std::nullopt : lookup(w[i].substr(0, eq), name_of, kMaxNames);
    std::string_view type = n ? w[i].substr(eq + 1) : std::string_view();
    std::optional<uint8_t> target;
    if (auto colon = type.find(':'); colon != std::string_view::npos) {
      target = lookup(type.substr(colon + 1), name_of, kMaxNames);
      type = type.substr(0, colon);
    }
    auto ty = n ? lookup(type, type_name, kTypeCount) : std::nullopt;
    if (!ty || (*ty == kLink) != target.has_value())
      return "server: expected NAME=none|file|dir|symlink:NAME, got '" + std::string(w[i]) + "'";
    s.server[*n] = *ty;
    s.server_target[*n] = target.value_or(0);
  }
  return {};
}

}  // namespace

std::string print_schedule_file(const ScheduleFile& f) {
  const Scenario& s = f.scenario;
  std::string out(kHeader);
  out += "\nvariant " + std::string(variants()[s.variant].name) + "\n";
  out += "fs " + std::string(fs_name(s.fs)) + "\n";
  std::string server;
  for (uint8_t n = 0; n < kMaxNames; ++n)
    if (s.server[n] != kNone) {
      server += " " + std::string(name_of(n)) + "=" + std::string(type_name(s.server[n]));
      if (s.server[n] == kLink) server += ":" + std::string(name_of(s.server_target[n]));
    }
  if (!server.empty()) out += "server" + server + "\n";
  if (s.readonly) out += "readonly\n";
  if (s.acl) out += "acl\n";
  if (s.atime) out += "atime\n";
  if (s.nops[kSetupSlot]) {
    out += "setup:\n";
    for (int i = 0; i < s.nops[kSetupSlot]; ++i) out += "  " + print_op(s.ops[kSetupSlot][i]) + "\n";
  }
  for (int t = 0; t < s.nthreads; ++t) {
    out += "thread " + std::to_string(t) + ":\n";
    for (int i = 0; i < s.nops[t]; ++i) out += "  " + print_op(s.ops[t][i]) + "\n";
  }
  out += "schedule:";
  for (size_t i = 0; i < f.schedule.size(); ++i) out += (i % 32 == 0 && i ? "\n " : " ") + std::to_string(f.schedule[i]);
  out += "\n";
  return out;
}

// One pass over the lines; `slot` and `in_schedule` say which part of the file we are in.
// Long because every malformed line gets its own message with its line number.
std::variant<ScheduleFile, ScheduleError> parse_schedule_file(std::string_view text, std::string_view file) {
  ScheduleFile f;
  Scenario& s = f.scenario;
  size_t line_no = 0;
  auto error = [&](std::string message) { return ScheduleError{std::string(file), line_no, std::move(message)}; };
  bool header = false, have_variant = false, have_fs = false, in_schedule = false;
  int slot = -1;  // section being filled: kSetupSlot or a thread
  auto add_entries = [&](const std::vector<std::string_view>& words) -> std::string {
    for (auto word : words) {
      auto v = number(word);
      if (!v) return "schedule entry '" + std::string(word) + "' is not a thread number";
      if (*v >= s.nthreads) return "schedule names thread " + std::to_string(*v) + " of " + std::to_string(s.nthreads);
      if (f.schedule.size() >= kMaxScheduleEntries) return "schedule longer than 4096 entries";
      f.schedule.push_back(static_cast<uint8_t>(*v));
    }
    return {};
  };
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.find('\0') != std::string_view::npos) return error("NUL byte");
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto w = split(line);
    if (w.empty()) continue;
    if (!header) {
      if (line.substr(0, line.find_last_not_of(" \t") + 1) != kHeader) {
        if (w.size() >= 3 && w[0] == "nameifuzz" && w[1] == "dcache") return error("unsupported format version");
        return error("expected '" + std::string(kHeader) + "'");
      }
      header = true;
      continue;
    }
    if (in_schedule) {
      if (auto err = add_entries(w); !err.empty()) return error(err);
      continue;
    }
    if (w[0] == "variant" || w[0] == "fs" || w[0] == "server" || w[0] == "readonly" || w[0] == "acl" ||
        w[0] == "atime") {
      if (slot >= 0) return error("'" + std::string(w[0]) + "' after the first section");
      if (auto err = parse_setting(w, s); !err.empty()) return error(err);
      have_variant |= w[0] == "variant";
      have_fs |= w[0] == "fs";
      continue;
    }
    if (!have_variant || !have_fs) return error("'variant' and 'fs' lines must come before the ops");
    if (w.size() == 1 && w[0] == "setup:") {
      if (slot >= 0) return error("setup: must be the first section");
      slot = kSetupSlot;
      continue;
    }
    if (w[0] == "thread") {
      if (w.size() != 2 || w[1].back() != ':') return error("expected 'thread N:'");
      auto n = number(w[1].substr(0, w[1].size() - 1));
      if (!n || *n != s.nthreads) return error("expected 'thread " + std::to_string(s.nthreads) + ":' (threads in order from 0)");
      if (slot >= 0 && slot != kSetupSlot && s.nops[slot] == 0) return error("thread " + std::to_string(slot) + " has no ops");
      if (s.nthreads >= kMaxThreads) return error("more than 4 threads");
      slot = s.nthreads++;
      continue;
    }
    if (w[0] == "schedule:") {
      if (s.nthreads == 0) return error("schedule: before any thread");
      if (s.nops[slot] == 0) return error("thread " + std::to_string(slot) + " has no ops");
      in_schedule = true;
      w.erase(w.begin());
      if (auto err = add_entries(w); !err.empty()) return error(err);
      continue;
    }
    if (slot < 0) return error("op outside a section (setup: or thread N:)");
    if (s.nops[slot] >= kMaxOps) return error("more than 4 ops in a section");
    Op op;
    if (auto err = parse_op(w, s.fs, op); !err.empty()) return error(err);
    s.ops[slot][s.nops[slot]++] = op;
  }
  if (!header) return error("empty file: expected '" + std::string(kHeader) + "'");
  if (!in_schedule) return error("missing 'schedule:' line");
  return f;
}

}  // namespace nfz::dcache
