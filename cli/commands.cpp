#include "cli/command.hpp"

namespace nfz::cli {

Command fmt_command();
Command replay_command();
Command model_command();
Command stress_command();
Command diff_command();
Command check_command();
Command vm_command();
Command repro_command();
Command minimize_command();

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      fmt_command(),
      replay_command(),
      model_command(),
      stress_command(),
      diff_command(),
      check_command(),
      vm_command(),
      repro_command(),
      minimize_command(),
  };
  return table;
}

}  // namespace nfz::cli
