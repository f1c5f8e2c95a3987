// Names of the flag bits the op language uses, as a kernel developer writes them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace nfz {

struct FlagName {
  uint32_t bits;
  std::string_view name;
};

// Tables, most specific first (O_TMPFILE before O_DIRECTORY, which it contains).
std::span<const FlagName> open_flag_names();      // without the access mode
std::span<const FlagName> resolve_flag_names();
std::span<const FlagName> rename_flag_names();
std::span<const FlagName> statx_flag_names();
std::span<const FlagName> file_type_names();      // S_IFREG, S_IFIFO, S_IFCHR

// "A|B|C" for `bits` using `table`; "0" when no bit is set. Bits outside the table print
// as a hex remainder ("A|0x40") so that nothing is ever lost.
std::string format_flags(uint32_t bits, std::span<const FlagName> table);
std::string format_open_flags(uint32_t flags);    // access mode first: O_RDONLY|O_CREAT
std::string format_mode(uint32_t mode);           // 0644, or S_IFIFO|0644 with a type

std::optional<uint32_t> flag_by_name(std::string_view name, std::span<const FlagName> table);
std::optional<uint32_t> open_flag_by_name(std::string_view name);  // incl. O_RDONLY...

// "ENOENT" for ENOENT; "E<n>" for a number without a name.
std::string errno_name(int err);
std::optional<int> errno_by_name(std::string_view name);

}  // namespace nfz
