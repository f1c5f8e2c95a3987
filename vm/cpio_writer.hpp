// A newc ("070701") cpio archive, the format the kernel unpacks as an initramfs
// (init/initramfs.c): headers of 13 hex fields, names and data padded to 4 bytes.
#pragma once

#include <cstdint>
#include <cstdio>
#include <set>
#include <string>

namespace nfz::vm {

class CpioWriter {
 public:
  explicit CpioWriter(std::FILE* out) : out_(out) {}

  // Paths are inside the archive, without a leading '/'. Missing parent folders are added.
  void add_dir(const std::string& path);
  void add_bytes(const std::string& path, const std::string& data, uint32_t mode);
  // The content of `host_path` (symlinks followed); false when it cannot be read.
  bool add_host_file(const std::string& path, const std::string& host_path, uint32_t mode);
  void add_symlink(const std::string& path, const std::string& target);
  void add_char_device(const std::string& path, uint32_t major, uint32_t minor, uint32_t mode);
  bool contains(const std::string& path) const { return names_.count(path) > 0; }
  // The trailer; the archive is complete after it.
  void finish();
  uint64_t bytes_written() const { return offset_; }

 private:
  void add_parents(const std::string& path);
  void header(const std::string& path, uint32_t mode, uint64_t size, uint32_t rmajor, uint32_t rminor);
  void write(const void* data, size_t n);
  void pad();

  std::FILE* out_;
  std::set<std::string> names_;
  uint64_t offset_ = 0;
  uint32_t next_ino_ = 1;
};

}  // namespace nfz::vm
