// --inject NAME, declared once for the commands that take it (stress, minimize, replay):
// a test aid of the findings pipeline (exec/inject.hpp), never for real runs.
#include "cli/command.hpp"
#include "exec/inject.hpp"

namespace nfz::cli {

void add_inject_option(po::options_description& desc) {
  desc.add_options()("inject", po::value<std::string>(),
                     ("TEST AID, not for real runs: a fault nameifuzz itself injects, for the findings pipeline's own "
                      "tests (" + inject::names() + ")").c_str());
}

bool enable_inject_option(const po::variables_map& vm, std::string_view command) {
  if (!vm.count("inject")) return true;
  std::string why;
  inject::Injection in = inject::parse(vm["inject"].as<std::string>(), why);
  if (!why.empty()) {
    usage_error(command, why);
    return false;
  }
  inject::enable(in);
  return true;
}

}  // namespace nfz::cli
