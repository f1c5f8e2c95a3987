// findings/<signature>/ as the pipeline leaves it: repro.nfz (minimized, with a comment
// header), history.jsonl and history.html (the failing replay and its timeline),
// kmsg.txt, summary.json and report.txt (the form kernel lists take), and repro.c when
// the C generator made one (write_c_reproducer). The stress loop's own files
// (program.nfz, message.txt, ...) stay beside them: they are the run as it was found.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/fuse_trace.hpp"
#include "core/history.hpp"
#include "pipeline/minimize.hpp"

namespace nfz::pipeline {

// What is known about a finding once confirmed and minimized.
struct FindingFacts {
  std::string title;
  std::string oracle;
  std::string target;
  bool shared_ring = false;
  uint64_t seed = 0, program_number = 0;
  bool from_stress = false;     // seed and program_number name a stress program
  std::string found_by;         // the command that found it
  std::string injected;         // --inject NAME when a test aid made it ("" for a real one)
  std::string detail;           // the oracle's words on the failing replay
  std::string rate;             // Confirmation::text() of the reproducer
  double rate_value = 0;
  std::string original_rate;    // of the program as found
  bool reproduced = false;
  size_t original_ops = 0;
  std::optional<MinimizeStats> minimize;  // none when it did not reproduce
  std::string kernel_release;
  std::vector<std::string> kmsg;  // kernel log lines during the replays
};

// What became of repro.c: summary.json and report.txt say it.
struct CReproducer {
  bool written = false;
  std::string status;  // "written", or "not generated: why"
  std::string build;   // "cc -o repro repro.c -luring" (when written)
};

// Writes <folder>/repro.c for `program` (the minimized reproducer) whose replay `failing`
// showed the finding, with the C generator (repro/repro.hpp); says why not where the
// generator refuses (an oracle it has no check for, docs/REPRODUCERS.md).
CReproducer write_c_reproducer(const std::string& folder, const Program& program, const History& failing,
                               const FindingFacts& facts);

// Writes the folder's files; returns "" or why one could not be written.
std::string write_finding_folder(const std::string& folder, const Program& repro, const History& failing,
                                 const std::optional<FuseTrace>& fuse, const FindingFacts& facts);

// repro.nfz's comment header: title, rate, kernel, seed and program number, how to replay.
std::string repro_header(const FindingFacts& facts);

}  // namespace nfz::pipeline
