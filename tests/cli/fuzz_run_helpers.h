// Running `pietune` on fuzzed inputs: each run bounded in CPU time, its outcome judged by the
// contract every command keeps on any input: exit 0, 1 or 2, never a signal or a sanitizer report,
// and an exit 2 says why (a "pietune: ..." line, or with --json the answer on stdout).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace pietune::testing {

struct FuzzRun {
  int exit_code = -1;  // when the process exited
  int signal = 0;      // when it was killed (SIGXCPU: it ran out of its CPU time, a hang)
  std::string out;
  std::string err;
};

// Runs PIETUNE_CLI (or $PIETUNE_FUZZ_CLI) with `args`, stdin from `stdin_path`, stdout and stderr kept in `work_dir`, at
// most `cpu_seconds` of CPU time.
FuzzRun run_pietune_fuzzed(const std::vector<std::string>& args, const std::filesystem::path& work_dir,
                           const std::filesystem::path& stdin_path = "/dev/null", int cpu_seconds = 120);

// "" when the run kept the contract, else what it broke ("killed by signal 6", "exit 134",
// "sanitizer report", "exit 2 without a 'pietune: ' line").
std::string contract_violation(const FuzzRun& run);

// The command line as a shell would take it (single-quoted), for reproducers in messages.
std::string shell_command(const std::vector<std::string>& args);

}  // namespace pietune::testing
