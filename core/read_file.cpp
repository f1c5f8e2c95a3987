#include "core/read_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace nfz {

std::string read_small_file(const std::string& path, size_t max_bytes, std::string& out) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::string("cannot open: ") + strerror(errno);
  struct stat st;
  std::string why;
  if (fstat(fd, &st) != 0) why = std::string("cannot stat: ") + strerror(errno);
  else if (S_ISDIR(st.st_mode)) why = "is a directory";
  out.clear();
  char buf[1 << 16];
  while (why.empty()) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) why = std::string("read error: ") + strerror(errno);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max_bytes) why = "file larger than " + std::to_string(max_bytes >> 20) + " MiB";
  }
  close(fd);
  return why;
}

}  // namespace nfz
