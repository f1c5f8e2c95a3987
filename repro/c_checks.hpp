// What repro.c checks, per oracle: the C fragment that decides "reproduced" and the
// defines it reads.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/history.hpp"
#include "core/program.hpp"

namespace nfz::repro {

struct CheckContext {
  const Program& program;
  const History* failing;
  std::string_view title;
  std::string_view target;  // as ReproSpec::target
};

struct ReproCheck {
  std::string_view oracle;
  std::string_view fragment;  // repro/c/<fragment>.c
  std::string_view checks;    // what repro.c checks, for its header and `repro --help`
  // The defines and tables the fragment reads, or "" with `why` when it cannot check.
  std::string (*prepare)(const CheckContext& ctx, std::string& why);
};

std::span<const ReproCheck> repro_checks();
const ReproCheck* repro_check_by_name(std::string_view oracle);

}  // namespace nfz::repro
