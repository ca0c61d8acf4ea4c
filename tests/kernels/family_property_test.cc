// Property tests: random layers per op, for every family of the op, every legal variant of each run in the emulator and
// compared bit for bit with the reference. CI runs 1,350 layers (conv 500, depthwise 300, fully
// connected 250, max and average pool 100, add and mul 200); PIETUNE_LONG_TESTS=1 runs 100 times more. Channels cycle through 1, 3, 4, 8, 15,
// 16, 17, 64; strides 1 and 2; SAME with odd and even kernels and VALID; dilation 2; input zero
// points -128 and 127 among random ones; extreme weights; left and right shifts; ReLU6 clamps;
// depth multipliers 1 to 3; one layer in ten with scales of exactly a power of two; one depthwise
// layer in three and one conv layer in five again with NCHW activations.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>

#include <gtest/gtest.h>

#include "kernels/registry.h"
#include "tests/kernels/elementwise_tester.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using testing::ConvTester;
using testing::DepthwiseTester;
using testing::ElementwiseTester;
using testing::FullyConnectedTester;
using testing::MaxPoolTester;
using testing::WeightMode;

constexpr int kChannels[] = {1, 3, 4, 8, 15, 16, 17, 64};

// Runs every family of `op` (the registry's rows, no second list) on the tester's layer.
template <typename Tester>
std::int64_t test_all_families(const Tester& t, OpKind op) {
  std::int64_t verified = 0;
  for (const FamilySpec& family : all_families())
    if (family.op == op) verified += t.test(family);
  return verified;
}

int scale() {
  const char* long_tests = std::getenv("PIETUNE_LONG_TESTS");
  return long_tests && std::string(long_tests) == "1" ? 100 : 1;
}

// The quantization and data knobs shared by every family, drawn from rng.
template <typename Tester>
void draw_common(Tester& t, std::mt19937_64& rng, int i) {
  std::uniform_int_distribution<int> zp(-128, 127), pick(0, 9);
  const int z = pick(rng);
  t.input_zero_point(z == 0 ? -128 : z == 1 ? 127 : zp(rng));
  t.output_zero_point(pick(rng) < 2 ? -128 : zp(rng) / 2);
  t.weights(pick(rng) == 0 ? WeightMode::kExtreme : WeightMode::kRandom);
  t.per_channel(pick(rng) < 7);
  const int s = pick(rng);
  if (s < 2)
    t.multiplier_exponents(0, 2);  // left shifts
  else if (s < 4)
    t.multiplier_exponents(-3, 1);  // both signs
  else
    t.multiplier_exponents(-12, -6);  // right shifts
  t.activation(pick(rng) < 3 ? ActivationKind::kRelu6 : pick(rng) == 0 ? ActivationKind::kRelu : ActivationKind::kNone);
  if (pick(rng) == 0) {
    // Scales of exactly 2^(e-1) with one shift: the SRCMB epilogue's layers.
    const int e = std::uniform_int_distribution<int>(-10, 1)(rng);
    t.power_of_two_scales(true).multiplier_exponents(e, e);
  }
  t.with_bias(pick(rng) != 0);
  t.seed(static_cast<std::uint64_t>(i) * 31 + 5);
  t.cases(1);
}

// Spatial size and kernel drawn so a VALID layer has at least one output.
struct Spatial {
  int h, w, kh, kw, sh, sw, dh, dw;
  Padding padding;
};

Spatial draw_spatial(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> k(1, 4), s(1, 2), pick(0, 9), size(1, 6);
  Spatial sp{};
  sp.kh = k(rng);
  sp.kw = pick(rng) < 7 ? sp.kh : k(rng);
  sp.sh = s(rng);
  sp.sw = pick(rng) < 8 ? sp.sh : s(rng);
  sp.dh = pick(rng) == 0 ? 2 : 1;
  sp.dw = pick(rng) == 0 ? 2 : sp.dh;
  sp.padding = pick(rng) < 7 ? Padding::kSame : Padding::kValid;
  sp.h = size(rng);
  sp.w = size(rng);
  if (sp.padding == Padding::kValid) {
    sp.h = std::max(sp.h, (sp.kh - 1) * sp.dh + 1);
    sp.w = std::max(sp.w, (sp.kw - 1) * sp.dw + 1);
  }
  return sp;
}

