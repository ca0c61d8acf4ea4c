// kernels/reference/conv2d: hand-checked 3x3 cases on a 4x4 input (VALID, SAME with the extra
// bottom/right row and column, zero points, both rounding modes), groups, dilation, bias,
// per-channel scales and clamps, then seeded random layers against a loop over a zp-padded copy.
#include "kernels/reference/conv2d.h"

#include <array>
#include <random>

#include <gtest/gtest.h>

#include "kernels/padding.h"
#include "kernels/reference/channel_quantization.h"
#include "model/support/error.h"
#include "reference_test_support.h"

namespace pietune::kernels::reference {
namespace {

using namespace testing;

struct ConvSpec {
  Shape input;  // NHWC
  float input_scale = 1.0f;
  std::int64_t input_zp = 0;
  Shape weights;  // [Cout, KH, KW, Cin_g]
  std::vector<std::int8_t> weight_values;
  std::vector<float> weight_scales{1.0f};
  std::vector<std::int32_t> bias;  // empty: no bias
  float output_scale = 1.0f;
  std::int64_t output_zp = 0;
  Padding padding = Padding::kValid;
  int stride = 1;
  int dilation = 1;
  ActivationKind activation = ActivationKind::kNone;
};

Layer conv_layer(const ConvSpec& s) {
  Layer l;
  l.index = 7;
  l.op = OpKind::kConv2d;
  l.op_name = "CONV_2D";
  l.inputs = {activation(s.input, s.input_scale, s.input_zp)};
  l.weights = int8_weights(
      s.weights, s.weight_values,
      s.weight_scales.size() == 1 ? quant(s.weight_scales[0], 0) : channel_quant(s.weight_scales, 0));
  if (!s.bias.empty()) l.bias = int32_bias(s.bias);
  const std::int64_t eff_h = effective_kernel_size(s.weights[1], s.dilation);
  const std::int64_t eff_w = effective_kernel_size(s.weights[2], s.dilation);
  const auto out_dim = [&](std::int64_t in, std::int64_t eff) {
    return static_cast<std::int32_t>(s.padding == Padding::kSame ? (in + s.stride - 1) / s.stride
                                                                 : (in - eff) / s.stride + 1);
  };
  l.outputs = {activation({s.input[0], out_dim(s.input[1], eff_h), out_dim(s.input[2], eff_w), s.weights[0]},
                          s.output_scale, s.output_zp)};
  l.options.padding = s.padding;
  l.options.stride_h = l.options.stride_w = s.stride;
  l.options.dilation_h = l.options.dilation_w = s.dilation;
  l.options.activation.kind = s.activation;
  return completed(l);
}

Tensor sixteen(std::int8_t offset = 0) {  // 1x4x4x1 holding 1..16 (+ offset), row-major
  std::vector<std::int8_t> v(16);
  for (int i = 0; i < 16; ++i) v[i] = static_cast<std::int8_t>(i + 1 + offset);
  return Tensor::from_int8({1, 4, 4, 1}, v);
}

ConvSpec ones_3x3(Padding padding, int stride, float output_scale) {
  ConvSpec s;
  s.input = {1, 4, 4, 1};
  s.weights = {1, 3, 3, 1};
  s.weight_values.assign(9, 1);
  s.output_scale = output_scale;
  s.padding = padding;
  s.stride = stride;
  return s;
}

TEST(ReferenceConv2d, Valid3x3On4x4) {
  // Window sums 54 63 / 90 99, times 0.5 = 27 31.5 45 49.5; the halves round up at bit 31.
  const Layer layer = conv_layer(ones_3x3(Padding::kValid, 1, 2.0f));
  EXPECT_EQ(conv2d_accumulators(layer, sixteen()).int32()[0], 54);
  const Tensor out = conv2d(layer, sixteen());
  EXPECT_EQ(out.shape(), (Shape{1, 2, 2, 1}));
  EXPECT_EQ(out, Tensor::from_int8({1, 2, 2, 1}, {27, 32, 45, 50}));
}

TEST(ReferenceConv2d, SameStride2PadsOnlyBottomAndRight) {
  // in 4, k 3, s 2: out 2, total pad 1 -> top 0, bottom 1. Windows: rows 0-2 / 2-3, cols 0-2 / 2-3.
  const Layer layer = conv_layer(ones_3x3(Padding::kSame, 2, 2.0f));
  EXPECT_EQ(layer.options.pads.top, 0);
  EXPECT_EQ(layer.options.pads.bottom, 1);
  EXPECT_EQ(conv2d_accumulators(layer, sixteen()), Tensor::from_int32({1, 2, 2, 1}, {54, 45, 72, 54}));
  EXPECT_EQ(conv2d(layer, sixteen()), Tensor::from_int8({1, 2, 2, 1}, {27, 23, 36, 27}));
}

TEST(ReferenceConv2d, SameStride1PadsAllSidesWithTheZeroPoint) {
  // A zero point of 5 with every value shifted by 5: the skipped taps behave as zp padding, so the
  // result equals the zp-0 run.
  ConvSpec s = ones_3x3(Padding::kSame, 1, 1.0f);
  const Tensor plain = conv2d_accumulators(conv_layer(s), sixteen());
  s.input_zp = 5;
  const Tensor shifted = conv2d_accumulators(conv_layer(s), sixteen(5));
  EXPECT_EQ(plain, shifted);
  // Corner (0,0): 1+2+5+6; centre (1,1): 1+2+3+5+6+7+9+10+11.
  EXPECT_EQ(plain.int32()[0], 14);
  EXPECT_EQ(plain.int32()[5], 54);
}

TEST(ReferenceConv2d, NegativeAccumulatorsShowTheRoundingModes) {
  // Input zp 12: window sums 54 63 90 99 minus 9 * 12 = -54 -45 -18 -9, times 0.25:
  // -13.5 -11.25 -4.5 -2.25. Double rounding: -14 -11 -5 -2; single: -13 -11 -4 -2.
  ConvSpec s = ones_3x3(Padding::kValid, 1, 4.0f);
  s.input_zp = 12;
  const Layer layer = conv_layer(s);
  EXPECT_EQ(conv2d_accumulators(layer, sixteen()), Tensor::from_int32({1, 2, 2, 1}, {-54, -45, -18, -9}));
  EXPECT_EQ(conv2d(layer, sixteen(), RoundingMode::kDouble),
            Tensor::from_int8({1, 2, 2, 1}, {-14, -11, -5, -2}));
  EXPECT_EQ(conv2d(layer, sixteen(), RoundingMode::kSingle),
            Tensor::from_int8({1, 2, 2, 1}, {-13, -11, -4, -2}));
}

TEST(ReferenceConv2d, GroupsReadTheirOwnInputChannels) {
  // 4 input channels, 2 groups of 2, one filter per group: out0 = 1*1 + 10*2, out1 = 20*3 + 1*4.
  ConvSpec s;
  s.input = {1, 1, 1, 4};
  s.weights = {2, 1, 1, 2};
  s.weight_values = {1, 10, 20, 1};
  const Layer layer = conv_layer(s);
  EXPECT_EQ(layer.options.groups, 2);
  EXPECT_EQ(conv2d(layer, Tensor::from_int8({1, 1, 1, 4}, {1, 2, 3, 4})),
            Tensor::from_int8({1, 1, 1, 2}, {21, 64}));
}

TEST(ReferenceConv2d, DilationSpreadsTheTaps) {
  // 5x5 holding 1..25, 2x2 ones with dilation 2 (effective 3x3), VALID -> 3x3.
  ConvSpec s;
  s.input = {1, 5, 5, 1};
  s.weights = {1, 2, 2, 1};
  s.weight_values = {1, 1, 1, 1};
  s.dilation = 2;
  std::vector<std::int8_t> v(25);
  for (int i = 0; i < 25; ++i) v[i] = static_cast<std::int8_t>(i + 1);
  const Tensor acc = conv2d_accumulators(conv_layer(s), Tensor::from_int8({1, 5, 5, 1}, v));
  EXPECT_EQ(acc.shape(), (Shape{1, 3, 3, 1}));
  EXPECT_EQ(acc.int32()[0], 1 + 3 + 11 + 13);
  EXPECT_EQ(acc.int32()[8], 13 + 15 + 23 + 25);
}

TEST(ReferenceConv2d, BiasPerChannelScalesAndRelu6) {
  // acc0 = 10 * 2 + 5 = 25, x 0.5 = 12.5 -> 13; acc1 = 10 * 3 - 19 = 11, x 0.25 = 2.75 -> 3;
  // + zp 3 -> 16, 6. RELU6 at scale 1, zp 3 clamps to [3, 9].
  ConvSpec s;
  s.input = {1, 1, 1, 1};
  s.weights = {2, 1, 1, 1};
  s.weight_values = {2, 3};
  s.weight_scales = {0.5f, 0.25f};
  s.bias = {5, -19};
  s.output_zp = 3;
  const Tensor x = Tensor::from_int8({1, 1, 1, 1}, {10});
  EXPECT_EQ(conv2d(conv_layer(s), x), Tensor::from_int8({1, 1, 1, 2}, {16, 6}));
  s.activation = ActivationKind::kRelu6;
  EXPECT_EQ(conv2d(conv_layer(s), x), Tensor::from_int8({1, 1, 1, 2}, {9, 6}));
  const ChannelQuantization q = channel_quantization(conv_layer(s), RoundingMode::kDouble);
  EXPECT_EQ(q.act_min, 3);
  EXPECT_EQ(q.act_max, 9);
  EXPECT_EQ(q.multipliers[0], (QuantizedMultiplier{1 << 30, 0}));
  EXPECT_EQ(q.multipliers[1], (QuantizedMultiplier{1 << 30, -1}));
}

TEST(ReferenceConv2d, ErrorsNameTheLayer) {
  Layer layer = conv_layer(ones_3x3(Padding::kValid, 1, 1.0f));
  try {
    conv2d(layer, Tensor::from_int8({1, 3, 3, 1}, std::vector<std::int8_t>(9)));
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "layer 7 (CONV_2D): input 0: shape 1x3x3x1, expected 1x4x4x1");
  }
  layer.weights->data.reset();
  try {
    conv2d(layer, sixteen());
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "layer 7 (CONV_2D): weights: no constant data");
  }
}

