// Runs the real `pietune` executable as a child process and captures its exit code, stdout, stderr.
#pragma once

#include <string>
#include <vector>

namespace pietune::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

CliResult run_pietune(const std::vector<std::string>& args);

}  // namespace pietune::testing
