// `pietune calibrate [--set microbench|espnn] [--manifest FILE] [--machine FILE] [--out FILE] [--json]`:
// runs the timing model's calibration set (microbench: published micro-benchmarks as our kernels)
// or the esp-nn validation set (espnn: esp-nn's published kernel cycles against the baseline
// families) and writes the published-vs-predicted table (or its JSON form).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "model/support/atomic_files.h"
#include "model/support/error.h"
#include "tuner/calibration/calibration.h"
#include "tuner/calibration/device_calibration.h"
#include "tuner/calibration/espnn_validation.h"
#include "tuner/cli/command.h"
#include "tuner/cli/machine_option.h"
#include "tuner/cli/tune_options.h"

namespace pietune::tuner::cli {
namespace {

namespace fs = std::filesystem;

// Where the sets live in the repository; the calibration kernels are found next to their manifest.
constexpr const char* kManifestInRepository = "model/machines/calibration/manifest.json";
constexpr const char* kEspnnSetInRepository = "model/machines/calibration/espnn_kernels.json";

struct CalibrateOptions {
  std::string set = "microbench";
  std::string manifest;  // "": the repository's (default_manifest)
  std::string machine;
  std::string out;
  bool json = false;
  std::string db;  // --db: calibrate the machine to the device measurements stored there
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
fs::path default_manifest(const char* in_repository) {
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
    if (fs::is_regular_file(root / in_repository, ec)) return root / in_repository;
  }
  throw InputError(fmt::format("calibrate: {}: found neither above the binary ({}) nor in the source tree ({}): "
                               "give --manifest FILE",
                               in_repository, binary_folder, source_tree));
}

struct SetOutput {
  std::string text;
  std::size_t rows = 0;
};

SetOutput run_set(const CalibrateOptions& options, const model::Machine& machine) {
  const bool espnn = options.set == "espnn";
  const fs::path manifest = !options.manifest.empty() ? fs::path(options.manifest)
                            : default_manifest(espnn ? kEspnnSetInRepository : kManifestInRepository);
  if (espnn) {
    const std::vector<EspnnValidationRow> rows = run_espnn_validation(manifest, machine);
    return {options.json ? espnn_validation_json(rows, machine).dump(2) + "\n" : espnn_validation_markdown(rows, machine),
            rows.size()};
  }
  const std::vector<CalibrationRow> rows = run_calibration(manifest, machine);
  return {options.json ? calibration_json(rows, machine).dump(2) + "\n" : calibration_markdown(rows, machine),
          rows.size()};
}

// `calibrate --db FILE [--out MACHINE.json] [--json]`: fits the machine to the stored device
// measurements, writes the new machine file (never code), and keeps the result in the database's
// calibration history.
int run_device_calibration(const CalibrateOptions& options) {
  if (!options.machine.empty() || !options.manifest.empty() || options.set != "microbench")
    throw InputError("calibrate --db: the machine is each bench's own; --machine, --manifest and --set do not apply");
  costdb::Database db = open_database(options.db);
  const DeviceSamples samples = device_samples(db);
  fmt::print(stderr, "calibrate: fitting to {} measured kernel instances\n", samples.samples.size());
  const DeviceCalibration calibration = calibrate_to_device(samples);
  const nlohmann::ordered_json summary = device_calibration_json(samples, calibration);
  const std::string out =
      !options.out.empty() ? options.out
                           : (fs::path(options.db).parent_path() / (calibration.before.name + "_calibrated.json")).string();
  write_file_atomically(out, model::machine_json(calibration.after, "calibrated to device measurements in " + options.db));
  db.add_calibration({.id = 0, .calibrated_at = "", .machine_before_hash = calibration.before.hash_hex(),
                      .machine_after_hash = calibration.after.hash_hex(),
                      .machine_after_json = model::machine_json(calibration.after),
                      .measurements = static_cast<int>(samples.samples.size()), .summary_json = summary.dump()});
  const std::string text = options.json ? summary.dump(2) + "\n" : device_calibration_text(samples, calibration);
  std::fwrite(text.data(), 1, text.size(), stdout);
  fmt::print(stderr, "pietune: wrote the calibrated machine {} (use it with --machine {})\n", out, out);
  return kExitOk;
}

int run_calibrate(const CalibrateOptions& options) {
  if (!options.db.empty()) return run_device_calibration(options);
  // esp-nn's cycles were measured with its test app's configuration (64 KB data cache, 64-byte
  // lines, quad PSRAM): the preset that describes it, unless a machine is given.
  const bool espnn_default = options.set == "espnn" && options.machine.empty();
  const model::Machine machine =
      espnn_default ? *model::find_machine_preset("espnn-test-app") : load_machine_option(options.machine);
  const auto [text, row_count] = run_set(options, machine);
  if (options.out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
  } else {
    write_file_atomically(options.out, text);
    std::fprintf(stderr, "pietune: wrote %s (%zu rows)\n", options.out.c_str(), row_count);
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
  command->add_option("--set", options->set,
                      "microbench (published micro-benchmarks as our kernels, detailed mode) or espnn (esp-nn's "
                      "published kernel cycles against pietune's esp-nn baselines)")
      ->check(CLI::IsMember({"microbench", "espnn"}));
  command->add_option("--manifest", options->manifest,
                      fmt::format("the set's manifest (JSON; default: the repository's {} or {}, found from where "
                                  "the binary is, not the current folder)",
                                  kManifestInRepository, kEspnnSetInRepository));
  command->add_option("--machine", options->machine, "machine description JSON or preset name (default: esp32s3; for --set espnn, espnn-test-app)");
  command->add_option("--out", options->out, "write the table (or the JSON) here instead of stdout");
  command->add_option("--db", options->db,
                      "fit the machine description to the device measurements in this database (`pietune import`) "
                      "and write it to --out (default: <db folder>/<machine>_calibrated.json)");
  command->add_flag("--json", options->json,
                    "print JSON instead of the Markdown table: {machine, machine_hash, cycle_rows, mape_percent, "
                    "plain_rows, plain_mape_percent, rows}");
}

}  // namespace pietune::tuner::cli
