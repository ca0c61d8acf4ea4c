// dwconv_s16 (16-bit depthwise in 40-bit QACC lanes): channel groups of 8 and padding, depth
// multipliers, stride, dilation, SAME/VALID, zero points, extreme weights, clamps, shifts; legal and
// exact where dwconv_qacc's 20-bit lanes are rejected; its own rejections with their numbers.
#include <gtest/gtest.h>

#include "kernels/registry.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using testing::DepthwiseTester;
using testing::WeightMode;

const FamilySpec& family() { return *find_family("dwconv_s16"); }
Variant the_variant() { return *parse_variant_name("dwconv_qs16_qacc_1p8c_u1__pie_widened_rqscalar"); }

Variant vector_variant() { return *parse_variant_name("dwconv_qs16_qacc_1p8c_u1__pie_widened_rqvec"); }

TEST(DwconvS16, ChannelsPaddedTo8) {
  // Both epilogues: right shifts only, within the vector epilogue's range.
  // Both epilogues, and the vector widening where the channels are a multiple of 16.
  for (int c : {1, 3, 4, 8, 15, 16, 17, 64})
    EXPECT_EQ(DepthwiseTester().channels(c).seed(c).test(family()), c % 16 == 0 ? 4 : 2) << c;
}

// The vectorised exact epilogue on per-channel layers (several shifts per group of 8), partial
// groups, strides, borders, multipliers, zero points at the rails, extreme weights and clamps.
TEST(DwconvS16Rqvec, ExactOnDepthwiseLayers) {
  DepthwiseTester().channels(17).multiplier_exponents(-12, -4).cases(4).seed(70).test(vector_variant());
  DepthwiseTester().channels(8).input_zero_point(127).output_zero_point(-128).weights(WeightMode::kExtreme)
      .multiplier_exponents(-14, -9).seed(71).test(vector_variant());
  DepthwiseTester().channels(20).input_zero_point(-128).activation(ActivationKind::kRelu6).stride(2).seed(72).test(
      vector_variant());
  DepthwiseTester().channels(33).activation(ActivationKind::kRelu).output_zero_point(127).padding(Padding::kValid)
      .input_size(7, 6).seed(73).test(vector_variant());
  DepthwiseTester().channels(3).depth_multiplier(3).kernel(4, 4).dilation(2).input_size(8, 8).seed(74).test(
      vector_variant());
  DepthwiseTester().channels(5).per_channel(false).with_bias(false).multiplier_exponents(-3, -3).cases(6).seed(75).test(
      vector_variant());
  DepthwiseTester().batches(2).channels(64).multiplier_exponents(-22, -1).seed(76).test(vector_variant());
}

// The vector widening copy: pixels of 16 and 32 channels, borders, strides, batches, both rails.
TEST(DwconvS16Vwiden, ExactAndRejections) {
  const Variant vwiden = *parse_variant_name("dwconv_qs16_qacc_1p8c_u1__pie_vwiden_rqvec");
  DepthwiseTester().channels(16).input_zero_point(-128).seed(80).test(vwiden);
  DepthwiseTester().channels(32).input_zero_point(127).stride(2).input_size(7, 6).seed(81).test(vwiden);
  DepthwiseTester().batches(2).channels(48).padding(Padding::kValid).weights(WeightMode::kExtreme).seed(82).test(vwiden);
  DepthwiseTester().channels(16).kernel(5, 5).dilation(2).input_size(9, 9).seed(83).test(
      *parse_variant_name("dwconv_qs16_qacc_1p8c_u1__pie_vwiden_rqscalar"));
  const std::optional<Rejection> r = family().legal(DepthwiseTester().channels(24).layer(), vwiden);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "vwiden_channels");
  EXPECT_EQ(r->reason, "24 input channels, depth multiplier 1: the vector widening takes whole 16-byte pixels of a "
                       "multiplier-1 layer");
}

TEST(DwconvS16Rqvec, Rejections) {
  const std::optional<Rejection> left =
      family().legal(DepthwiseTester().channels(8).multiplier_exponents(2, 3).seed(1).layer(), vector_variant());
  ASSERT_TRUE(left);
  EXPECT_EQ(left->rule, "rqvec_shift");
}

