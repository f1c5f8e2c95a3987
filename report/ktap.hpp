// KTAP version 1 (the kernel's Documentation/dev-tools/ktap.rst, as kselftest and KernelCI
// parse it) from a command's JSON summary: one subtest per target, in it one test point
// per oracle: "ok", "not ok" with the finding's title, or "ok ... # SKIP reason".
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace nfz::report {

std::string to_ktap(const nlohmann::json& summary);

}  // namespace nfz::report
