// Child processes with a stdin (see the header): a file for whole inputs, pipes for dialogues.
#include "cli_stdin_helpers.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace pietune::testing {
namespace {

[[noreturn]] void exec_pietune(const std::vector<std::string>& args) {
  std::vector<std::string> copy = args;
  std::string exe = PIETUNE_CLI;
  std::vector<char*> argv{exe.data()};
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  execv(exe.c_str(), argv.data());
  _exit(127);
}

int exit_code(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

}  // namespace

CliResult run_pietune_with_stdin(const std::vector<std::string>& args, const std::string& input) {
  namespace fs = std::filesystem;
  static std::atomic<int> calls{0};
  const fs::path dir =
      fs::temp_directory_path() / ("pietune_cli_stdin_" + std::to_string(getpid()) + "_" + std::to_string(calls++));
  fs::create_directories(dir);
  const fs::path in = dir / "in.txt", out = dir / "out.txt", err = dir / "err.txt";
  std::ofstream(in, std::ios::binary) << input;
  const pid_t pid = fork();
  if (pid == 0) {
    if (!freopen(in.c_str(), "r", stdin) || !freopen(out.c_str(), "w", stdout) || !freopen(err.c_str(), "w", stderr))
      _exit(127);
    exec_pietune(args);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CliResult result{exit_code(status), read_file(out), read_file(err)};
  fs::remove_all(dir);
  return result;
}

ServeProcess::ServeProcess(const std::vector<std::string>& args) {
  int to_child[2], from_child[2];
  if (pipe(to_child) != 0 || pipe(from_child) != 0) return;
  pid_ = fork();
  if (pid_ == 0) {
    dup2(to_child[0], STDIN_FILENO);
    dup2(from_child[1], STDOUT_FILENO);
    const int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, STDERR_FILENO);
    close(to_child[0]);
    close(to_child[1]);
    close(from_child[0]);
    close(from_child[1]);
    exec_pietune(args);
  }
  close(to_child[0]);
  close(from_child[1]);
  in_ = to_child[1];
  out_ = from_child[0];
  std::signal(SIGPIPE, SIG_IGN);  // a child that died must fail the test, not kill it
}

ServeProcess::~ServeProcess() {
  close_stdin();
  if (out_ >= 0) close(out_);
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

void ServeProcess::send_line(const std::string& line) {
  const std::string text = line + "\n";
  std::size_t done = 0;
  while (in_ >= 0 && done < text.size()) {
    const ssize_t n = write(in_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

std::optional<std::string> ServeProcess::read_line(int timeout_ms) {
  while (true) {
    if (const std::size_t nl = buffered_.find('\n'); nl != std::string::npos) {
      std::string line = buffered_.substr(0, nl);
      buffered_.erase(0, nl + 1);
      return line;
    }
    pollfd p{out_, POLLIN, 0};
    const int ready = poll(&p, 1, timeout_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return std::nullopt;
    char chunk[4096];
    const ssize_t n = read(out_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    buffered_.append(chunk, static_cast<std::size_t>(n));
  }
}

void ServeProcess::close_stdin() {
  if (in_ >= 0) close(in_);
  in_ = -1;
}

int ServeProcess::wait() {
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return exit_code(status);
}

}  // namespace pietune::testing
