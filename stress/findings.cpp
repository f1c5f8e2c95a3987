#include "stress/findings.hpp"

#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/text.hpp"
#include "exec/inject.hpp"
#include "pipeline/finding_index.hpp"

namespace nfz::stress {

std::string signature_of(const std::string& title) {
  std::string s;
  for (char c : title) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_';
    if (keep) s += c;
    else if (!s.empty() && s.back() != '-') s += '-';
  }
  while (!s.empty() && s.back() == '-') s.pop_back();
  if (s.size() > 200) s.resize(200);
  return s.empty() ? "finding" : s;
}

bool claim_finding(const std::string& dir, uint64_t run_id, const std::string& title, const FindingOrigin& origin,
                   std::string& why) {
  namespace fs = std::filesystem;
  fs::path claims = fs::path(dir) / ".claims" / std::to_string(run_id);
  std::error_code ec;
  fs::create_directories(claims, ec);
  int fd = ::open((claims / signature_of(title)).c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0 && errno == EEXIST) {
    why = "another job of this run writes it";
    return false;
  }
  if (fd >= 0) close(fd);  // a folder we cannot claim we may still try to write
  pipeline::IndexEntry known;
  if (!pipeline::index_claim(dir, {title, signature_of(title), origin.target, origin.seed, origin.program_number, "stress"},
                             &known) &&
      !known.title.empty()) {
    why = "known from an earlier run: " + (fs::path(dir) / known.folder).string();
    return false;
  }
  return true;
}

void release_claims(const std::string& dir, uint64_t run_id) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::remove_all(fs::path(dir) / ".claims" / std::to_string(run_id), ec);
  fs::remove(fs::path(dir) / ".claims", ec);  // only when no other run has claims there
}

std::string write_finding(const std::string& dir, const oracles::Violation& violation, const Program& program,
                          const History& history, const History* twin, const FindingOrigin& origin, std::string& why,
                          const FuseTrace* fuse) {
  namespace fs = std::filesystem;
  fs::path folder = fs::path(dir) / signature_of(violation.title);
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) {
    why = "mkdir " + folder.string() + ": " + ec.message();
    return {};
  }
  Program found = program;
  inject::carry_fuse_fault(found);  // an injected FUSE fault replays from the program itself
  std::ofstream nfz(folder / "program.nfz");
  std::string replay = "nameifuzz replay program.nfz --target " + origin.target + " --threads-concurrent" +
                       (origin.shared_ring ? " --shared-ring" : "");
  nfz << "# " << violation.title << "\n# stress seed " << origin.seed << ", program " << origin.program_number
      << ", target " << origin.target << (origin.shared_ring ? ", one ring shared by the threads" : ", a ring per thread")
      << "\n# " << replay << "\n"
      << print_program(found);
  std::ofstream where(folder / "origin.json");
  where << nlohmann::json{{"title", violation.title}, {"seed", origin.seed}, {"program", origin.program_number},
                          {"target", origin.target}, {"shared_ring", origin.shared_ring},
                          {"injected", inject::current().name}}
               .dump(2)
        << "\n";
  std::ofstream hist(folder / "history.jsonl");
  write_history(hist, history);
  if (twin) {
    std::ofstream t(folder / "twin.jsonl");
    write_history(t, *twin);
  }
  if (fuse) {
    std::ofstream f(folder / "fuse_trace.jsonl");
    write_fuse_trace(f, *fuse);
  }
  std::ofstream msg(folder / "message.txt");
  msg << violation.title << "\n\n" << violation.detail << "\n\nrun it again: " << replay << "\n";
  if (!nfz || !hist || !msg) {
    why = "cannot write into " + folder.string();
    return {};
  }
  return folder.string();
}

}  // namespace nfz::stress
