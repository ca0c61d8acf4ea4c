// Bounded child runs and the exit contract of the fuzz suite (see the header).
#include "fuzz_run_helpers.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "tests/cli/cli_run_helpers.h"

namespace pietune::testing {
namespace {

}  // namespace

FuzzRun run_pietune_fuzzed(const std::vector<std::string>& args, const std::filesystem::path& work_dir,
                           const std::filesystem::path& stdin_path, int cpu_seconds) {
  const std::filesystem::path out = work_dir / "run_stdout.txt", err = work_dir / "run_stderr.txt";
  // PIETUNE_FUZZ_CLI runs another build (a copy that a rebuild cannot replace mid-suite).
  const char* cli = std::getenv("PIETUNE_FUZZ_CLI");
  std::vector<std::string> argv_strings{cli != nullptr ? cli : PIETUNE_CLI};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    const int in_fd = open(stdin_path.c_str(), O_RDONLY);
    const int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in_fd < 0 || out_fd < 0 || err_fd < 0 || dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
      _exit(127);
    // A hang shows up as SIGXCPU instead of blocking the suite.
    const rlimit cpu{static_cast<rlim_t>(cpu_seconds), static_cast<rlim_t>(cpu_seconds + 5)};
    setrlimit(RLIMIT_CPU, &cpu);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  FuzzRun run;
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) run.signal = WTERMSIG(status);
  run.out = read_file(out);
  run.err = read_file(err);
  return run;
}

std::string contract_violation(const FuzzRun& run) {
  if (run.signal != 0) return fmt::format("killed by signal {} ({})", run.signal, strsignal(run.signal));
  if (run.err.find("Sanitizer") != std::string::npos || run.err.find("runtime error:") != std::string::npos)
    return "sanitizer report";
  if (run.err.find("pietune internal error") != std::string::npos) return "internal error (a failed check)";
  if (run.exit_code == 127) return "exit 127 (the CLI could not be started)";
  if (run.exit_code < 0 || run.exit_code > 2) return fmt::format("exit {}", run.exit_code);
  // Exit 2 says why: a "pietune: " line, or (--json) an answer on stdout that carries the reason.
  if (run.exit_code == 2 && run.err.find("pietune: ") == std::string::npos && run.out.empty())
    return "exit 2 without a 'pietune: ' line";
  return "";
}

std::string shell_command(const std::vector<std::string>& args) {
  std::string command = "pietune";
  for (const std::string& a : args) {
    std::string quoted;
    for (char c : a) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    command += " '" + quoted + "'";
  }
  return command;
}

}  // namespace pietune::testing
