// The README examples' working folder (see readme_sandbox_helpers.h).
#include "readme_sandbox_helpers.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace pietune::testing {
namespace fs = std::filesystem;

ReadmeSandbox::ReadmeSandbox() {
  std::string pattern = (fs::temp_directory_path() / "pietune_readme_XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
  dir_ = pattern;
  fs::create_directories(dir_ / "bin");
  fs::create_symlink(PIETUNE_CLI, dir_ / "bin" / "pietune");
  const fs::path repo = dir_ / "repo";
  fs::create_directories(repo / "results");
  for (const fs::directory_entry& entry : fs::directory_iterator(PIETUNE_SOURCE_DIR)) {
    if (entry.path().filename() == "results") continue;
    fs::create_symlink(entry.path(), repo / entry.path().filename());
  }
}

ReadmeSandbox::~ReadmeSandbox() {
  std::error_code ignored;
  fs::remove_all(dir_, ignored);  // removes the symlinks, never what they point to
}

CliResult ReadmeSandbox::run(const std::string& command) const {
  const fs::path output = dir_ / "output.txt";
  const std::string path = (dir_ / "bin").string() + ":" + (getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
  const std::string root = (dir_ / "repo").string();
  const pid_t pid = fork();
  if (pid == 0) {
    const int out = open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int in = open("/dev/null", O_RDONLY);
    if (out < 0 || in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) _exit(127);
    if (chdir(root.c_str()) != 0 || setenv("PATH", path.c_str(), 1) != 0) _exit(127);
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CliResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream in(output, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  result.out = text.str();
  return result;
}

}  // namespace pietune::testing
