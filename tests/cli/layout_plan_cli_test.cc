// `tune --layouts plan` and `verify MODEL --layouts plan` on person_detect: the mixed plan in
// report.json, the table and the header (transposes as layer-like entries in call order), the TFLite
// Micro hook left to the NHWC layers, the whole plan exact in the emulator; refusals.
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_run_helpers.h"

namespace pietune {
namespace {

using testing::run_pietune;

const std::string kPersonDetect = PIETUNE_SOURCE_DIR "/examples/models/person_detect.tflite";

TEST(LayoutPlanCli, TuneEmitsTheMixedPlanAndVerifyRunsItExactly) {
  const testing::ScratchDir scratch("pietune_layout_plan");
  // person_detect's 96x96x1 input is the same bytes in NCHW: the option is recorded, nothing converts.
  const testing::CliResult r =
      run_pietune({"tune", kPersonDetect, "--layouts", "plan", "--input-layout", "nchw", "--out", scratch.dir(), "--db",
                   scratch.path("db.sqlite"), "--verify-cases", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json report = nlohmann::json::parse(testing::read_file(scratch.path("report.json")));
  const nlohmann::json& plan = report.at("layout_plan");
  EXPECT_TRUE(plan.at("mixed").get<bool>());
  EXPECT_GT(plan.at("saved_cycles").get<double>(), 0);
  EXPECT_NEAR(plan.at("all_nhwc_cycles").get<double>() - plan.at("plan_cycles").get<double>(),
              plan.at("saved_cycles").get<double>(), 1e-6);
  ASSERT_FALSE(plan.at("conversions").empty());
  EXPECT_EQ(plan.at("input_layout"), "NCHW");
  EXPECT_EQ(plan.at("output_layout"), "NHWC");
  EXPECT_NE(r.out.find("layout plan (input NCHW, output NHWC): layers "), std::string::npos) << r.out;

  // Every NCHW layer got an NCHW kernel; every transpose a transpose_vec kernel; all in call order.
  std::set<int> nchw(plan.at("nchw_layers").begin(), plan.at("nchw_layers").end());
  std::set<int> conversions;
  for (const auto& c : plan.at("conversions")) conversions.insert(c.at("layer").get<int>());
  int transposes = 0;
  for (const auto& layer : report.at("layers")) {
    const int index = layer.at("index");
    if (nchw.contains(index)) {
      EXPECT_NE(layer.at("chosen").at("variant").get<std::string>().find("_nchw_"), std::string::npos) << index;
    }
    if (conversions.contains(index)) {
      ++transposes;
      EXPECT_EQ(layer.at("op"), "TRANSPOSE");
      EXPECT_EQ(layer.at("chosen").at("family"), "transpose_vec");
    }
  }
  EXPECT_EQ(transposes, static_cast<int>(conversions.size()));
  const std::string header = testing::read_file(scratch.path("person_detect_pietune.h"));
  EXPECT_NE(header.find("layout conversion inserted by the layout plan"), std::string::npos);
  EXPECT_NE(header.find("activations NCHW (layout plan)"), std::string::npos);
  EXPECT_NE(header.find("Layout plan: the model's inputs are given in NCHW, its outputs returned in NHWC."),
            std::string::npos);
  // TFLM's arena holds NHWC tensors: the hook runs pietune's kernels on the NHWC layers only.
  const std::string hook = testing::read_file(scratch.path("person_detect_pietune_tflm.cc"));
  for (int index : nchw)
    EXPECT_EQ(hook.find("_l" + std::to_string(index) + "_call_block"), std::string::npos) << index;
  EXPECT_NE(hook.find("_l2_call_block"), std::string::npos);  // an NHWC layer is hooked

  const testing::CliResult v = run_pietune({"verify", kPersonDetect, "--layouts", "plan", "--db",
                                            scratch.path("db.sqlite"), "--cases", "1", "--json"});
  ASSERT_EQ(v.exit_code, 0) << v.err << v.out;
  const nlohmann::json check = nlohmann::json::parse(v.out);
  EXPECT_TRUE(check.at("passed").get<bool>());
  int verified_transposes = 0;
  for (const auto& l : check.at("layers")) {
    EXPECT_EQ(l.at("mismatches"), 0) << l.dump();
    EXPECT_EQ(l.at("chain_differences"), 0) << l.dump();
    if (l.at("op") == "TRANSPOSE" && !l.at("variant").get<std::string>().empty()) ++verified_transposes;
  }
  EXPECT_EQ(verified_transposes, transposes);

  // --layouts nhwc with an NCHW boundary: every layer NHWC, only the boundary's transposes (none
  // here: the 96x96x1 input is layout-free).
  const testing::CliResult n = run_pietune({"tune", kPersonDetect, "--input-layout", "nchw", "--out",
                                            scratch.path("nhwc"), "--db", scratch.path("db.sqlite"), "--verify-cases", "1"});
  ASSERT_EQ(n.exit_code, 0) << n.err;
  EXPECT_NE(n.out.find("layout plan (input NCHW, output NHWC): every layer in NHWC (--layouts nhwc; "), std::string::npos)
      << n.out;
}

// ResNet given its 32x32x3 image in NCHW: the first convolution reads it directly (conv_pix nchw)
// and the whole plan, NCHW graph input included, is exact in the emulator.
TEST(LayoutPlanCli, VerifyRunsAPlanWithAnNchwGraphInput) {
  const testing::ScratchDir scratch("pietune_layout_plan_nchw_input");
  const testing::CliResult v =
      run_pietune({"verify", PIETUNE_SOURCE_DIR "/examples/models/pretrainedResnet_quant.tflite", "--layouts", "plan",
                   "--input-layout", "nchw", "--db", scratch.path("db.sqlite"), "--cases", "1", "--json"});
  ASSERT_EQ(v.exit_code, 0) << v.err << v.out;
  const nlohmann::json check = nlohmann::json::parse(v.out);
  EXPECT_TRUE(check.at("passed").get<bool>());
  int nchw_kernels = 0;
  for (const auto& l : check.at("layers")) {
    EXPECT_EQ(l.at("mismatches"), 0) << l.dump();
    EXPECT_EQ(l.at("chain_differences"), 0) << l.dump();
    nchw_kernels += l.at("variant").get<std::string>().find("_nchw_") != std::string::npos;
  }
  EXPECT_GE(nchw_kernels, 1);
}

TEST(LayoutPlanCli, RefusesALayerFileAndAnUnknownValue) {
  const testing::ScratchDir scratch("pietune_layout_plan_refusals");
  testing::CliResult r = run_pietune({"tune", PIETUNE_SOURCE_DIR "/tests/data/layers/conv_dw_fc.json", "--layouts",
                                      "plan", "--out", scratch.dir(), "--db", scratch.path("db.sqlite")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("a layout plan needs the model's graph"), std::string::npos) << r.err;
  r = run_pietune({"tune", kPersonDetect, "--layouts", "nchw", "--out", scratch.dir(), "--db", scratch.path("db.sqlite")});
  EXPECT_EQ(r.exit_code, 2);
  r = run_pietune({"tune", kPersonDetect, "--input-layout", "chw", "--out", scratch.dir(), "--db", scratch.path("db.sqlite")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--input-layout"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace pietune
