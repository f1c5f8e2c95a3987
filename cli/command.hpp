// Subcommands of the one `nameifuzz` binary. Each lives in cli/cmd_<name>.cpp and is
// listed once in the table in cli/commands.cpp.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/program_options.hpp>

namespace nfz {
struct TargetSpec;
}

namespace nfz::cli {

namespace po = boost::program_options;

// Exit codes of every subcommand (docs/ARCHITECTURE.md#the-life-of-a-program).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFinding = 1;
inline constexpr int kExitUsage = 2;  // usage, input or environment error

struct Command {
  std::string_view name;
  std::string_view summary;
  std::string_view usage;  // operands after the name, e.g. "FILE"
  // Adds the command's options and positional operands.
  std::function<void(po::options_description&, po::positional_options_description&)> declare;
  std::function<int(const po::variables_map&)> run;
};

const std::vector<Command>& commands();

// A command's options as --help prints them: "--help" and what the command declares.
po::options_description command_options(const Command& c, po::positional_options_description& positional);

// The man page (roff), generated from commands() and their options (cli/man_page.cpp).
std::string man_page();

// The per-op deadline stress and minimize use on `targets` (cli/cmd_stress.cpp).
int64_t default_deadline_ns(const std::vector<TargetSpec>& targets);

// True in a guest that `nameifuzz vm` booted under TCG (NFZ_VM_ACCEL=tcg).
bool emulated_cpu();

// --inject NAME (cli/inject_option.cpp): declares it; enables it (false after a one-line
// error for an unknown name).
void add_inject_option(po::options_description& desc);
bool enable_inject_option(const po::variables_map& vm, std::string_view command);

// One-line error on stderr, "nameifuzz NAME: message"; returns kExitUsage.
int usage_error(std::string_view command, std::string_view message);

}  // namespace nfz::cli
