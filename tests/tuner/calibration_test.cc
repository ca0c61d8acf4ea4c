// calibration: the published micro-benchmarks through detailed mode stay within the targets
// (every cycle row within 10%, MAPE under 5%, every stall anchor within a quarter cycle).
#include "tuner/calibration/calibration.h"

#include <gtest/gtest.h>

#include <cmath>

#include "model/support/error.h"

namespace pietune::tuner {
namespace {

TEST(Calibration, PublishedRowsWithinTargets) {
  const auto rows = run_calibration(PIETUNE_SOURCE_DIR "/model/machines/calibration/manifest.json", model::default_machine());
  ASSERT_GE(rows.size(), 9u);
  double sum = 0;
  int cycle_rows = 0;
  for (const CalibrationRow& r : rows) {
    if (r.kind == "cycles") {
      EXPECT_LT(std::fabs(r.error_percent()), 10.0) << r.name << ": " << r.predicted << " vs " << r.published;
      sum += std::fabs(r.error_percent());
      ++cycle_rows;
    } else {
      EXPECT_LT(std::fabs(r.abs_error()), 0.25) << r.name << ": " << r.predicted << " vs " << r.published;
    }
  }
  ASSERT_GT(cycle_rows, 0);
  EXPECT_LT(sum / cycle_rows, 5.0);
  const std::string table = calibration_markdown(rows, model::default_machine());
  EXPECT_NE(table.find("MAPE over"), std::string::npos);
}

TEST(Calibration, BadManifestIsAnInputError) {
  EXPECT_THROW(run_calibration("/nonexistent/manifest.json", model::default_machine()), InputError);
}

}  // namespace
}  // namespace pietune::tuner
