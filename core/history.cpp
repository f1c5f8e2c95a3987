#include "core/history.hpp"

#include <sys/stat.h>

#include <ostream>

#include <nlohmann/json.hpp>

#include "core/flags.hpp"
#include "core/read_file.hpp"

namespace nfz {
namespace {

using nlohmann::json;

constexpr std::string_view kCompletionNames[] = {"syscall", "inline", "punted", "unknown", "hung"};
constexpr std::string_view kHistoryFormat = "nameifuzz-history";
constexpr int kVersion = 1;

json event_json(const History& h, const Event& e) {
  json j = {{"thread", e.thread}, {"index", e.index}, {"op", print_op(h.op_of(e))},
            {"call_ns", e.call_ns}};
  j["return_ns"] = e.returned() ? json(e.return_ns) : json(nullptr);
  if (e.result < 0) j["errno"] = errno_name(-e.result);
  else j["ret"] = e.result;
  if (e.ino) j["dev"] = e.dev, j["ino"] = e.ino;
  if (e.type) j["type"] = e.type;
  if (e.nlink >= 0) j["nlink"] = e.nlink;
  j["issued"] = completion_name(e.how);
  j["nvcsw"] = e.nvcsw;
  return j;
}

// Thrown within this file only, caught by read_history.
struct BadLine {
  std::string message;
};

const json& integer(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_number_integer()) throw BadLine{std::string("missing integer \"") + name + "\""};
  return *it;
}

int64_t int_field(const json& j, const char* name, int64_t min, int64_t max) {
  const json& v = integer(j, name);
  bool too_big = v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(max);
  if (too_big || v.get<int64_t>() < min || v.get<int64_t>() > max)
    throw BadLine{std::string("\"") + name + "\" out of range"};
  return v.get<int64_t>();
}

uint64_t u64_field(const json& j, const char* name) {
  const json& v = integer(j, name);
  if (!v.is_number_unsigned() && v.get<int64_t>() < 0) throw BadLine{std::string("\"") + name + "\" is negative"};
  return v.get<uint64_t>();
}

Completion completion_by_name(const json& j) {
  auto it = j.find("issued");
  if (it != j.end() && it->is_string())
    for (size_t i = 0; i < std::size(kCompletionNames); ++i)
      if (kCompletionNames[i] == it->get_ref<const std::string&>()) return static_cast<Completion>(i);
  throw BadLine{"\"issued\" must be one of syscall, inline, punted, unknown, hung"};
}

int32_t result_of(const json& j) {
  auto err = j.find("errno");
  if (err == j.end()) return static_cast<int32_t>(int_field(j, "ret", 0, INT32_MAX));
  if (!err->is_string()) throw BadLine{"\"errno\" must be a name such as \"ENOENT\""};
  auto e = errno_by_name(err->get_ref<const std::string&>());
  if (!e) throw BadLine{"unknown errno " + err->dump()};
  return -*e;
}

constexpr const char* kFsOpsBreak = "fs";
constexpr const char* kStatxBreaks = "statx";

LinkRule link_rule_of(const json& j) {
  const std::string what = "\"failed_breaks_link\" must be an array of \"fs\" and \"statx\"";
  if (!j.is_array()) throw BadLine{what};
  LinkRule rule;
  for (const auto& name : j) {
    if (name == kFsOpsBreak) rule.fs_ops_break = true;
    else if (name == kStatxBreaks) rule.statx_breaks = true;
    else throw BadLine{what};
  }
  return rule;
}

void read_header(const json& j, History& h) {
  if (!j.is_object() || j.value("format", "") != kHistoryFormat)
    throw BadLine{"expected a header {\"format\": \"nameifuzz-history\", ...}"};
  if (j.value("version", 0) != kVersion) throw BadLine{"unsupported version (this nameifuzz reads 1)"};
  auto t = j.find("target");
  h.target = t != j.end() && t->is_string() ? t->get<std::string>() : "";
  if (auto shared = j.find("shared_ring"); shared != j.end()) {
    if (!shared->is_boolean()) throw BadLine{"\"shared_ring\" must be true or false"};
    h.shared_ring = shared->get<bool>();
  }
  if (auto rule = j.find("failed_breaks_link"); rule != j.end()) h.link_rule = link_rule_of(*rule);
  if (auto tids = j.find("tids"); tids != j.end()) {
    if (!tids->is_array()) throw BadLine{"\"tids\" must be an array of thread ids"};
    for (const auto& tid : *tids) {
      if (!tid.is_number_integer()) throw BadLine{"\"tids\" must be an array of thread ids"};
      h.tids.push_back(tid.get<int32_t>());
    }
  }
}

// Events name their op as text; ops of a thread must come with consecutive indexes.
Event read_event(const json& j, History& h, std::string_view file, size_t line_no) {
  if (!j.is_object()) throw BadLine{"expected a JSON object"};
  Event e;
  e.thread = static_cast<int32_t>(int_field(j, "thread", kSetupThread, kMaxThreads - 1));
  e.index = static_cast<uint32_t>(int_field(j, "index", 0, kMaxOpsPerProgram));
  auto op_text = j.find("op");
  if (op_text == j.end() || !op_text->is_string()) throw BadLine{"missing string \"op\""};
  auto parsed = parse_op(op_text->get_ref<const std::string&>(), file, line_no);
  if (auto* err = std::get_if<ParseError>(&parsed)) throw BadLine{"in \"op\": " + err->message};
  if (h.ops.size() < static_cast<size_t>(e.thread + 2)) h.ops.resize(e.thread + 2);
  auto& ops = h.ops[e.thread + 1];
  if (e.index != ops.size())
    throw BadLine{"\"index\" " + std::to_string(e.index) + " out of order (expected " + std::to_string(ops.size()) + ")"};
  ops.push_back(std::get<Op>(parsed));
  e.call_ns = int_field(j, "call_ns", 0, INT64_MAX);
  auto ret = j.find("return_ns");
  if (ret == j.end()) throw BadLine{"missing \"return_ns\" (null if the op never returned)"};
  e.return_ns = ret->is_null() ? -1 : int_field(j, "return_ns", e.call_ns, INT64_MAX);
  e.result = result_of(j);
  if (j.contains("ino")) {
    e.dev = u64_field(j, "dev");
    e.ino = u64_field(j, "ino");
  }
  if (j.contains("type")) e.type = static_cast<uint32_t>(int_field(j, "type", 0, S_IFMT));
  if (j.contains("nlink")) e.nlink = static_cast<int32_t>(int_field(j, "nlink", 0, INT32_MAX));
  e.how = completion_by_name(j);
  e.nvcsw = static_cast<uint32_t>(int_field(j, "nvcsw", 0, UINT32_MAX));
  return e;
}

}  // namespace

