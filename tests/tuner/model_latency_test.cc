// Whole-model latency three ways: every operator pays the TFLM overhead; (b) takes the esp-nn
// baseline where one exists and the reference cost elsewhere; (c) the chosen kernel, else what (b)
// runs; ops of unknown cost are left out and named. The reference costs reproduce the esp-nn
// README's ANSI C rows they are solved from.
#include "tuner/latency/model_latency.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "kernels/layer_json.h"
#include "tuner/latency/reference_cost.h"

namespace pietune::tuner {
namespace {

kernels::Layer layer_of(const std::string& json) { return kernels::parse_layer_file(json, "l.json").layers.at(0); }

kernels::Layer conv1x1(int size, int channels) {
  return layer_of(fmt::format(R"({{"op": "CONV_2D",
      "inputs": [{{"shape": [1, {0}, {0}, {1}], "quantization": {{"scales": [1.0], "zero_points": [-5]}}}}],
      "weights": {{"shape": [{1}, 1, 1, {1}], "constant": true, "quantization": {{"scales": [0.001]}}}},
      "outputs": [{{"shape": [1, {0}, {0}, {1}], "quantization": {{"scales": [1.0]}}}}]}})",
                              size, channels));
}

TEST(ReferenceCost, ReproducesTheAnsiCRowsItIsSolvedFrom) {
  EXPECT_NEAR(reference_cost(conv1x1(10, 64))->cycles, 4642259, 1);
  EXPECT_NEAR(reference_cost(conv1x1(8, 16))->cycles, 300032, 1);
  const kernels::Layer add = layer_of(R"({"op": "ADD", "inputs": [{"shape": [1615]}, {"shape": [1615]}],
                                          "outputs": [{"shape": [1615]}]})");
  EXPECT_NEAR(reference_cost(add)->cycles, 312327, 1);
  EXPECT_NE(reference_cost(add)->basis.find("esp-nn README 2023 ANSI C"), std::string::npos);
  const kernels::Layer svdf =
      layer_of(R"({"op": "UNSUPPORTED", "op_name": "SVDF", "inputs": [{"shape": [1, 4]}], "outputs": [{"shape": [1, 4]}]})");
  EXPECT_FALSE(reference_cost(svdf));
}

VariantEstimate estimate(const char* name, double cycles) {
  VariantEstimate e;
  e.variant = *kernels::parse_variant_name(name);
  e.cost.cycles = cycles;
  return e;
}

TEST(ModelLatency, ThreeWaysWithOverheadAndUnknownOps) {
  kernels::Model model;
  model.layers = {conv1x1(8, 16),
                  layer_of(R"({"op": "RESHAPE", "inputs": [{"shape": [1, 8, 8, 16]}], "outputs": [{"shape": [1, 1024]}]})"),
                  layer_of(R"({"op": "UNSUPPORTED", "op_name": "SVDF", "inputs": [{"shape": [1, 4]}],
                               "outputs": [{"shape": [1, 4]}]})")};
  for (int i = 0; i < 3; ++i) model.layers[i].index = i;
  TuneResult result;
  result.layers.resize(3);
  LayerResult& conv = result.layers[0];
  conv.tuning.covered = true;
  conv.tuning.ranked = {estimate("conv_qs8_accx_1p1c_u1__pie_direct_rqscalar", 20000)};
  conv.tuning.baseline = estimate("conv_qs16_espnn1x1_8p1c_u1__pie_widened_rqespnn", 30000);
  conv.chosen = 0;
  model::Machine machine = model::default_machine();
  const ModelLatency m = model_latency(model, result, machine);
  const double overhead = machine.tflm_op_overhead_cycles;
  // A kernel's call from C: call8 (1 + its bubble) and three argument moves.
  const double call = 1 + machine.call_penalty + 3;
  EXPECT_DOUBLE_EQ(kernel_call_cycles(machine), call);
  ASSERT_EQ(m.layers.size(), 3u);
  EXPECT_DOUBLE_EQ(m.layers[0].stock_tflm, overhead + 300032.0);
  EXPECT_DOUBLE_EQ(m.layers[0].espnn, overhead + call + 30000);
  EXPECT_DOUBLE_EQ(m.layers[0].pietune, overhead + call + 20000);
  EXPECT_EQ(m.layers[0].espnn_basis, "baseline conv_qs16_espnn1x1_8p1c_u1__pie_widened_rqespnn");
  // RESHAPE: a 1024-byte copy at the memcpy rate, the same in all three.
  EXPECT_NEAR(m.layers[1].stock_tflm, overhead + 1024 * 64039.0 / 102400.0, 1e-6);
  EXPECT_DOUBLE_EQ(m.layers[1].pietune, m.layers[1].stock_tflm);
  EXPECT_EQ(m.layers[1].pietune_basis, "as esp-nn");
  EXPECT_FALSE(m.layers[2].known);
  EXPECT_EQ(m.unknown, std::vector<std::string>{"#2 SVDF"});
  EXPECT_DOUBLE_EQ(m.pietune, m.layers[0].pietune + m.layers[1].pietune);
  EXPECT_DOUBLE_EQ(m.espnn, m.layers[0].espnn + m.layers[1].espnn);
  EXPECT_EQ(m.reference_priced, 1);
}

}  // namespace
}  // namespace pietune::tuner
