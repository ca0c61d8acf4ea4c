// A working folder where README examples run as if from the repository root without touching the
// repository: every top-level entry of the source tree is a symlink into it, except `results/`,
// which is a fresh empty folder (so the default cost database and the default tune outputs start
// empty, as in a fresh checkout, and land in the sandbox). Files a command writes by a relative
// path (`--output person.bin`) land in the sandbox too. `pietune` on the PATH is the built binary.
#pragma once

#include <filesystem>
#include <string>

#include "cli_run_helpers.h"

namespace pietune::testing {

class ReadmeSandbox {
 public:
  ReadmeSandbox();
  ~ReadmeSandbox();
  ReadmeSandbox(const ReadmeSandbox&) = delete;
  ReadmeSandbox& operator=(const ReadmeSandbox&) = delete;

  // Runs `command` with /bin/sh from the sandbox's root, stdin empty; stdout and stderr go to one
  // file in the order they were written (what a terminal shows), returned in `out`.
  CliResult run(const std::string& command) const;

 private:
  std::filesystem::path dir_;  // bin/pietune and repo/
};

}  // namespace pietune::testing
