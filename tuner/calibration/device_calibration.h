// Calibrating the machine description to device measurements (`pietune calibrate --db`): every
// stored measurement of a device-bench instance whose output hash was right, re-timed in fast mode
// (the mode every prediction of the tool uses) under candidate parameter values.
//
// Method: the calibratable parameters (kCalibratable: memory line fills, loop and store costs,
// branch, call and return bubbles; cache geometry and the clock are the board's configuration, not
// fitted) are first tested for identifiability. A parameter no prediction depends on, or whose
// effect on the predictions is collinear with those accepted before it (less than a quarter of it
// left once their directions are projected out: e.g. flash_fill_ns_per_byte next to
// flash_fill_fixed_ns when every measurement used one line size), or whose own effect is within the
// measurements' noise (twice the spread the boards' interquartile ranges give), is left alone and named.
// The others are fitted by bounded coordinate descent (golden-section search per continuous
// parameter; per integer one its neighbouring values, each with the continuous ones refitted; up to
// four passes) minimising the mean squared log ratio predicted/measured. No per-kernel constant exists anywhere: only machine parameters move.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "costdb/costdb.h"
#include "model/timing/machine.h"
#include "tuner/search/estimate.h"
#include "tuner/search/placement.h"

namespace pietune::tuner {

// One measured kernel instance: the median of its measurements and what re-times it.
struct DeviceSample {
  std::string bench_id;
  int instance = 0;
  int layer_index = 0;
  std::string layer_class;  // "conv_1x1", "conv_3x3", "depthwise", "fully_connected", "pool", "elementwise", ...
  std::string placement;    // the bench's placement text
  std::string variant;
  double measured = 0;      // cycles (median over the imported measurements)
  double spread = 0;        // relative standard deviation of one run, from the interquartile range
  double stored_prediction = 0;  // the bench's prediction when it was generated
  std::size_t machine = 0;  // index into DeviceSamples::machines (the bench's machine)
  EstimateInput input;
};

struct DeviceSamples {
  std::vector<model::Machine> machines;  // one per distinct bench machine
  std::vector<DeviceSample> samples;
  int wrong_outputs = 0;                 // measurements left out: the board's hash was wrong
};

// The placement a bench's predictions assumed, from its stored options.
Placement bench_placement(const costdb::BenchRecord& bench);

// The samples of every bench in `db` (InputError when there are none).
DeviceSamples device_samples(const costdb::Database& db);

struct FitStats {
  int measurements = 0;
  double mape_percent = 0;
  std::optional<double> kendall_tau;          // within each layer, pairs pooled
  std::optional<double> top1_regret_percent;  // mean over layers with 2+ variants measured
};

struct GroupedStats {
  FitStats all;
  std::map<std::string, FitStats> by_class;
  std::map<std::string, FitStats> by_placement;
};

struct FittedParameter {
  std::string key;
  double before = 0, after = 0;
  std::string unit;
};

struct UnidentifiedParameter {
  std::string key;
  std::string reason;
};

struct DeviceCalibration {
  model::Machine before, after;  // the first bench's machine, and it with the fitted values
  GroupedStats before_stats, after_stats;
  std::vector<FittedParameter> fitted;
  std::vector<UnidentifiedParameter> unidentified;
  std::vector<double> before_predictions, after_predictions;  // per sample
};

// The calibratable parameters in the order identifiability is decided (earlier ones win a tie).
const std::vector<std::string>& calibratable_parameters();

GroupedStats fit_stats(const DeviceSamples& samples, const std::vector<double>& predictions);

DeviceCalibration calibrate_to_device(const DeviceSamples& samples);

// {"method", "before", "after", "fitted", "unidentified", "points"} as stored in costdb's calibrations.
nlohmann::ordered_json device_calibration_json(const DeviceSamples& samples, const DeviceCalibration& calibration);

// The before/after table printed by `calibrate --db`.
std::string device_calibration_text(const DeviceSamples& samples, const DeviceCalibration& calibration);

}  // namespace pietune::tuner
