// `pietune calibrate [--manifest FILE] [--machine FILE] [--out FILE] [--json]`: runs the timing
// model's calibration set and writes the published-vs-predicted table (or its JSON form).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "model/support/error.h"
#include "tuner/calibration/calibration.h"
#include "tuner/cli/command.h"
#include "tuner/cli/machine_option.h"

namespace pietune::tuner::cli {
namespace {

namespace fs = std::filesystem;

// Where the calibration set lives in the repository; its kernels are found next to it.
constexpr const char* kManifestInRepository = "model/machines/calibration/manifest.json";

struct CalibrateOptions {
  std::string manifest;  // "": the repository's (default_manifest)
  std::string machine;
  std::string out;
  bool json = false;
};

// Every folder from the running binary's up to the root: a build folder lies inside the repository.
std::vector<fs::path> folders_above_binary() {
  std::error_code ec;
  const fs::path binary = fs::read_symlink("/proc/self/exe", ec);
  std::vector<fs::path> folders;
  if (ec) return folders;
  for (fs::path dir = binary.parent_path(); !dir.empty(); dir = dir.parent_path()) {
    folders.push_back(dir);
    if (dir == dir.parent_path()) break;
  }
  return folders;
}

// The repository's manifest, found from the binary (not the current folder, so calibrate runs from
// anywhere): above the binary, else in the source tree it was built from.
fs::path default_manifest() {
  std::vector<fs::path> roots = folders_above_binary();
  const std::string binary_folder = roots.empty() ? "unknown" : roots.front().string();
#ifdef PIETUNE_SOURCE_DIR
  roots.emplace_back(PIETUNE_SOURCE_DIR);
  const std::string source_tree = PIETUNE_SOURCE_DIR;
#else
  const std::string source_tree = "unknown";
#endif
  for (const fs::path& root : roots) {
    std::error_code ec;
    if (fs::is_regular_file(root / kManifestInRepository, ec)) return root / kManifestInRepository;
  }
  throw InputError(fmt::format("calibrate: {}: found neither above the binary ({}) nor in the source tree ({}): "
                               "give --manifest FILE",
                               kManifestInRepository, binary_folder, source_tree));
}

int run_calibrate(const CalibrateOptions& options) {
  const model::Machine machine = load_machine_option(options.machine);
  const fs::path manifest = options.manifest.empty() ? default_manifest() : fs::path(options.manifest);
  const std::vector<CalibrationRow> rows = run_calibration(manifest, machine);
  const std::string text =
      options.json ? calibration_json(rows, machine).dump(2) + "\n" : calibration_markdown(rows, machine);
  if (options.out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
  } else {
    std::ofstream out(options.out);
    if (!out || !(out << text)) throw InputError(fmt::format("{}: cannot write", options.out));
    std::fprintf(stderr, "pietune: wrote %s (%zu rows)\n", options.out.c_str(), rows.size());
  }
  return kExitOk;
}

}  // namespace

void register_calibrate_command(CLI::App& app) {
  auto options = std::make_shared<CalibrateOptions>();
  CLI::App* command = add_command(app, "calibrate",
                                  "Run the timing model's calibration set (published S3 micro-benchmarks) and "
                                  "print published vs predicted cycles",
                                  [options] { return run_calibrate(*options); });
  command->add_option("--manifest", options->manifest,
                      fmt::format("calibration manifest (JSON; default: the repository's {}, found from where the "
                                  "binary is, not the current folder)",
                                  kManifestInRepository));
  command->add_option("--machine", options->machine, "machine description JSON (default: the bundled esp32s3)");
  command->add_option("--out", options->out, "write the table (or the JSON) here instead of stdout");
  command->add_flag("--json", options->json,
                    "print JSON instead of the Markdown table: {machine, machine_hash, cycle_rows, mape_percent, "
                    "plain_rows, plain_mape_percent, rows}");
}

}  // namespace pietune::tuner::cli
