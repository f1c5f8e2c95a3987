// nfz_ktap_validate [--lenient] FILE|-: exit 0 when FILE is valid KTAP version 1
// (tests/report/ktap_validator.hpp), else 1 with each error on stderr. Prints
// "results N failed F skipped S" so that a script can check what the output says.
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "tests/report/ktap_validator.hpp"

int main(int argc, char** argv) {
  nfz::testing::KtapRules rules;
  int arg = 1;
  if (arg < argc && std::string(argv[arg]) == "--lenient") rules.strict = false, ++arg;
  if (arg + 1 != argc) {
    std::cerr << "usage: nfz_ktap_validate [--lenient] FILE|-\n";
    return 2;
  }
  std::string path = argv[arg], text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), {});
  } else {
    std::ifstream in(path);
    if (!in) {
      std::cerr << path << ":0: cannot read\n";
      return 2;
    }
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto report = nfz::testing::validate_ktap(text, rules);
  for (const auto& e : report.errors) std::cerr << path << ": " << e << "\n";
  std::cout << "results " << report.results << " failed " << report.failed << " skipped " << report.skipped << "\n";
  return report.ok() ? 0 : 1;
}
