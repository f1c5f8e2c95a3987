#include "report/stamp.hpp"

#include <ctime>
#include <sys/utsname.h>
#include <unistd.h>

#include "nfz_version.h"

namespace nfz::report {

std::string_view tool_version() { return NFZ_VERSION; }

std::string kernel_release() {
  utsname u{};
  return uname(&u) == 0 ? std::string(u.release) : std::string("unknown");
}

void stamp(nlohmann::json& summary) {
  summary["nameifuzz"] = std::string(tool_version());
  summary["kernel"] = kernel_release();
  char host[256] = {};
  summary["hostname"] = gethostname(host, sizeof host - 1) == 0 && host[0] ? host : "localhost";
  char date[32];
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &utc);
  summary["date"] = date;
}

}  // namespace nfz::report
