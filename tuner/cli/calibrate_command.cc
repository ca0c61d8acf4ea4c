// `pietune calibrate [--manifest FILE] [--machine FILE] [--out FILE]`: runs the timing model's
// calibration set and writes the published-vs-predicted table.
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "model/support/error.h"
#include "tuner/calibration/calibration.h"
#include "tuner/cli/command.h"
#include "tuner/cli/machine_option.h"

namespace pietune::tuner::cli {
namespace {

struct CalibrateOptions {
  std::string manifest = "model/machines/calibration/manifest.json";
  std::string machine;
  std::string out;
};

int run_calibrate(const CalibrateOptions& options) {
  const model::Machine machine = load_machine_option(options.machine);
  const std::vector<CalibrationRow> rows = run_calibration(options.manifest, machine);
  const std::string table = calibration_markdown(rows, machine);
  if (options.out.empty()) {
    std::fwrite(table.data(), 1, table.size(), stdout);
  } else {
    std::ofstream out(options.out);
    if (!out || !(out << table)) throw InputError(fmt::format("{}: cannot write", options.out));
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
  command->add_option("--manifest", options->manifest, "calibration manifest (JSON)")->capture_default_str();
  command->add_option("--machine", options->machine, "machine description JSON (default: the bundled esp32s3)");
  command->add_option("--out", options->out, "write the Markdown table here instead of stdout");
}

}  // namespace pietune::tuner::cli
