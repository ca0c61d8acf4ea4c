// kernels/reference/depthwise_conv2d: a hand-checked depth-multiplier-2 case with the asymmetric
// SAME padding of stride 2 (as person_detect's first layer), then seeded random layers against a
// loop over a zp-padded copy.
#include "kernels/reference/depthwise_conv2d.h"

#include <random>

#include <gtest/gtest.h>

#include "kernels/padding.h"
#include "reference_test_support.h"

namespace pietune::kernels::reference {
namespace {

using namespace testing;

struct DwSpec {
  Shape input;
  float input_scale = 1.0f;
  std::int64_t input_zp = 0;
  int kh = 3, kw = 3, multiplier = 1;
  std::vector<std::int8_t> weights;  // [1, kh, kw, C * multiplier]
  std::vector<float> weight_scales{1.0f};
  std::vector<std::int32_t> bias;
  float output_scale = 1.0f;
  std::int64_t output_zp = 0;
  Padding padding = Padding::kValid;
  int stride = 1, dilation = 1;
};

Layer dw_layer(const DwSpec& s) {
  const int out_c = s.input[3] * s.multiplier;
  Layer l;
  l.index = 2;
  l.op = OpKind::kDepthwiseConv2d;
  l.op_name = "DEPTHWISE_CONV_2D";
  l.inputs = {activation(s.input, s.input_scale, s.input_zp)};
  l.weights = int8_weights(
      {1, s.kh, s.kw, out_c}, s.weights,
      s.weight_scales.size() == 1 ? quant(s.weight_scales[0], 0) : channel_quant(s.weight_scales, 3));
  if (!s.bias.empty()) l.bias = int32_bias(s.bias);
  const auto out_dim = [&](std::int64_t in, int k) {
    const std::int64_t eff = effective_kernel_size(k, s.dilation);
    return static_cast<std::int32_t>(s.padding == Padding::kSame ? (in + s.stride - 1) / s.stride
                                                                 : (in - eff) / s.stride + 1);
  };
  l.outputs = {activation({s.input[0], out_dim(s.input[1], s.kh), out_dim(s.input[2], s.kw), out_c},
                          s.output_scale, s.output_zp)};
  l.options.padding = s.padding;
  l.options.stride_h = l.options.stride_w = s.stride;
  l.options.dilation_h = l.options.dilation_w = s.dilation;
  return completed(l);
}

TEST(ReferenceDepthwiseConv2d, DepthMultiplierTwoSameStride2) {
  // Channel 0 holds 1..16, channel 1 holds 2 everywhere. Output channels: 0 = ones on ch0,
  // 1 = twos on ch0, 2 = ones on ch1, 3 = centre tap only on ch1. Windows clip at the bottom/right
  // (pads 0/1): ch0 sums 54 45 72 54; tap counts 9 6 6 4. Output scale 2 halves everything.
  DwSpec s;
  s.input = {1, 4, 4, 2};
  s.multiplier = 2;
  s.padding = Padding::kSame;
  s.stride = 2;
  s.output_scale = 2.0f;
  s.weights.resize(9 * 4);
  for (int tap = 0; tap < 9; ++tap) {
    s.weights[tap * 4 + 0] = 1;
    s.weights[tap * 4 + 1] = 2;
    s.weights[tap * 4 + 2] = 1;
    s.weights[tap * 4 + 3] = tap == 4 ? 1 : 0;
  }
  std::vector<std::int8_t> x(32);
  for (int i = 0; i < 16; ++i) {
    x[i * 2] = static_cast<std::int8_t>(i + 1);
    x[i * 2 + 1] = 2;
  }
  const Layer layer = dw_layer(s);
  EXPECT_EQ(layer.options.depth_multiplier, 2);
  EXPECT_EQ(layer.options.pads.bottom, 1);
  const Tensor input = Tensor::from_int8({1, 4, 4, 2}, x);
  EXPECT_EQ(depthwise_conv2d_accumulators(layer, input),
            Tensor::from_int32({1, 2, 2, 4}, {54, 108, 18, 2, 45, 90, 12, 2, 72, 144, 12, 2, 54, 108, 8, 2}));
  EXPECT_EQ(depthwise_conv2d(layer, input),
            Tensor::from_int8({1, 2, 2, 4}, {27, 54, 9, 1, 23, 45, 6, 1, 36, 72, 6, 1, 27, 54, 4, 1}));
}

Tensor expected_dw(const DwSpec& s, const Layer& layer, const Tensor& input, RoundingMode mode) {
  const int n = s.input[0], h = s.input[1], w = s.input[2], c = s.input[3], m = s.multiplier;
  const int out_h = layer.output().shape[1], out_w = layer.output().shape[2];
  const int top = layer.options.pads.top, left = layer.options.pads.left;
  const int ph = std::max(top + h, (out_h - 1) * s.stride + (s.kh - 1) * s.dilation + 1);
  const int pw = std::max(left + w, (out_w - 1) * s.stride + (s.kw - 1) * s.dilation + 1);
  std::vector<int> padded(static_cast<std::size_t>(n) * ph * pw * c, static_cast<int>(s.input_zp));
  for (int b = 0; b < n; ++b)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        for (int ch = 0; ch < c; ++ch)
          padded[((b * ph + y + top) * pw + x + left) * c + ch] =
              input.int8()[((b * h + y) * w + x) * c + ch];
  std::vector<std::int8_t> out;
  for (int b = 0; b < n; ++b)
    for (int oy = 0; oy < out_h; ++oy)
      for (int ox = 0; ox < out_w; ++ox)
        for (int oc = 0; oc < c * m; ++oc) {
          long long acc = s.bias.empty() ? 0 : s.bias[oc];
          for (int ky = 0; ky < s.kh; ++ky)
            for (int kx = 0; kx < s.kw; ++kx) {
              const int y = oy * s.stride + ky * s.dilation, x = ox * s.stride + kx * s.dilation;
              acc += static_cast<long long>(s.weights[(ky * s.kw + kx) * c * m + oc]) *
                     (padded[((b * ph + y) * pw + x) * c + oc / m] - s.input_zp);
            }
          const float ws = s.weight_scales[s.weight_scales.size() == 1 ? 0 : oc];
          const QuantizedMultiplier q = independent_multiplier(
              static_cast<double>(s.input_scale) * ws / static_cast<double>(s.output_scale),
              mode == RoundingMode::kSingle);
          out.push_back(
              clamp_int8(independent_requantize(static_cast<std::int32_t>(acc), q, mode) + s.output_zp));
        }
  return Tensor::from_int8(layer.output().shape, out);
}

TEST(ReferenceDepthwiseConv2d, RandomLayersMatchAnIndependentLoop) {
  std::mt19937 rng(99);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::uniform_real_distribution<float> scale(0.002f, 0.05f);
  int run = 0;
  for (int i = 0; i < 300; ++i) {
    DwSpec s;
    s.input = {pick(1, 2), pick(1, 7), pick(1, 7), pick(1, 5)};
    s.multiplier = pick(1, 3);
    s.kh = pick(1, 3);
    s.kw = pick(1, 3);
    s.stride = pick(1, 2);
    s.dilation = pick(1, 2);
    s.padding = pick(0, 1) == 0 ? Padding::kSame : Padding::kValid;
    if (s.padding == Padding::kValid && (effective_kernel_size(s.kh, s.dilation) > s.input[1] ||
                                         effective_kernel_size(s.kw, s.dilation) > s.input[2])) {
      continue;
    }
    const int out_c = s.input[3] * s.multiplier;
    s.input_scale = scale(rng);
    s.input_zp = pick(-128, 127);
    s.output_scale = scale(rng);
    s.output_zp = pick(-128, 127);
    s.weights = random_int8(rng, static_cast<std::size_t>(s.kh * s.kw * out_c), -127, 127);
    s.weight_scales.clear();
    for (int j = 0, count = pick(0, 1) == 0 ? 1 : out_c; j < count; ++j)
      s.weight_scales.push_back(scale(rng) / 5);
    if (pick(0, 1) == 1) {
      for (int j = 0; j < out_c; ++j) s.bias.push_back(pick(-3000, 3000));
    }
    const Layer layer = dw_layer(s);
    const Tensor input =
        Tensor::from_int8(s.input, random_int8(rng, static_cast<std::size_t>(shape_element_count(s.input))));
    for (RoundingMode mode : {RoundingMode::kDouble, RoundingMode::kSingle}) {
      ASSERT_EQ(depthwise_conv2d(layer, input, mode), expected_dw(s, layer, input, mode)) << "case " << i;
    }
    ++run;
  }
  EXPECT_GT(run, 200);
}

}  // namespace
}  // namespace pietune::kernels::reference