// ---- Seeded random layers against an independent loop ----

// Convolution over an explicitly padded copy (filled with the input zero point), every tap read.
Tensor expected_conv(const ConvSpec& s, const Layer& layer, const Tensor& input, RoundingMode mode) {
  const int n = s.input[0], h = s.input[1], w = s.input[2], c = s.input[3];
  const int out_c = s.weights[0], kh = s.weights[1], kw = s.weights[2], group_c = s.weights[3];
  const int out_h = layer.output().shape[1], out_w = layer.output().shape[2];
  const int top = layer.options.pads.top, left = layer.options.pads.left;
  const int ph = std::max(top + h, (out_h - 1) * s.stride + (kh - 1) * s.dilation + 1);
  const int pw = std::max(left + w, (out_w - 1) * s.stride + (kw - 1) * s.dilation + 1);
  std::vector<int> padded(static_cast<std::size_t>(n) * ph * pw * c, static_cast<int>(s.input_zp));
  for (int b = 0; b < n; ++b)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        for (int ch = 0; ch < c; ++ch)
          padded[((b * ph + y + top) * pw + x + left) * c + ch] =
              input.int8()[((b * h + y) * w + x) * c + ch];

  const int per_group = out_c / (c / group_c);
  std::vector<std::int8_t> out;
  for (int b = 0; b < n; ++b)
    for (int oy = 0; oy < out_h; ++oy)
      for (int ox = 0; ox < out_w; ++ox)
        for (int oc = 0; oc < out_c; ++oc) {
          long long acc = s.bias.empty() ? 0 : s.bias[oc];
          for (int ky = 0; ky < kh; ++ky)
            for (int kx = 0; kx < kw; ++kx)
              for (int ic = 0; ic < group_c; ++ic) {
                const int y = oy * s.stride + ky * s.dilation, x = ox * s.stride + kx * s.dilation;
                const int value = padded[((b * ph + y) * pw + x) * c + (oc / per_group) * group_c + ic];
                acc += static_cast<long long>(s.weight_values[((oc * kh + ky) * kw + kx) * group_c + ic]) *
                       (value - s.input_zp);
              }
          const float ws = s.weight_scales[s.weight_scales.size() == 1 ? 0 : oc];
          const QuantizedMultiplier q = independent_multiplier(
              static_cast<double>(s.input_scale) * ws / static_cast<double>(s.output_scale),
              mode == RoundingMode::kSingle);
          const std::int64_t v =
              independent_requantize(static_cast<std::int32_t>(acc), q, mode) + s.output_zp;
          out.push_back(clamp_int8(v, layer.options.activation.min, layer.options.activation.max));
        }
  return Tensor::from_int8(layer.output().shape, out);
}

