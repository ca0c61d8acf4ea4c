// Runs the real `pietune` with something on its stdin: all at once (run_pietune_with_stdin), or
// line by line through pipes (ServeProcess), to see that each answer comes before the next request.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "cli_run_helpers.h"

namespace pietune::testing {

// Like run_pietune, with `input` as the child's whole stdin (then end of file).
CliResult run_pietune_with_stdin(const std::vector<std::string>& args, const std::string& input);

// A running `pietune` child with pipes to its stdin and stdout (stderr goes to /dev/null).
class ServeProcess {
 public:
  explicit ServeProcess(const std::vector<std::string>& args);
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  void send_line(const std::string& line);
  // The next stdout line without its newline; nullopt at end of output or after `timeout_ms`.
  std::optional<std::string> read_line(int timeout_ms);
  void close_stdin();
  // Waits for the child to end; its exit code (128 + signal when killed).
  int wait();

 private:
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1;
  std::string buffered_;
};

}  // namespace pietune::testing
