// kernels/reference/softmax and fixed_point: parameters (multiplier, diff_min) worked out by hand,
// exact outputs for equal rows and cut-off differences, TFLM's own int8 golden vector (within the
// 1 LSB its test allows), float agreement on random rows, and the fixed-point helpers' accuracy.
#include "kernels/reference/softmax.h"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "kernels/reference/fixed_point.h"
#include "model/support/error.h"
#include "reference_test_support.h"

namespace pietune::kernels::reference {
namespace {

using namespace testing;

Layer softmax_layer(Shape shape, float input_scale, std::int64_t input_zp = 0, float beta = 1.0f) {
  Layer l;
  l.index = 30;
  l.op = OpKind::kSoftmax;
  l.op_name = "SOFTMAX";
  l.inputs = {activation(shape, input_scale, input_zp)};
  l.outputs = {activation(shape, 1.0f / 256.0f, -128)};
  l.options.beta = beta;
  return completed(l);
}

TEST(ReferenceSoftmax, ParametersByHand) {
  // Scale 1: real = 2^26 -> multiplier 2^30, shift 27; diff_min = -floor(31 * 2^26 / 2^27) = -15.
  SoftmaxParams p = softmax_params(softmax_layer({1, 2}, 1.0f));
  EXPECT_EQ(p.input_multiplier, (QuantizedMultiplier{1 << 30, 27}));
  EXPECT_EQ(p.diff_min, -15);
  // Scale 0.1 (float): real = 0.1f * 2^26 = 6710886.5 -> shift 23; diff_min = -floor(31 * 8) = -248.
  p = softmax_params(softmax_layer({1, 2}, 0.1f));
  EXPECT_EQ(p.input_multiplier, independent_multiplier(static_cast<double>(0.1f) * 67108864.0));
  EXPECT_EQ(p.input_multiplier.shift, 23);
  EXPECT_EQ(p.diff_min, -248);
  // Huge scale: capped at 2^31 - 1 (double) or 2^30 - 1 (single rounding).
  p = softmax_params(softmax_layer({1, 2}, 1000.0f));
  EXPECT_EQ(p.input_multiplier, (QuantizedMultiplier{2147483647, 31}));
  EXPECT_EQ(p.diff_min, 0);
  p = softmax_params(softmax_layer({1, 2}, 1000.0f), RoundingMode::kSingle);
  EXPECT_EQ(p.input_multiplier, (QuantizedMultiplier{2147483646, 30}));
  EXPECT_EQ(p.diff_min, -1);
}

TEST(ReferenceSoftmax, EqualRowsGiveExactFractions) {
  // n equal values: 1/n exactly for powers of two: 1 -> 127 (clamped 1.0), 1/2 -> 0,
  // 1/4 -> -64, 1/256 -> -127.
  for (RoundingMode mode : {RoundingMode::kDouble, RoundingMode::kSingle}) {
    EXPECT_EQ(softmax(softmax_layer({1, 1}, 0.1f), Tensor::from_int8({1, 1}, {42}), mode),
              Tensor::from_int8({1, 1}, {127}));
    EXPECT_EQ(softmax(softmax_layer({1, 2}, 0.1f), Tensor::from_int8({1, 2}, {-7, -7}), mode),
              Tensor::from_int8({1, 2}, {0, 0}));
    EXPECT_EQ(softmax(softmax_layer({2, 4}, 0.1f),
                      Tensor::from_int8({2, 4}, std::vector<std::int8_t>(8, 100)), mode),
              Tensor::from_int8({2, 4}, std::vector<std::int8_t>(8, -64)));
    EXPECT_EQ(softmax(softmax_layer({1, 256}, 0.05f),
                      Tensor::from_int8({1, 256}, std::vector<std::int8_t>(256, 3)), mode),
              Tensor::from_int8({1, 256}, std::vector<std::int8_t>(256, -127)));
  }
}

TEST(ReferenceSoftmax, DifferencesBelowDiffMinGiveExactlyMinus128) {
  // Scale 1: diff_min -15. -16 is cut off (-128 exactly), the maximum alone takes 127; -15 still
  // counts but exp(-15) is far below one output step.
  const Layer layer = softmax_layer({1, 3}, 1.0f);
  EXPECT_EQ(softmax(layer, Tensor::from_int8({1, 3}, {0, -16, -15})),
            Tensor::from_int8({1, 3}, {127, -128, -128}));
}

TEST(ReferenceSoftmax, TflmGoldenVectorWithinOneStep) {
  // TFLM softmax_test.cc, 1-D int8 case: inputs 1..5 at scale 0.1, zp 0; golden probabilities
  // quantized with scale 1/256, zp -128. TFLM's own test allows 1 step.
  const float golden[] = {0.011656231f, 0.031684921f, 0.086128544f, 0.234121657f, 0.636408647f};
  const Tensor out = softmax(softmax_layer({1, 5}, 0.1f), Tensor::from_int8({1, 5}, {10, 20, 30, 40, 50}));
  for (int i = 0; i < 5; ++i) {
    const int expected = static_cast<int>(std::round(golden[i] * 256.0f)) - 128;
    EXPECT_NEAR(out.int8()[i], expected, 1) << i;
  }
}

TEST(ReferenceSoftmax, RandomRowsAgreeWithFloatAndSumToOne) {
  std::mt19937 rng(8);
  std::uniform_real_distribution<float> scale(0.02f, 0.3f);
  for (int i = 0; i < 200; ++i) {
    const int depth = std::uniform_int_distribution<int>(2, 20)(rng);
    const float s = scale(rng);
    const int zp = std::uniform_int_distribution<int>(-50, 50)(rng);
    const std::vector<std::int8_t> x = random_int8(rng, static_cast<std::size_t>(depth));
    const Tensor out = softmax(softmax_layer({1, depth}, s, zp), Tensor::from_int8({1, depth}, x));
    double max_real = -1e9;
    for (std::int8_t v : x) max_real = std::max(max_real, static_cast<double>(s) * (v - zp));
    double denominator = 0;
    for (std::int8_t v : x) denominator += std::exp(static_cast<double>(s) * (v - zp) - max_real);
    int total = 0;
    for (int c = 0; c < depth; ++c) {
      const double p = std::exp(static_cast<double>(s) * (x[c] - zp) - max_real) / denominator;
      EXPECT_NEAR((out.int8()[c] + 128) / 256.0, std::min(p, 255.0 / 256.0), 1.5 / 256.0) << i << " " << c;
      total += out.int8()[c] + 128;
    }
    EXPECT_NEAR(total, 256, depth);  // each output rounds separately
  }
}

TEST(ReferenceSoftmax, RefusesOtherOutputQuantization) {
  Layer layer = softmax_layer({1, 4}, 0.1f);
  layer.outputs[0].quant = quant(1.0f / 255.0f, -128);
  try {
    softmax_params(layer);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("layer 30 (SOFTMAX): output quantization"), std::string::npos)
        << e.what();
  }
}

TEST(FixedPoint, ExpOnNegativeValuesIsAccurate) {
  // Q5.26 inputs over [-31, 0]; exp in Q0.31 within 1e-6 (the 4th-order polynomial on [-1/4, 0)
  // is good to about 2.5e-7).
  for (double x = -31.0; x <= 0.0; x += 0.0371) {
    const auto raw = static_cast<std::int32_t>(std::llround(x * 67108864.0));
    const double got = exp_on_negative_values(raw, 5) / 2147483648.0;
    EXPECT_NEAR(got, std::exp(raw / 67108864.0), 1e-6) << x;
  }
  EXPECT_EQ(exp_on_negative_values(0, 5), 2147483647);
}

TEST(FixedPoint, OneOverOnePlusXAndReciprocal) {
  for (double x = 0.0; x < 1.0; x += 0.0173) {
    const auto raw = static_cast<std::int32_t>(std::llround(x * 2147483648.0));
    EXPECT_NEAR(one_over_one_plus_x_for_x_in_0_1(raw) / 2147483648.0, 1.0 / (1.0 + x), 1e-8) << x;
  }
  // 3.0 with 12 integer bits: 3 = 1.5 * 2^1, so 1/3 = s * 2^-1 with s = 1/1.5 = 2/3.
  int bits = 0;
  const std::int32_t s = reciprocal(3 << 19, 12, &bits);
  EXPECT_EQ(bits, 1);
  EXPECT_NEAR(s / 2147483648.0, 2.0 / 3.0, 1e-8);
}

TEST(FixedPoint, SaturatingShiftsAndRescale) {
  EXPECT_EQ(saturating_rounding_multiply_by_pot(3, 2), 12);
  EXPECT_EQ(saturating_rounding_multiply_by_pot(1 << 29, 2), 2147483647);
  EXPECT_EQ(saturating_rounding_multiply_by_pot(-(1 << 29) - 1, 2), -2147483647 - 1);
  EXPECT_EQ(saturating_rounding_multiply_by_pot(-6, -2), -2);  // -1.5 -> -2
  EXPECT_EQ(rescale_fixed_point(2147483647, 0, 12), 524288);   // 1.0 in Q12.19, rounded
}

}  // namespace
}  // namespace pietune::kernels::reference
