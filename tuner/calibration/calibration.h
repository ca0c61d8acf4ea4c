// The timing model's calibration set: published ESP32-S3 micro-benchmarks re-implemented as our own
// kernels (model/machines/calibration/), run through detailed mode and compared with the published
// cycles. Produces the rows of results/validation/microbench.md.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/timing/machine.h"

namespace pietune::tuner {

struct CalibrationRow {
  std::string name;
  std::string source;
  std::string kind;  // "cycles" (total), "stall" (per iteration, dep - indep) or "not_run"
  double published = 0;
  double predicted = 0;
  std::string derives;  // machine parameters derived from this row ("" if none)
  std::string suspect;  // the modelling assumption suspected where the row misses ("" if none)
  std::string not_run_reason;  // kind "not_run": why no kernel of ours reproduces the row
  double error_percent() const;  // signed, (predicted - published) / published; 0 for a 0 stall
  double abs_error() const { return predicted - published; }
};

// Runs every row of `manifest` (calibration kernels are found next to it).
std::vector<CalibrationRow> run_calibration(const std::filesystem::path& manifest, const model::Machine& machine);

// Mean absolute percentage error over the "cycles" rows: all of them, and the plain ones (no
// suspected modelling gap). One computation for the table and the JSON.
struct CalibrationError {
  int rows = 0;
  double mape_percent = 0;
  int plain_rows = 0;
  double plain_mape_percent = 0;
};
CalibrationError calibration_error(const std::vector<CalibrationRow>& rows);

// `pietune calibrate --json`: {machine, machine_hash, cycle_rows, mape_percent, plain_rows,
// plain_mape_percent, rows: [{name, kind, source, published, predicted, error_percent (cycles) or
// difference (stall) or reason (not_run), derives, suspect}]}.
nlohmann::ordered_json calibration_json(const std::vector<CalibrationRow>& rows, const model::Machine& machine);

// The Markdown table with the mean absolute percentage error over the cycle rows.
std::string calibration_markdown(const std::vector<CalibrationRow>& rows, const model::Machine& machine);

}  // namespace pietune::tuner
