#include "pipeline/finding_folder.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/text.hpp"
#include "oracles/linearizability/lookup_check.hpp"
#include "oracles/linearizability/report.hpp"
#include "pipeline/report_text.hpp"
#include "repro/repro.hpp"

namespace nfz::pipeline {
namespace {

std::string html_timeline(const History& history, const std::string& title) {
  oracles::lin::LookupCheck check;
  if (std::string why = oracles::lin::check_with_lookup_model(history, "", oracles::lin::run_budget(), check); !why.empty())
    return "<!doctype html><title>" + title + "</title><p>no timeline: " + why + "</p>\n";
  return oracles::lin::html_report(history, check.input, check.result, title, oracles::lin::lookup_report(check));
}

nlohmann::json summary_of(const FindingFacts& f, const Program& repro, const CReproducer& c) {
  nlohmann::json j{{"format", "nameifuzz-finding"}, {"version", 1}, {"title", f.title}, {"oracle", f.oracle},
                   {"target", f.target}, {"shared_ring", f.shared_ring}, {"kernel", f.kernel_release},
                   {"reproduced", f.reproduced}, {"rate", f.rate_value}, {"rate_text", f.rate},
                   {"original_rate", f.original_rate}, {"ops", repro.op_count()}, {"original_ops", f.original_ops},
                   {"threads", repro.threads.size()}, {"found_by", f.found_by}};
  if (f.from_stress) j["seed"] = f.seed, j["program"] = f.program_number;
  if (!f.injected.empty()) j["injected"] = f.injected;
  if (f.minimize) {
    nlohmann::json passes = nlohmann::json::object();
    for (const auto& [name, n] : f.minimize->by_pass) passes[name] = n;
    j["minimize"] = {{"seconds", f.minimize->seconds}, {"candidates", f.minimize->candidates},
                     {"accepted", f.minimize->accepted}, {"stopped_by", f.minimize->budget_spent ? "budget" : "local minimum"},
                     {"by_pass", passes}};
  }
  j["repro.c"] = c.written ? "repro.c" : "repro.c: " + c.status;
  return j;
}

}  // namespace

CReproducer write_c_reproducer(const std::string& folder, const Program& program, const History& failing,
                               const FindingFacts& facts) {
  repro::ReproSpec spec;
  spec.oracle = facts.oracle;
  spec.title = facts.title;
  spec.target = facts.target;
  spec.source = folder + "/repro.nfz";
  std::string why;
  std::string c = repro::c_reproducer(program, &failing, spec, why);
  if (c.empty()) return {false, "not generated: " + why, ""};
  std::ofstream out(std::filesystem::path(folder) / "repro.c");
  out << c;
  if (!out) return {false, "not generated: cannot write into " + folder, ""};
  const bool fuse = facts.target.rfind("fuse:", 0) == 0;
  return {true, "written", fuse ? "cc -o repro repro.c -luring -lfuse3" : "cc -o repro repro.c -luring"};
}

std::string repro_header(const FindingFacts& f) {
  std::string h = "# " + f.title + "\n# confirmed " + f.rate + " on fresh " + f.target + " instances" +
                  (f.shared_ring ? ", one ring shared by the threads" : ", a ring per thread") + "\n# kernel " +
                  f.kernel_release + "\n";
  if (f.from_stress) h += "# stress seed " + std::to_string(f.seed) + ", program " + std::to_string(f.program_number) + "\n";
  if (!f.injected.empty()) h += "# injected fault: " + f.injected + " (a test aid of the pipeline, not a kernel bug)\n";
  h += "# " + replay_command(f) + "\n";
  return h;
}

std::string write_finding_folder(const std::string& folder, const Program& repro, const History& failing,
                                 const std::optional<FuseTrace>& fuse, const FindingFacts& facts) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) return "mkdir " + folder + ": " + ec.message();
  const fs::path dir(folder);
  CReproducer c = write_c_reproducer(folder, repro, failing, facts);
  std::ofstream nfz(dir / "repro.nfz"), hist(dir / "history.jsonl"), html(dir / "history.html"), kmsg(dir / "kmsg.txt"),
      json(dir / "summary.json"), report(dir / "report.txt");
  nfz << repro_header(facts) << print_program(repro);
  write_history(hist, failing);
  html << html_timeline(failing, facts.title);
  if (facts.kmsg.empty()) kmsg << "# no kernel log lines during the replays\n";
  for (const std::string& line : facts.kmsg) kmsg << line << "\n";
  json << summary_of(facts, repro, c).dump(2) << "\n";
  report << report_text(facts, repro, c);
  if (fuse) {
    std::ofstream f(dir / "repro_fuse_trace.jsonl");
    write_fuse_trace(f, *fuse);
  }
  for (auto* s : {&nfz, &hist, &html, &kmsg, &json, &report})
    if (!*s) return "cannot write into " + folder;
  return {};
}

}  // namespace nfz::pipeline