TEST(FamilyProperty, ConvRandomLayers) {
  const int layers = 500 * scale();
  std::int64_t variants = 0, nchw_variants = 0;
  for (int i = 0; i < layers; ++i) {
    std::mt19937_64 rng(1000 + i);
    const Spatial sp = draw_spatial(rng);
    std::uniform_int_distribution<int> oc(1, 12), batch(0, 9);
    ConvTester t;
    const int in_c = i < 64 ? kChannels[i % 8] : kChannels[std::uniform_int_distribution<int>(0, 7)(rng)];
    t.in_channels(in_c).out_channels(in_c == 64 ? oc(rng) / 2 + 1 : oc(rng)).input_size(sp.h, sp.w)
        .kernel(sp.kh, sp.kw).stride(sp.sh, sp.sw).dilation(sp.dh, sp.dw).padding(sp.padding)
        .batches(batch(rng) == 0 ? 2 : 1);
    draw_common(t, rng, i);
    SCOPED_TRACE(t.describe());
    variants += test_all_families(t, OpKind::kConv2d);
    if (i % 5 == 0) {  // the same layer with NCHW activations: only the families that take them
      t.layout(ActivationLayout::kNchw);
      SCOPED_TRACE("NCHW");
      nchw_variants += test_all_families(t, OpKind::kConv2d);
    }
    if (::testing::Test::HasFailure()) break;
  }
  RecordProperty("layers", layers);
  RecordProperty("variants_verified", static_cast<int>(variants));
  RecordProperty("nchw_variants_verified", static_cast<int>(nchw_variants));
  EXPECT_GE(variants, layers) << "every layer has at least one legal variant";
  EXPECT_GE(nchw_variants, layers / 5) << "every NCHW layer has at least one legal variant";
}

TEST(FamilyProperty, DepthwiseRandomLayers) {
  const int layers = 300 * scale();
  std::int64_t variants = 0, nchw_variants = 0;
  for (int i = 0; i < layers; ++i) {
    std::mt19937_64 rng(5000 + i);
    const Spatial sp = draw_spatial(rng);
    std::uniform_int_distribution<int> batch(0, 9), extra(0, 40);
    DepthwiseTester t;
    const int c = i < 64 ? kChannels[i % 8] : (batch(rng) < 5 ? kChannels[batch(rng) % 8] : extra(rng) + 1);
    std::uniform_int_distribution<int> more(2, 3);
    const int multiplier = batch(rng) < 8 ? 1 : more(rng);
    t.channels(c).depth_multiplier(multiplier).input_size(sp.h, sp.w).kernel(sp.kh, sp.kw).stride(sp.sh, sp.sw)
        .dilation(sp.dh, sp.dw).padding(sp.padding).batches(batch(rng) == 0 ? 2 : 1);
    draw_common(t, rng, i);
    SCOPED_TRACE(t.describe());
    variants += test_all_families(t, OpKind::kDepthwiseConv2d);
    if (i % 3 == 0) {  // the same layer with NCHW activations: only the families that take them
      t.layout(ActivationLayout::kNchw);
      SCOPED_TRACE("NCHW");
      nchw_variants += test_all_families(t, OpKind::kDepthwiseConv2d);
    }
    if (::testing::Test::HasFailure()) break;
  }
  RecordProperty("layers", layers);
  RecordProperty("variants_verified", static_cast<int>(variants));
  RecordProperty("nchw_variants_verified", static_cast<int>(nchw_variants));
  EXPECT_GE(variants, layers);
  EXPECT_GE(nchw_variants, layers / 3) << "every NCHW layer has at least one legal variant";
}

TEST(FamilyProperty, FullyConnectedRandomLayers) {
  const int layers = 250 * scale();
  std::int64_t variants = 0;
  for (int i = 0; i < layers; ++i) {
    std::mt19937_64 rng(9000 + i);
    std::uniform_int_distribution<int> units(1, 24), batch(1, 3), extra(1, 200), pick(0, 3);
    FullyConnectedTester t;
    const int depth = i < 64 ? kChannels[i % 8] : pick(rng) == 0 ? extra(rng) : kChannels[extra(rng) % 8] * (pick(rng) + 1);
    t.depth(depth).units(units(rng)).batches(batch(rng));
    draw_common(t, rng, i);
    SCOPED_TRACE(t.describe());
    variants += test_all_families(t, OpKind::kFullyConnected);
    if (::testing::Test::HasFailure()) break;
  }
  RecordProperty("layers", layers);
  RecordProperty("variants_verified", static_cast<int>(variants));
  EXPECT_GE(variants, layers);
}

