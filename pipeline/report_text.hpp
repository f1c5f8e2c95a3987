// report.txt: a finding in the form kernel mailing lists take (a syzbot mail's order): a
// subject line, the kernel version, what happened against what is documented (quoted
// from the man page or the source), the minimized reproducer inline, how to build and run
// the C reproducer, and how it was found.
#pragma once

#include <string>

#include "pipeline/finding_folder.hpp"

namespace nfz::pipeline {

std::string report_text(const FindingFacts& facts, const Program& repro, const CReproducer& c);

// "nameifuzz replay repro.nfz --target T --threads-concurrent [--shared-ring]"
std::string replay_command(const FindingFacts& facts);

// What the documentation promises that the finding's oracle checks: a quote and where it
// is from (by the oracle, and for linearizable by the op the title names).
std::string documented_for(const FindingFacts& facts);

}  // namespace nfz::pipeline
