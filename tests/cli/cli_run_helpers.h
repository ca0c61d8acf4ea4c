// Runs the real `pietune` executable as a child process and captures its exit code, stdout, stderr.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pietune::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Conditions a test cannot otherwise create on a developer's machine or in CI (where tests run as
// root): a full disk (a file size limit: a write past it fails with EFBIG, as on a full disk,
// instead of raising SIGXFSZ) and a user without write permission on others' files.
struct ChildLimits {
  std::optional<std::uint64_t> max_file_bytes;  // RLIMIT_FSIZE, with SIGXFSZ ignored
  bool unprivileged = false;                    // run as user nobody when the tests run as root
  std::string working_dir;                      // the child's current folder ("": the test's)
};

CliResult run_pietune(const std::vector<std::string>& args, const ChildLimits& limits = {});

// A file's bytes ("" when it cannot be read).
std::string read_file(const std::string& path);

// A fresh folder per test, unique across the processes ctest runs in parallel; removed afterwards.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& dir() const { return dir_; }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  void clear() const;  // empty again, as at the start

 private:
  std::string dir_;
};

}  // namespace pietune::testing
