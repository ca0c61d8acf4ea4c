// verify_model on the bundled hello_world model (three FULLY_CONNECTED layers): the generated
// kernels pass; a kernel with one corrupted weight byte is caught in its own layer, and the
// difference is followed through the chain to the model output.
#include <gtest/gtest.h>

#include "kernels/enumerate.h"
#include "kernels/registry.h"
#include "tuner/model_loader.h"
#include "tuner/verify/model_verify.h"

namespace pietune::tuner {
namespace {

struct Kernels {
  std::vector<std::optional<kernels::GeneratedKernel>> code;
  std::vector<std::string> names;
};

Kernels first_legal_kernels(const kernels::Model& model) {
  Kernels k;
  for (const kernels::Layer& layer : model.layers) {
    const kernels::Enumeration e = kernels::enumerate_variants(layer);
    if (e.legal.empty()) {
      k.code.emplace_back();
      k.names.emplace_back();
      continue;
    }
    k.code.push_back(kernels::find_family(e.legal.front().family)->generate(layer, e.legal.front()));
    k.names.push_back(e.legal.front().name());
  }
  return k;
}

TEST(ModelVerify, GeneratedKernelsMatchTheReferenceThroughTheModel) {
  const kernels::Model model = load_model(PIETUNE_SOURCE_DIR "/examples/models/hello_world_int8.tflite");
  const Kernels k = first_legal_kernels(model);
  int with_kernel = 0;
  for (const auto& c : k.code) with_kernel += c.has_value();
  ASSERT_EQ(with_kernel, 3);
  const ModelCheck check = verify_model(model, k.code, k.names, 4, 11);
  EXPECT_TRUE(check.passed());
  EXPECT_EQ(check.cases, 4);
  EXPECT_GT(check.output_values, 0);
  for (const LayerCheck& l : check.layers) {
    EXPECT_EQ(l.mismatches, 0) << l.layer;
    EXPECT_EQ(l.chain_differences, 0) << l.layer;
    if (!l.variant.empty()) {
      EXPECT_GT(l.outputs, 0) << l.layer;
    }
  }
}

TEST(ModelVerify, CorruptedKernelIsCaughtInItsLayerAndFollowedToTheOutput) {
  const kernels::Model model = load_model(PIETUNE_SOURCE_DIR "/examples/models/hello_world_int8.tflite");
  Kernels k = first_legal_kernels(model);
  ASSERT_TRUE(k.code[0].has_value());
  std::vector<std::uint8_t>& weights = k.code[0]->constants.front().bytes;
  for (std::uint8_t& b : weights) b = static_cast<std::uint8_t>(b ^ 0x40);  // every weight of layer 0 wrong
  const ModelCheck check = verify_model(model, k.code, k.names, 2, 3);
  EXPECT_FALSE(check.passed());
  EXPECT_GT(check.layers[0].mismatches, 0);
  EXPECT_GT(check.layers[0].chain_differences, 0);
  EXPECT_EQ(check.layers[1].mismatches, 0);  // layer 1's kernel is right on the input it was given
  EXPECT_GT(check.output_differences, 0);
}

}  // namespace
}  // namespace pietune::tuner
