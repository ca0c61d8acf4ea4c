// Child-process runner for CLI tests (fork/exec with stdout and stderr redirected to files).
#include "cli_run_helpers.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace pietune::testing {
namespace {

constexpr uid_t kNobody = 65534;


}  // namespace

CliResult run_pietune(const std::vector<std::string>& args, const ChildLimits& limits) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("pietune_cli_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path out = dir / "out.txt", err = dir / "err.txt";
  const pid_t pid = fork();
  if (pid == 0) {
    if (!freopen(out.c_str(), "w", stdout) || !freopen(err.c_str(), "w", stderr)) _exit(127);
    if (!limits.working_dir.empty() && chdir(limits.working_dir.c_str()) != 0) _exit(124);
    if (limits.max_file_bytes) {
      signal(SIGXFSZ, SIG_IGN);  // inherited through exec: a write past the limit fails with EFBIG
      const rlimit limit{static_cast<rlim_t>(*limits.max_file_bytes), static_cast<rlim_t>(*limits.max_file_bytes)};
      if (setrlimit(RLIMIT_FSIZE, &limit) != 0) _exit(126);
    }
    if (limits.unprivileged && geteuid() == 0 && (setgid(kNobody) != 0 || setuid(kNobody) != 0)) _exit(125);
    std::vector<char*> argv;
    std::string exe = PIETUNE_CLI;
    argv.push_back(exe.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(exe.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CliResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_file(out);
  result.err = read_file(err);
  fs::remove_all(dir);
  return result;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

ScratchDir::ScratchDir(const std::string& prefix) {
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  dir_ = (std::filesystem::temp_directory_path() /
          (prefix + "_" + std::to_string(getpid()) + "_" + (test != nullptr ? test->name() : "none")))
             .string();
  clear();
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::permissions(dir_, std::filesystem::perms::owner_all, std::filesystem::perm_options::add, ignored);
  std::filesystem::remove_all(dir_, ignored);
}

void ScratchDir::clear() const {
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
}

}  // namespace pietune::testing
