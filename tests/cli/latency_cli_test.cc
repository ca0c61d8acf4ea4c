// Whole-model latency as `pietune tune` reports it: the table's last line, report.json `latency`
// (totals and per layer) agreeing with each other, and the per-layer bases naming what runs.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_run_helpers.h"

namespace pietune {
namespace {

using testing::run_pietune;

TEST(LatencyCli, TuneReportsTheWholeModelThreeWays) {
  const testing::ScratchDir scratch("pietune_latency");
  const testing::CliResult r =
      run_pietune({"tune", PIETUNE_SOURCE_DIR "/tests/data/layers/conv_dw_fc.json", "--out", scratch.dir(), "--db",
                   scratch.path("db.sqlite"), "--verify-cases", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("whole model, 4 operators with 400 cycles of TFLM overhead each: stock TFLite Micro "),
            std::string::npos)
      << r.out;
  const nlohmann::json report = nlohmann::json::parse(testing::read_file(scratch.path("report.json")));
  const nlohmann::json& l = report.at("latency");
  const double stock = l.at("stock_tflm").at("cycles"), espnn = l.at("espnn").at("cycles"),
               ours = l.at("pietune").at("cycles");
  EXPECT_GT(stock, espnn);
  EXPECT_GE(espnn, ours);
  EXPECT_NEAR(l.at("pietune").at("ms").get<double>(), ours / 240e6 * 1e3, 1e-9);
  EXPECT_EQ(l.at("operators"), 4);
  EXPECT_TRUE(l.at("unknown").empty());
  double sum = 0;
  for (const auto& layer : report.at("layers")) {
    const nlohmann::json& ll = layer.at("latency");
    sum += ll.at("pietune_cycles").get<double>();
    if (layer.at("chosen").is_null()) {
      // RESHAPE: a copy priced by the reference table, the same three ways.
      EXPECT_EQ(ll.at("pietune_basis"), "as esp-nn");
      EXPECT_EQ(ll.at("espnn_cycles"), ll.at("stock_tflm_cycles"));
    } else {
      EXPECT_EQ(ll.at("pietune_basis"), "kernel " + layer.at("chosen").at("variant").get<std::string>());
      EXPECT_EQ(ll.at("espnn_basis"), "baseline " + layer.at("baseline").at("variant").get<std::string>());
      // The TFLM overhead (400) and the call8 into the kernel (1 + the 2-cycle bubble + 3 argument moves).
      EXPECT_DOUBLE_EQ(ll.at("pietune_cycles").get<double>(), layer.at("chosen").at("cycles").get<double>() + 400 + 6);
    }
  }
  EXPECT_NEAR(sum, ours, 1e-6 * ours);
  EXPECT_NE(testing::read_file(scratch.path("report.html")).find("Whole model, as invoke() would take it"),
            std::string::npos);
}

}  // namespace
}  // namespace pietune
