// device_report.html: the device measurements of a cost database on one self-contained page (inline
// CSS and SVG, no scripts, nothing fetched), as `pietune report --db` writes it:
//   - the database, its counts (measurements, benches, models, correctness failures) and its benches;
//   - a summary: the MAPE of the stored predictions over the measurements with correct outputs;
//   - predicted vs measured cycles on log-log axes fitted to the data, with the y = x line and the
//     +-10% and +-25% bands; one marker per measurement (a red cross when the board's output hash
//     differs from the emulator's), and the last calibration's refitted predictions as a second series;
//   - per bench and layer, predicted and measured bars for each measured variant, the measured
//     interquartile range as a whisker and the error as text;
//   - the calibration history (MAPE, Kendall tau, top-1 regret before -> after, fitted parameters,
//     unidentified ones) and the correctness failures.
// Every text from the database is HTML-escaped. The data is a plain struct, so the page is drawn
// (and tested) without a database.
#pragma once

#include <string>
#include <vector>

#include "costdb/costdb.h"

namespace pietune::tuner {

// A device bench and its kernel instances (by instance).
struct DeviceReportBench {
  costdb::BenchRecord bench;
  std::vector<costdb::BenchInstanceRecord> instances;
};

struct DeviceReportData {
  std::string db_path;                                  // shown as given
  std::vector<DeviceReportBench> benches;               // oldest first
  std::vector<costdb::MeasurementRecord> measurements;  // in the order they were added
  std::vector<costdb::CalibrationRecord> calibrations;  // oldest first; summary_json as calibrate --db writes it
};

// A measurement is matched to its prediction by (bench_id, instance); one without a stored bench
// instance (a free-standing measurement) is counted but not drawn. A layer's bars show the latest
// measurement of each instance. A calibration summary that is missing keys, or is not JSON, shows "-"
// where the values would be.
std::string device_report_html(const DeviceReportData& data);

}  // namespace pietune::tuner