TEST(DwconvS16, StridesPaddingDilationBatches) {
  for (int s : {1, 2})
    for (Padding p : {Padding::kSame, Padding::kValid}) {
      DepthwiseTester().input_size(7, 6).channels(17).stride(s).padding(p).seed(30 + s).test(the_variant());
      DepthwiseTester().input_size(7, 7).channels(5).kernel(4, 4).stride(s).padding(p).seed(40 + s).test(the_variant());
    }
  DepthwiseTester().input_size(7, 7).channels(12).kernel(3, 3).dilation(2).seed(50).test(the_variant());
  DepthwiseTester().input_size(8, 7).channels(16).kernel(2, 3).dilation(2, 1).padding(Padding::kValid).seed(51).test(
      the_variant());
  DepthwiseTester().input_size(6, 7).channels(3).kernel(1, 3).stride(1, 2).seed(52).test(the_variant());
  DepthwiseTester().batches(2).input_size(4, 5).channels(9).kernel(1, 1).seed(53).test(the_variant());
}

TEST(DwconvS16, DepthMultiplier) {
  // Lane oc meets input channel oc / multiplier: each staged value is written multiplier times.
  for (int m : {2, 3, 8}) DepthwiseTester().channels(3).depth_multiplier(m).stride(m % 2 + 1).seed(m).test(the_variant());
  DepthwiseTester().input_size(6, 6).channels(1).depth_multiplier(64).stride(2).input_zero_point(-128).seed(11).test(
      the_variant());
  DepthwiseTester().channels(16).depth_multiplier(2).padding(Padding::kValid).seed(12).test(the_variant());
  const Layer too_many = DepthwiseTester().input_size(2, 2).channels(1).depth_multiplier(65).layer();
  const std::optional<Rejection> r = family().legal(too_many, the_variant());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "depth_multiplier");
  EXPECT_EQ(r->reason, "depth multiplier 65 above the 64 copies the staging loop writes per input value");
}

TEST(DwconvS16, ZeroPointsExtremesClampsShifts) {
  DepthwiseTester().channels(8).input_zero_point(127).output_zero_point(-128).weights(WeightMode::kExtreme).seed(6)
      .test(the_variant());
  DepthwiseTester().channels(16).input_zero_point(-128).weights(WeightMode::kExtreme).seed(7).test(the_variant());
  DepthwiseTester().channels(20).input_zero_point(-128).activation(ActivationKind::kRelu6).seed(8).test(the_variant());
  DepthwiseTester().channels(33).activation(ActivationKind::kRelu).output_zero_point(127).seed(9).test(the_variant());
  DepthwiseTester().channels(18).multiplier_exponents(0, 3).seed(10).test(the_variant());
  DepthwiseTester().channels(4).multiplier_exponents(-4, 1).per_channel(false).with_bias(false).seed(13).test(
      the_variant());
}

TEST(DwconvS16, LegalWhereThe20BitLanesAreRejected) {
  // 7x7 taps of |w| = 127 with input zero points at both rails: the 20-bit lanes of dwconv_qacc
  // can saturate (49 * 127 * 128 > 2^19 - 1), the 40-bit lanes cannot.
  for (int zp : {-128, 127}) {
    const DepthwiseTester t = DepthwiseTester().input_size(9, 9).channels(17).kernel(7, 7).weights(WeightMode::kExtreme)
                                  .input_zero_point(zp).multiplier_exponents(-16, -13).seed(zp < 0 ? 60 : 61);
    const Layer layer = t.layer();
    const std::optional<Rejection> r8 =
        find_family("dwconv_qacc")->legal(layer, *parse_variant_name("dwconv_qs8_qacc_1p16c_u1__pie_aligned_rqscalar"));
    ASSERT_TRUE(r8);
    EXPECT_EQ(r8->rule, "qacc_lane_range");
    EXPECT_FALSE(family().legal(layer, the_variant()));
    t.test(the_variant());
  }
}

TEST(DwconvS16, Rejects40BitLaneRange) {
  // Without weight data |w| = 128 is assumed: 255 * 128 * taps > 2^39 - 1 needs more than
  // 16,843,009 taps, here 4100 x 4200 = 17,220,000.
  Layer huge = DepthwiseTester().input_size(1, 1).channels(1).kernel(1, 1).layer();
  huge.options.filter_h = 4100;
  huge.options.filter_w = 4200;
  huge.weights->data.reset();
  const std::optional<Rejection> r = family().legal(huge, the_variant());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "qacc40_range");
  EXPECT_EQ(r->reason, "channel 0: worst-case lane sum 562060800000 over 17220000 taps exceeds the 40-bit QACC lane "
                       "range (sum of |w| = 2204160000, inputs -255..255)");
}

}  // namespace
}  // namespace pietune::kernels
