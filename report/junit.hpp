// JUnit XML (the Ant JUnit task's format, which generic CI reads) from a command's JSON
// summary: one <testsuite> per target, one <testcase> per oracle; a finding is a
// <failure>, a skipped oracle <skipped>, an environment error <error>. Every element
// and attribute the schema requires is there: testsuite's name, package, id,
// timestamp, hostname, tests, failures, errors, time, then properties, the testcases,
// system-out and system-err; testcase's name, classname and time; failure's and
// error's type.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace nfz::report {

std::string to_junit(const nlohmann::json& summary);

}  // namespace nfz::report