std::string_view completion_name(Completion c) { return kCompletionNames[static_cast<int>(c)]; }

void write_history(std::ostream& out, const History& h) {
  json header = {{"format", kHistoryFormat}, {"version", kVersion}, {"target", h.target},
                 {"threads", h.ops.empty() ? 0 : h.ops.size() - 1}};
  if (!h.tids.empty()) header["tids"] = h.tids;
  if (h.shared_ring) header["shared_ring"] = true;
  if (h.link_rule != LinkRule{}) {
    json rule = json::array();
    if (h.link_rule.fs_ops_break) rule.push_back(kFsOpsBreak);
    if (h.link_rule.statx_breaks) rule.push_back(kStatxBreaks);
    header["failed_breaks_link"] = rule;
  }
  out << header.dump() << '\n';
  for (const Event& e : h.events) out << event_json(h, e).dump() << '\n';
}

Parsed<History> read_history(std::string_view text, std::string_view file) {
  History h;
  h.ops.resize(1);
  size_t line_no = 0;
  bool header = false;
  while (!text.empty()) {
    ++line_no;
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    try {
      json j = json::parse(line);
      if (!header) read_header(j, h), header = true;
      else h.events.push_back(read_event(j, h, file, line_no));
    } catch (const json::exception& e) {
      return ParseError{std::string(file), line_no, 0, std::string("invalid JSON: ") + e.what()};
    } catch (const BadLine& b) {
      return ParseError{std::string(file), line_no, 0, b.message};
    }
  }
  if (!header) return ParseError{std::string(file), 0, 0, "empty history: expected a header line"};
  return h;
}

Parsed<History> read_history_file(const std::string& path) {
  std::string text;
  if (std::string why = read_small_file(path, kMaxFileSize << 4, text); !why.empty())
    return ParseError{path, 0, 0, why};
  return read_history(text, path);
}

}  // namespace nfz
