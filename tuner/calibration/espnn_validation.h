// esp-nn's published S3 kernel cycles (research/espnn_kernel_timings.md) against the baseline
// families: each row of model/machines/calibration/espnn_kernels.json is a layer with the test's
// shapes and quantization, run through the baseline family of the esp-nn kernel it exercised, with
// its buffers where the test put them. Produces results/validation/espnn_kernels.md.
//
// The bound shared by the baseline and timing-model issues: every row within 15%, MAPE <= 10%.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/timing/machine.h"

namespace pietune::tuner {

struct EspnnValidationRow {
  std::string name;
  std::string source;
  std::string memory;        // "psram" (the README's "External") or "sram" ("Internal")
  double published = 0;      // the README's optimized ticks
  std::string espnn_kernel;  // the kernel the benchmark ran
  std::string kernel_note;   // why it differs from today's dispatch ("" when it does not)
  std::string variant;       // the baseline variant run ("" when not run)
  double predicted = 0;
  double cold_code_fetch = 0;  // what the call adds with its code cold in the I-cache (not in predicted)
  std::string note;          // the row's caveat, or the suspected modelling assumption of a miss
  std::string not_run;       // why no prediction exists ("" when run)

  bool run() const { return not_run.empty(); }
  double error_percent() const;  // signed, (predicted - published) / published
};

std::vector<EspnnValidationRow> run_espnn_validation(const std::filesystem::path& manifest,
                                                     const model::Machine& machine);

struct EspnnValidationError {
  int rows = 0;  // rows run
  double mape_percent = 0;
  double worst_percent = 0;  // the largest |error|
};
EspnnValidationError espnn_validation_error(const std::vector<EspnnValidationRow>& rows);

// {machine, machine_hash, rows_run, mape_percent, worst_percent, rows: [{name, memory, published,
//  espnn_kernel, kernel_note, variant, predicted, error_percent, cold_code_fetch | not_run, note,
//  source}]}.
nlohmann::ordered_json espnn_validation_json(const std::vector<EspnnValidationRow>& rows, const model::Machine& machine);
std::string espnn_validation_markdown(const std::vector<EspnnValidationRow>& rows, const model::Machine& machine);

}  // namespace pietune::tuner
