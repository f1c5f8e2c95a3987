#include "core/fuse_trace.hpp"

#include <ostream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace nfz {

namespace {
constexpr std::string_view kNames[kFuseOpCount] = {
    "LOOKUP", "FORGET", "GETATTR", "SETATTR", "READLINK", "SYMLINK", "MKNOD", "MKDIR",
    "UNLINK", "RMDIR", "RENAME", "LINK", "OPEN", "RELEASE", "CREATE", "OPENDIR",
    "READDIR", "RELEASEDIR", "STATFS", "ACCESS", "FLUSH", "READ", "WRITE", "OTHER"};
}  // namespace

std::string_view fuse_op_name(FuseOp op) { return kNames[static_cast<int>(op)]; }

FuseOp fuse_op_by_name(std::string_view name) {
  for (int i = 0; i < kFuseOpCount - 1; ++i)
    if (kNames[i] == name) return static_cast<FuseOp>(i);
  return FuseOp::kOther;
}

namespace {

using nlohmann::json;

constexpr std::string_view kTraceFormat = "nameifuzz-fuse-trace";

json request_json(const FuseRequest& r) {
  json j = {{"op", fuse_op_name(r.op)}, {"tid", r.tid}, {"recv_ns", r.recv_ns}, {"reply_ns", r.reply_ns}};
  if (r.parent) j["parent"] = r.parent, j["name"] = r.name;
  if (r.parent2) j["parent2"] = r.parent2, j["name2"] = r.name2;
  if (r.node) j["node"] = r.node;
  if (r.nlookup) j["nlookup"] = r.nlookup;
  if (r.error) j["error"] = r.error;
  if (r.held) j["held"] = true;
  return j;
}

FuseRequest request_of(const json& j) {
  FuseRequest r;
  r.op = fuse_op_by_name(j.at("op").get<std::string>());
  r.tid = j.at("tid").get<int32_t>();
  r.recv_ns = j.at("recv_ns").get<int64_t>();
  r.reply_ns = j.at("reply_ns").get<int64_t>();
  r.parent = j.value("parent", uint64_t{0});
  r.name = j.value("name", std::string());
  r.parent2 = j.value("parent2", uint64_t{0});
  r.name2 = j.value("name2", std::string());
  r.node = j.value("node", uint64_t{0});
  r.nlookup = j.value("nlookup", uint64_t{0});
  r.error = j.value("error", int32_t{0});
  r.held = j.value("held", false);
  return r;
}

}  // namespace

void write_fuse_trace(std::ostream& out, const FuseTrace& trace) {
  json header = {{"format", kTraceFormat}, {"version", 1},
                 {"caching", trace.caching == FuseCaching::kStrict ? "strict" : "churn"}};
  out << header.dump() << '\n';
  for (const FuseRequest& r : trace.requests) out << request_json(r).dump() << '\n';
}

std::optional<FuseTrace> read_fuse_trace(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::string line;
  FuseTrace trace;
  try {
    if (!std::getline(in, line)) return std::nullopt;
    json header = json::parse(line);
    if (header.at("format") != kTraceFormat) return std::nullopt;
    trace.caching = header.at("caching") == "churn" ? FuseCaching::kChurn : FuseCaching::kStrict;
    while (std::getline(in, line))
      if (!line.empty()) trace.requests.push_back(request_of(json::parse(line)));
  } catch (const json::exception&) {
    return std::nullopt;
  }
  return trace;
}

}  // namespace nfz
