// What every summary says about where it was made: nameifuzz's version (`git describe`
// at build time, "unknown" when built outside a git checkout) and the running kernel's
// release (uname(2)), so that a result read later names the tool and kernel behind it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace nfz::report {

std::string_view tool_version();
// "6.18.0-1-amd64"; "unknown" when uname() fails.
std::string kernel_release();

// Adds "nameifuzz" (the version), "kernel" (the release), "hostname" and "date" (UTC,
// 2026-12-01T13:05:00: the JUnit timestamp's form) to a summary.
void stamp(nlohmann::json& summary);

}  // namespace nfz::report
