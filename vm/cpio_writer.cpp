#include "vm/cpio_writer.hpp"

#include <sys/stat.h>

#include <cstring>
#include <fstream>
#include <vector>

namespace nfz::vm {

void CpioWriter::write(const void* data, size_t n) {
  std::fwrite(data, 1, n, out_);
  offset_ += n;
}

void CpioWriter::pad() {
  static const char kZeros[4] = {};
  if (offset_ % 4) write(kZeros, 4 - offset_ % 4);
}

void CpioWriter::header(const std::string& path, uint32_t mode, uint64_t size, uint32_t rmajor, uint32_t rminor) {
  char buf[6 + 13 * 8 + 1];
  std::snprintf(buf, sizeof buf, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", next_ino_++, mode,
                0u, 0u, 1u, 0u, static_cast<uint32_t>(size), 0u, 0u, rmajor, rminor,
                static_cast<uint32_t>(path.size() + 1), 0u);
  write(buf, 6 + 13 * 8);
  write(path.c_str(), path.size() + 1);
  pad();
  names_.insert(path);
}

void CpioWriter::add_parents(const std::string& path) {
  for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1))
    add_dir(path.substr(0, slash));
}

void CpioWriter::add_dir(const std::string& path) {
  if (path.empty() || contains(path)) return;
  add_parents(path);
  header(path, S_IFDIR | 0755, 0, 0, 0);
}

void CpioWriter::add_bytes(const std::string& path, const std::string& data, uint32_t mode) {
  add_parents(path);
  header(path, S_IFREG | mode, data.size(), 0, 0);
  write(data.data(), data.size());
  pad();
}

bool CpioWriter::add_host_file(const std::string& path, const std::string& host_path, uint32_t mode) {
  std::ifstream in(host_path, std::ios::binary);
  if (!in) return false;
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return false;
  add_bytes(path, data, mode);
  return true;
}

void CpioWriter::add_symlink(const std::string& path, const std::string& target) {
  add_parents(path);
  header(path, S_IFLNK | 0777, target.size(), 0, 0);
  write(target.data(), target.size());
  pad();
}

void CpioWriter::add_char_device(const std::string& path, uint32_t major, uint32_t minor, uint32_t mode) {
  add_parents(path);
  header(path, S_IFCHR | mode, 0, major, minor);
}

void CpioWriter::finish() {
  header("TRAILER!!!", 0, 0, 0, 0);
  static const char kZeros[512] = {};
  if (offset_ % 512) write(kZeros, 512 - offset_ % 512);
  std::fflush(out_);
}

}  // namespace nfz::vm
