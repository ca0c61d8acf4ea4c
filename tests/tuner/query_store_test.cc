// query_store_test: an answer says whether its estimates were stored (issue 12 item 6). A database
// on a full disk refuses the commit: the answer is still given, right, with "stored": false and
// the reason; once there is room again the kept estimates are committed and "stored" is true.
// The full disk is a file size limit in a child process (the test process keeps its own limits).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "kernels/layer_json.h"
#include "tuner/query/query_service.h"

namespace pietune::tuner {
namespace {

namespace fs = std::filesystem;

// A 1x1 CONV_2D: a dozen variants, each estimate one committed row.
const std::string kPointwise = R"({"op": "CONV_2D",
  "inputs":  [{"shape": [1, 6, 6, 16], "quantization": {"scales": [0.02], "zero_points": [-128]}}],
  "weights": {"shape": [16, 1, 1, 16], "constant": true, "quantization": {"scales": [0.01], "zero_points": [0]}},
  "bias":    {"shape": [16], "type": "int32", "constant": true},
  "outputs": [{"shape": [1, 6, 6, 16], "quantization": {"scales": [0.05], "zero_points": [3]}}],
  "options": {"padding": "SAME"}})";

kernels::Layer layer_with_output_scale(const std::string& scale) {
  std::string text = kPointwise;
  text.replace(text.find("0.05"), 4, scale);
  return kernels::layer_from_json(nlohmann::ordered_json::parse(text), 0);
}

// Runs in the child: a full disk hit by some answer, then room again. Returns 0 when every
// expectation held, else the number of the one that failed.
int full_disk_then_room(const std::string& path, rlim_t limit_bytes) {
  QueryService service(costdb::Database::open(path), model::default_machine(), {});
  signal(SIGXFSZ, SIG_IGN);
  rlimit limit{limit_bytes, RLIM_INFINITY};
  if (setrlimit(RLIMIT_FSIZE, &limit) != 0) return 1;
  // Other output scales, other layers: new estimates until the disk is full.
  int refused = -1;
  for (int i = 0; i < 40 && refused < 0; ++i) {
    const Answer a = service.query(layer_with_output_scale(std::to_string(0.05 + 0.001 * i).substr(0, 5)), {});
    if (a.status != AnswerStatus::kOk || a.cycles <= 0) return 2;  // still answered
    if (!a.json.contains("stored")) return 3;
    if (a.json["stored"] == false) {
      const std::string reason = a.json["store_error"].get<std::string>();
      if (reason.find("File too large") == std::string::npos && reason.find("is the disk full?") == std::string::npos)
        return 4;
      refused = i;
    }
  }
  if (refused < 0) return 5;
  limit.rlim_cur = RLIM_INFINITY;
  if (setrlimit(RLIMIT_FSIZE, &limit) != 0) return 6;
  const Answer again = service.query(layer_with_output_scale("0.9"), {});
  if (again.json["stored"] != true) return 7;
  return 0;
}

TEST(QueryStore, AnswersSayWhenTheDatabaseRefusedTheirEstimates) {
  const fs::path dir = fs::temp_directory_path() / ("pietune_query_store_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = (dir / "db.sqlite").string();
  costdb::Database::open(path);  // created and migrated before the limit
  const auto size = static_cast<rlim_t>(fs::file_size(path));
  const pid_t pid = fork();
  if (pid == 0) _exit(full_disk_then_room(path, size + 24 * 1024));
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << "the child died from a signal";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "expectation " << WEXITSTATUS(status) << " failed in the child";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace pietune::tuner
