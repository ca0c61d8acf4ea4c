// A model that starts with a TRANSPOSE, as PyTorch exports do: read with its permutation, run by
// the reference ops, its TRANSPOSE tuned to a transpose_vec kernel, and the whole model exact in
// the emulator with that kernel.
#include <gtest/gtest.h>

#include "kernels/reference/random_inputs.h"
#include "kernels/reference/run_model.h"
#include "kernels/verify.h"
#include "model/timing/machine.h"
#include "tflite_builder_helpers.h"
#include "tuner/search/estimate_cache.h"
#include "tuner/tflite/tflite_reader.h"
#include "tuner/tune/layer_tuning.h"
#include "tuner/verify/model_verify.h"

namespace pietune::tuner {
namespace {

using kernels::OpKind;

kernels::Model nchw_input_model() {
  return read_tflite(testing::build_model(testing::nchw_input_conv_model()), "nchw_input.tflite");
}

TEST(TransposeModel, ReaderKeepsThePermutation) {
  const kernels::Model m = nchw_input_model();
  ASSERT_EQ(m.layers.size(), 2u);
  const kernels::Layer& t = m.layers[0];
  EXPECT_EQ(t.op, OpKind::kTranspose);
  EXPECT_EQ(t.op_name, "TRANSPOSE");
  EXPECT_EQ(t.options.perm, (std::vector<std::int32_t>{0, 2, 3, 1}));
  ASSERT_EQ(t.inputs.size(), 1u);  // the perm tensor is an option, not an activation
  EXPECT_EQ(t.input().shape, (std::vector<std::int32_t>{1, 3, 8, 8}));
  EXPECT_EQ(t.output().shape, (std::vector<std::int32_t>{1, 8, 8, 3}));
}

TEST(TransposeModel, TunedAndExactInTheEmulator) {
  const kernels::Model m = nchw_input_model();
  EstimateCache cache(nullptr, model::default_machine(), Placement{});
  LayerTuningOptions options;
  options.search.budget = 256;
  options.search.seed = 1;
  options.sram_limit_bytes = 256 * 1024;
  std::vector<std::optional<kernels::GeneratedKernel>> kernels;
  std::vector<std::string> names;
  for (const kernels::Layer& layer : m.layers) {
    const LayerTuning t = tune_layer(layer, options, cache);
    ASSERT_NE(t.chosen(), nullptr) << kernels::to_string(layer.op);
    const kernels::FamilySpec* family = kernels::find_family(t.chosen()->variant.family);
    ASSERT_NE(family, nullptr);
    if (layer.op == OpKind::kTranspose) {
      EXPECT_EQ(family->name, "transpose_vec");
      EXPECT_EQ(t.chosen()->variant.word("inputpath"), "bytes");  // 3 rows: no 16-row unzip block
    }
    kernels.push_back(family->generate(layer, t.chosen()->variant));
    names.push_back(t.chosen()->variant.name());
  }
  const ModelCheck check = verify_model(m, kernels, names, 3, 5);
  EXPECT_TRUE(check.passed());
  ASSERT_EQ(check.layers.size(), 2u);
  EXPECT_EQ(check.layers[0].mismatches, 0);
  EXPECT_EQ(check.layers[0].outputs, 3 * 192);
  EXPECT_GT(check.output_values, 0);
}

}  // namespace
}  // namespace pietune::tuner
