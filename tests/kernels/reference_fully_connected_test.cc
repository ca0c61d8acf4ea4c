// kernels/reference/fully_connected: hand-checked per-tensor and per-channel cases, batches and
// keep_dims shapes, the weights offset, and the per-tensor float32-product multiplier visible in
// the output; then seeded random layers against an independent loop.
#include "kernels/reference/fully_connected.h"

#include <random>

#include <gtest/gtest.h>

#include "kernels/reference/channel_quantization.h"
#include "reference_test_support.h"

namespace pietune::kernels::reference {
namespace {

using namespace testing;

Layer fc_layer(Shape input, float in_scale, std::int64_t in_zp, Shape weights,
               const std::vector<std::int8_t>& w, Quantization w_quant, std::vector<std::int32_t> bias,
               Shape output, float out_scale, std::int64_t out_zp) {
  Layer l;
  l.index = 4;
  l.op = OpKind::kFullyConnected;
  l.op_name = "FULLY_CONNECTED";
  l.inputs = {activation(std::move(input), in_scale, in_zp)};
  l.weights = int8_weights(std::move(weights), w, std::move(w_quant));
  if (!bias.empty()) l.bias = int32_bias(bias);
  l.outputs = {activation(std::move(output), out_scale, out_zp)};
  return completed(l);
}

TEST(ReferenceFullyConnected, PerTensorHandChecked) {
  // (x - zp) = 2 3 4 5; unit 0: 2 - 4 + 10 + 10 = 18; unit 1: 3 * 14 - 2 = 40. Scale 0.5 * 0.5 / 0.25 = 1.
  const Layer layer = fc_layer({1, 4}, 0.5f, -1, {2, 4}, {1, 0, -1, 2, 3, 3, 3, 3}, quant(0.5f, 0), {10, -2},
                               {1, 2}, 0.25f, 0);
  const Tensor x = Tensor::from_int8({1, 4}, {1, 2, 3, 4});
  EXPECT_EQ(fully_connected_accumulators(layer, x), Tensor::from_int32({1, 2}, {18, 40}));
  EXPECT_EQ(fully_connected(layer, x), Tensor::from_int8({1, 2}, {18, 40}));
}

TEST(ReferenceFullyConnected, PerChannelScalesAndNoBias) {
  // acc 8 and 42 (as above, without bias), times 1.0 and 0.5 -> 8, 21.
  const Layer layer = fc_layer({1, 4}, 0.5f, -1, {2, 4}, {1, 0, -1, 2, 3, 3, 3, 3},
                               channel_quant({0.5f, 0.25f}, 0), {}, {1, 2}, 0.25f, 0);
  EXPECT_EQ(fully_connected(layer, Tensor::from_int8({1, 4}, {1, 2, 3, 4})),
            Tensor::from_int8({1, 2}, {8, 21}));
}

TEST(ReferenceFullyConnected, BatchesAndKeepDimsShapes) {
  // Input [1, 2, 3] read as 2 rows of 3; one unit of ones; output [1, 2, 1] (keep_dims form).
  const Layer layer = fc_layer({1, 2, 3}, 1.0f, 0, {1, 3}, {1, 1, 1}, quant(1.0f, 0), {}, {1, 2, 1}, 1.0f, 0);
  EXPECT_EQ(fully_connected(layer, Tensor::from_int8({1, 2, 3}, {1, 2, 3, -4, -5, -6})),
            Tensor::from_int8({1, 2, 1}, {6, -15}));
}

TEST(ReferenceFullyConnected, PerTensorWeightsZeroPointIsSubtracted) {
  // Weights zp 1: (w - 1) = 1 2 for weights 2 3; x = 5 7 -> 19.
  const Layer layer = fc_layer({1, 2}, 1.0f, 0, {1, 2}, {2, 3}, quant(1.0f, 1), {}, {1, 1}, 1.0f, 0);
  EXPECT_EQ(channel_quantization(layer, RoundingMode::kDouble).weights_offset, -1);
  EXPECT_EQ(fully_connected(layer, Tensor::from_int8({1, 2}, {5, 7})), Tensor::from_int8({1, 1}, {19}));
}

TEST(ReferenceFullyConnected, PerTensorMultiplierUsesTheFloatProduct) {
  // The two multipliers differ in their last bits only, so an output differs only for an
  // accumulator whose scaled value lies within ~2^-30 relative of a rounding boundary. With a real
  // multiplier near 2^-24 such accumulators exist near 100.5 / real (the bias sets the accumulator:
  // input 0, depth 1): search scale triples and that neighbourhood.
  std::mt19937 rng(17);
  std::uniform_real_distribution<float> in_scales(0.005f, 0.02f), filter_scales(0.0005f, 0.002f),
      spread(0.7f, 1.4f);
  for (int attempt = 0; attempt < 200; ++attempt) {
    const float in = in_scales(rng), filter = filter_scales(rng);
    const float out = in * filter * 16777216.0f * spread(rng);
    const double double_real =
        static_cast<double>(in) * static_cast<double>(filter) / static_cast<double>(out);
    const QuantizedMultiplier by_float =
        independent_multiplier(static_cast<double>(in * filter) / static_cast<double>(out));
    const QuantizedMultiplier by_double = independent_multiplier(double_real);
    if (by_float == by_double) continue;
    const long long centre = std::llround(100.5 / double_real);
    for (long long acc = centre - 3000; acc <= centre + 3000; ++acc) {
      if (acc > 2147483647LL) break;
      const auto acc32 = static_cast<std::int32_t>(acc);
      const std::int32_t expected = independent_double_rounding(acc32, by_float);
      if (expected == independent_double_rounding(acc32, by_double) || expected < -128 || expected > 127)
        continue;
      const Layer layer = fc_layer({1, 1}, in, 0, {1, 1}, {1}, quant(filter, 0), {acc32}, {1, 1}, out, 0);
      EXPECT_EQ(channel_quantization(layer, RoundingMode::kDouble).multipliers[0], by_float);
      EXPECT_EQ(fully_connected(layer, Tensor::from_int8({1, 1}, {0})),
                Tensor::from_int8({1, 1}, {static_cast<std::int8_t>(expected)}));
      return;
    }
  }
  FAIL() << "no distinguishing case found";
}

TEST(ReferenceFullyConnected, RandomLayersMatchAnIndependentLoop) {
  std::mt19937 rng(7);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::uniform_real_distribution<float> scale(0.002f, 0.05f);
  for (int i = 0; i < 200; ++i) {
    const int batches = pick(1, 3), depth = pick(1, 40), units = pick(1, 6);
    const float in_scale = scale(rng), out_scale = scale(rng) * 3;
    const int in_zp = pick(-128, 127), out_zp = pick(-128, 127);
    const bool per_channel = pick(0, 1) == 1;
    std::vector<float> w_scales;
    for (int j = 0, n = per_channel ? units : 1; j < n; ++j) w_scales.push_back(scale(rng) / 4);
    const std::vector<std::int8_t> w = random_int8(rng, static_cast<std::size_t>(units * depth), -127, 127);
    std::vector<std::int32_t> bias;
    if (pick(0, 1) == 1) {
      for (int j = 0; j < units; ++j) bias.push_back(pick(-10000, 10000));
    }
    const Layer layer = fc_layer({batches, depth}, in_scale, in_zp, {units, depth}, w,
                                 per_channel ? channel_quant(w_scales, 0) : quant(w_scales[0], 0), bias,
                                 {batches, units}, out_scale, out_zp);
    const std::vector<std::int8_t> x = random_int8(rng, static_cast<std::size_t>(batches * depth));
    for (RoundingMode mode : {RoundingMode::kDouble, RoundingMode::kSingle}) {
      std::vector<std::int8_t> expected;
      for (int b = 0; b < batches; ++b) {
        for (int u = 0; u < units; ++u) {
          long long acc = bias.empty() ? 0 : bias[u];
          for (int d = 0; d < depth; ++d)
            acc += w[u * depth + d] * static_cast<long long>(x[b * depth + d] - in_zp);
          const double real =
              per_channel ? static_cast<double>(in_scale) * w_scales[u] / static_cast<double>(out_scale)
                          : static_cast<double>(in_scale * w_scales[0]) / static_cast<double>(out_scale);
          const QuantizedMultiplier q = independent_multiplier(real, mode == RoundingMode::kSingle);
          expected.push_back(
              clamp_int8(independent_requantize(static_cast<std::int32_t>(acc), q, mode) + out_zp));
        }
      }
      ASSERT_EQ(fully_connected(layer, Tensor::from_int8({batches, depth}, x), mode),
                Tensor::from_int8({batches, units}, expected))
          << "case " << i;
    }
  }
}

}  // namespace
}  // namespace pietune::kernels::reference
