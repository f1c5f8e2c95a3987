#include "oracles/linearizability/check_result.hpp"

namespace nfz::oracles::lin {

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kOk: return "linearizable";
    case Verdict::kIllegal: return "not linearizable";
    case Verdict::kUnknown: return "unknown";
  }
  return "?";
}

}  // namespace nfz::oracles::lin