TEST(FamilyProperty, PoolRandomLayers) {
  const int layers = 100 * scale();
  std::int64_t variants = 0;
  for (int i = 0; i < layers; ++i) {
    std::mt19937_64 rng(13000 + i);
    std::uniform_int_distribution<int> k(1, 4), s(1, 3), size(1, 7), pick(0, 9), extra(1, 40), zp(-128, 127);
    MaxPoolTester t;
    const int kh = k(rng), kw = pick(rng) < 7 ? kh : k(rng);
    const Padding padding = pick(rng) < 6 ? Padding::kSame : Padding::kValid;
    const int h = padding == Padding::kValid ? std::max(size(rng), kh) : size(rng);
    const int w = padding == Padding::kValid ? std::max(size(rng), kw) : size(rng);
    const int c = i < 64 ? kChannels[i % 8] : extra(rng);
    t.channels(c).input_size(h, w).kernel(kh, kw).stride(s(rng)).padding(padding).batches(pick(rng) == 0 ? 2 : 1);
    const int z = pick(rng);
    t.input_zero_point(z == 0 ? -128 : z == 1 ? 127 : zp(rng));
    t.activation(pick(rng) < 3 ? ActivationKind::kRelu6 : pick(rng) < 2 ? ActivationKind::kRelu : ActivationKind::kNone);
    t.seed(static_cast<std::uint64_t>(i) + 77).cases(1);
    const OpKind op = i % 2 == 0 ? OpKind::kMaxPool2d : OpKind::kAveragePool2d;
    t.op(op);
    SCOPED_TRACE(t.describe());
    variants += test_all_families(t, op);
    if (::testing::Test::HasFailure()) break;
  }
  RecordProperty("layers", layers);
  RecordProperty("variants_verified", static_cast<int>(variants));
  EXPECT_GE(variants, layers);
}

// ADD and MUL, alternating: lengths 1, 3, 15, 16, 17, 64 and 1000 first, then random lengths and
// shapes of rank 1 to 4; zero points -128 and 127 among random ones; operand scales equal or in
// ratios down to 2^-14; MUL multipliers from left shifts to deep right shifts; single-element and
// constant operands; ReLU and ReLU6 clamps.
TEST(FamilyProperty, ElementwiseRandomLayers) {
  constexpr int kLengths[] = {1, 3, 15, 16, 17, 64, 1000};
  const int layers = 200 * scale();
  std::int64_t variants = 0;
  for (int i = 0; i < layers; ++i) {
    std::mt19937_64 rng(17000 + i);
    std::uniform_int_distribution<int> zp(-128, 127), pick(0, 9), length(1, 300), dim(1, 9), rank(1, 4);
    std::uniform_int_distribution<int> base_exp(-8, -2), ratio_exp(-14, 2), out_exp(-1, 2), mul_exp(-12, -6);
    std::uniform_real_distribution<double> mant(0.5, 1.0);
    const OpKind op = i % 2 == 0 ? OpKind::kAdd : OpKind::kMul;
    ElementwiseTester t;
    t.op(op);
    if (i < 14) {
      t.length(kLengths[i / 2]);
    } else if (pick(rng) < 5) {
      t.length(length(rng));
    } else {
      std::vector<std::int32_t> shape;
      for (int r = rank(rng); r > 0; --r) shape.push_back(dim(rng));
      t.shape(shape);
    }
    const auto zero_point = [&] {
      const int z = pick(rng);
      return z == 0 ? -128 : z == 1 ? 127 : zp(rng);
    };
    const int zp0 = zero_point(), zp1 = zero_point();
    t.zero_points(zp0, zp1);
    t.output_zero_point(pick(rng) < 2 ? -128 : zp(rng));
    const double s0 = std::ldexp(mant(rng), base_exp(rng));
    const double s1 = pick(rng) == 0 ? s0 : s0 * std::ldexp(mant(rng), ratio_exp(rng));
    double out = 0;
    if (op == OpKind::kAdd)
      out = std::max(s0, s1) * std::ldexp(mant(rng), out_exp(rng));
    else  // real multiplier s0 * s1 / out: left shifts one layer in five, else right shifts
      out = s0 * s1 / (pick(rng) < 2 ? std::ldexp(mant(rng), out_exp(rng) + 1) : std::ldexp(mant(rng), mul_exp(rng)));
    t.scales(static_cast<float>(s0), static_cast<float>(s1), static_cast<float>(out));
    const int operand = pick(rng) % 2, kind = pick(rng);
    if (kind == 0) t.operand_shape(operand, {1});
    if (kind == 1) t.constant_operand(operand);
    t.activation(pick(rng) < 2 ? ActivationKind::kRelu6 : pick(rng) == 0 ? ActivationKind::kRelu : ActivationKind::kNone);
    t.seed(static_cast<std::uint64_t>(i) + 91).cases(1);
    SCOPED_TRACE(t.describe());
    variants += test_all_families(t, op);
    if (::testing::Test::HasFailure()) break;
  }
  RecordProperty("layers", layers);
  RecordProperty("variants_verified", static_cast<int>(variants));
  EXPECT_GE(variants, layers);
}

}  // namespace
}  // namespace pietune::kernels
