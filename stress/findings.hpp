// A finding on disk: <dir>/<signature>/ with the program (program.nfz), its history
// (history.jsonl), the oracle's message (message.txt) and, for issue.equivalent, the
// twin's history (twin.jsonl), for the FUSE oracles the observer's request trace
// (fuse_trace.jsonl). The signature is the violation's title made a folder
// name; origin.json says where it came from. The findings pipeline (pipeline/) adds the
// confirmed, minimized reproducer and the report to the same folder.
#pragma once

#include <string>

#include "core/fuse_trace.hpp"
#include "core/history.hpp"
#include "oracles/violation.hpp"

namespace nfz::stress {

// Where a finding came from: enough to run it again.
struct FindingOrigin {
  uint64_t seed = 0;
  uint64_t program_number = 0;
  std::string target;
  bool shared_ring = false;
};

// "kernel.health: open hung on ext4" -> "kernel.health-open-hung-on-ext4"
std::string signature_of(const std::string& title);

// Claims the folder of `title` for this run (run_id): true for the first job of the run
// that asks (an O_EXCL file under <dir>/.claims/<run_id>/) when no earlier run wrote the
// title (the folder's index, pipeline/finding_index.hpp); false and `why` otherwise.
bool claim_finding(const std::string& dir, uint64_t run_id, const std::string& title, const FindingOrigin& origin,
                   std::string& why);
// Removes the run's claims once every job is done.
void release_claims(const std::string& dir, uint64_t run_id);

// Writes the finding; returns its folder, or "" and `why` when it could not be written.
std::string write_finding(const std::string& dir, const oracles::Violation& violation, const Program& program,
                          const History& history, const History* twin, const FindingOrigin& origin, std::string& why,
                          const FuseTrace* fuse = nullptr);

}  // namespace nfz::stress