TEST(ReferenceConv2d, RandomLayersMatchAnIndependentLoop) {
  std::mt19937 rng(2024);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::uniform_real_distribution<float> scale(0.002f, 0.05f);
  int run = 0;
  for (int i = 0; i < 300; ++i) {
    ConvSpec s;
    const int c = pick(1, 4);
    const int groups = (c % 2 == 0 && pick(0, 1) == 1) ? 2 : 1;
    const int out_c = groups * pick(1, 3);
    const int k = pick(1, 3);
    s.input = {pick(1, 2), pick(1, 7), pick(1, 7), c};
    s.weights = {out_c, k, pick(1, 3), c / groups};
    s.stride = pick(1, 2);
    s.dilation = pick(1, 2);
    s.padding = pick(0, 1) == 0 ? Padding::kSame : Padding::kValid;
    if (s.padding == Padding::kValid && (effective_kernel_size(s.weights[1], s.dilation) > s.input[1] ||
                                         effective_kernel_size(s.weights[2], s.dilation) > s.input[2])) {
      continue;
    }
    s.input_scale = scale(rng);
    s.input_zp = pick(-128, 127);
    s.output_scale = scale(rng) * 4;
    s.output_zp = pick(-128, 127);
    const std::size_t wcount =
        static_cast<std::size_t>(s.weights[0]) * s.weights[1] * s.weights[2] * s.weights[3];
    s.weight_values = random_int8(rng, wcount, -127, 127);
    s.weight_scales.clear();
    const int scale_count = pick(0, 1) == 0 ? 1 : out_c;
    for (int j = 0; j < scale_count; ++j) s.weight_scales.push_back(scale(rng) / 10);
    if (pick(0, 1) == 1) {
      for (int j = 0; j < out_c; ++j) s.bias.push_back(pick(-5000, 5000));
    }
    s.activation =
        std::array{ActivationKind::kNone, ActivationKind::kRelu, ActivationKind::kRelu6}[pick(0, 2)];
    const Layer layer = conv_layer(s);
    const Tensor input =
        Tensor::from_int8(s.input, random_int8(rng, static_cast<std::size_t>(shape_element_count(s.input))));
    for (RoundingMode mode : {RoundingMode::kDouble, RoundingMode::kSingle}) {
      ASSERT_EQ(conv2d(layer, input, mode), expected_conv(s, layer, input, mode)) << "case " << i;
    }
    ++run;
  }
  EXPECT_GT(run, 200);
}

}  // namespace
}  // namespace pietune::kernels::reference
