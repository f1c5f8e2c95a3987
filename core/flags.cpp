#include "core/flags.hpp"

#include <cerrno>
#include <cstring>
#include <string>

#include "core/op.hpp"

namespace nfz {
namespace {

constexpr FlagName kOpenFlags[] = {
    {O_TMPFILE, "O_TMPFILE"}, {O_CREAT, "O_CREAT"},       {O_EXCL, "O_EXCL"},
    {O_TRUNC, "O_TRUNC"},     {O_DIRECTORY, "O_DIRECTORY"}, {O_NOFOLLOW, "O_NOFOLLOW"},
    {O_PATH, "O_PATH"},       {O_NONBLOCK, "O_NONBLOCK"},
};
constexpr FlagName kAccessModes[] = {
    {O_RDONLY, "O_RDONLY"}, {O_WRONLY, "O_WRONLY"}, {O_RDWR, "O_RDWR"}};
constexpr FlagName kResolveFlags[] = {
    {RESOLVE_NO_XDEV, "RESOLVE_NO_XDEV"},         {RESOLVE_NO_MAGICLINKS, "RESOLVE_NO_MAGICLINKS"},
    {RESOLVE_NO_SYMLINKS, "RESOLVE_NO_SYMLINKS"}, {RESOLVE_BENEATH, "RESOLVE_BENEATH"},
    {RESOLVE_IN_ROOT, "RESOLVE_IN_ROOT"},         {RESOLVE_CACHED, "RESOLVE_CACHED"},
};
constexpr FlagName kRenameFlags[] = {
    {kRenameNoreplace, "RENAME_NOREPLACE"},
    {kRenameExchange, "RENAME_EXCHANGE"},
    {kRenameWhiteout, "RENAME_WHITEOUT"},
};
constexpr FlagName kStatxFlags[] = {{AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW"}};
constexpr FlagName kFileTypes[] = {
    {S_IFREG, "S_IFREG"}, {S_IFIFO, "S_IFIFO"}, {S_IFCHR, "S_IFCHR"}};

std::string octal(uint32_t v) {
  if (v == 0) return "0";
  std::string s;
  for (; v; v >>= 3) s.insert(s.begin(), static_cast<char>('0' + (v & 7)));
  return "0" + s;
}

}  // namespace

std::span<const FlagName> open_flag_names() { return kOpenFlags; }
std::span<const FlagName> resolve_flag_names() { return kResolveFlags; }
std::span<const FlagName> rename_flag_names() { return kRenameFlags; }
std::span<const FlagName> statx_flag_names() { return kStatxFlags; }
std::span<const FlagName> file_type_names() { return kFileTypes; }

std::string format_flags(uint32_t bits, std::span<const FlagName> table) {
  std::string out;
  auto append = [&out](std::string_view s) {
    if (!out.empty()) out += '|';
    out += s;
  };
  for (const auto& f : table) {
    if (f.bits != 0 && (bits & f.bits) == f.bits) {
      append(f.name);
      bits &= ~f.bits;
    }
  }
  if (bits != 0) {
    char hex[16];
    snprintf(hex, sizeof hex, "0x%x", bits);
    append(hex);
  }
  return out.empty() ? "0" : out;
}

std::string format_open_flags(uint32_t flags) {
  uint32_t access = flags & O_ACCMODE;
  std::string out(access < 3 ? kAccessModes[access].name : "O_ACCMODE");
  uint32_t rest = flags & ~static_cast<uint32_t>(O_ACCMODE);
  if (rest != 0) out += "|" + format_flags(rest, kOpenFlags);
  return out;
}

std::string format_mode(uint32_t mode) {
  uint32_t type = mode & S_IFMT;
  std::string perm = octal(mode & ~static_cast<uint32_t>(S_IFMT));
  if (type == 0) return perm;
  return format_flags(type, kFileTypes) + "|" + perm;
}

std::optional<uint32_t> flag_by_name(std::string_view name, std::span<const FlagName> table) {
  for (const auto& f : table)
    if (f.name == name) return f.bits;
  return std::nullopt;
}

std::optional<uint32_t> open_flag_by_name(std::string_view name) {
  if (auto access = flag_by_name(name, kAccessModes)) return access;
  return flag_by_name(name, kOpenFlags);
}

std::string errno_name(int err) {
  const char* name = err > 0 ? strerrorname_np(err) : nullptr;
  return name ? std::string(name) : "E" + std::to_string(err);
}

std::optional<int> errno_by_name(std::string_view name) {
  // errno values are small; scanning them is cheap and needs no table of our own.
  for (int e = 1; e < 512; ++e) {
    const char* n = strerrorname_np(e);
    if (n && name == n) return e;
  }
  if (name.size() > 1 && name[0] == 'E') {
    int v = 0;
    for (char c : name.substr(1)) {
      if (c < '0' || c > '9' || v > 100000) return std::nullopt;
      v = v * 10 + (c - '0');
    }
    return v > 0 ? std::optional<int>(v) : std::nullopt;
  }
  return std::nullopt;
}

}  // namespace nfz
