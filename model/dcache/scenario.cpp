#include "model/dcache/scenario.hpp"

#include <array>

namespace nfz::dcache {

std::string_view name_of(uint8_t name) {
  static constexpr std::array<std::string_view, kMaxNames> kNames = {"a", "b", "c", "d"};
  return name < kMaxNames ? kNames[name] : "?";
}

std::string_view op_kind_name(uint8_t kind) {
  static constexpr std::array<std::string_view, kOpKindCount> kKinds = {
      "open",  "stat",          "lstat",         "unlink",
      "rename", "evict", "remote_create", "remote_unlink", "remote_mkdir"};
  return kind < kOpKindCount ? kKinds[kind] : "?";
}

std::string_view how_name(uint8_t how) {
  static constexpr std::array<std::string_view, kHowCount> kHows = {"sync", "cached", "uring"};
  return how < kHowCount ? kHows[how] : "?";
}

std::string_view fs_name(uint8_t fs) {
  static constexpr std::array<std::string_view, kFsCount> kFss = {"ext4", "nfs", "ceph", "lustre"};
  return fs < kFsCount ? kFss[fs] : "?";
}

std::string_view type_name(uint8_t type) {
  static constexpr std::array<std::string_view, kTypeCount> kTypes = {"none", "file", "dir", "symlink"};
  return type < kTypeCount ? kTypes[type] : "?";
}

std::string_view result_name(uint8_t result) {
  static constexpr std::array<std::string_view, kResultCount> kResults = {"0",        "-ENOENT", "-EEXIST",
                                                                          "-ENOTDIR", "-EAGAIN", "-ELOOP", "-EROFS"};
  return result < kResultCount ? kResults[result] : "?";
}

std::string print_op(const Op& op) {
  std::string s(op_kind_name(op.kind));
  switch (op.kind) {
    case kOpEvict:
      return s;
    case kOpRename:
      return s + " " + std::string(name_of(op.name)) + " " + std::string(name_of(op.name2));
    case kOpOpen:
      s += " " + std::string(name_of(op.name));
      if (op.flags & kOCreat) s += " O_CREAT";
      if (op.flags & kOExcl) s += " O_EXCL";
      if (op.flags & kODirectory) s += " O_DIRECTORY";
      if (op.how != kHowSync) s += " " + std::string(how_name(op.how));
      return s;
    default:
      return s + " " + std::string(name_of(op.name));
  }
}

std::string validate_op(const Op& op, uint8_t fs) {
  if (op.kind >= kOpKindCount) return "unknown op";
  if (op.name >= kMaxNames || op.name2 >= kMaxNames) return "unknown name";
  if (op.how >= kHowCount) return "unknown issue mode";
  if (op.kind != kOpOpen && (op.flags || op.how != kHowSync)) return "flags only apply to open";
  if ((op.flags & kOExcl) && !(op.flags & kOCreat)) return "O_EXCL without O_CREAT";
  if ((op.flags & kOCreat) && (op.flags & kODirectory)) return "O_CREAT with O_DIRECTORY";
  if ((op.kind == kOpRemoteCreate || op.kind == kOpRemoteUnlink || op.kind == kOpRemoteMkdir) && !fs_is_remote(fs))
    return "remote changes need a remote fs: nfs, ceph or lustre (ext4 has no other client)";
  return {};
}

}  // namespace nfz::dcache
