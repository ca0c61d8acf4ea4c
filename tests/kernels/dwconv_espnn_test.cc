// dwconv_espnn (the esp-nn-structured depthwise baseline): channel groups and channel padding,
// in-place and padded input, stride, zero points, extreme weights, clamps, shifts, and its
// rejections (depth multiplier, 20-bit lane range, layers esp-nn sends elsewhere) with their
// numbers. Verified layers are those esp-nn runs on its 3x3 multiplier-1 QACC kernel.
#include <gtest/gtest.h>

#include "kernels/registry.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using testing::DepthwiseTester;
using testing::WeightMode;

const FamilySpec& family() { return *find_family("dwconv_espnn"); }
Variant the_variant() { return *parse_variant_name("dwconv_qs8_espnn_1p16c_u1__pie_padded_rqscalar"); }

TEST(DwconvEspnn, IsTheDepthwiseBaseline) {
  EXPECT_TRUE(family().baseline);
  EXPECT_EQ(family().op, OpKind::kDepthwiseConv2d);
  EXPECT_EQ(the_variant().family, "dwconv_espnn");
}

TEST(DwconvEspnn, ChannelsPaddedTo16) {
  for (int c : {16, 24, 32, 40, 64}) EXPECT_EQ(DepthwiseTester().channels(c).seed(c).test(family()), 1) << c;
}

TEST(DwconvEspnn, InPlaceWhenNothingToPad) {
  // 32 channels, VALID: read from the (16-byte aligned) input without a copy; two batches.
  DepthwiseTester().batches(2).input_size(5, 6).channels(32).padding(Padding::kValid).seed(20).test(the_variant());
  DepthwiseTester().input_size(7, 7).channels(16).stride(2).padding(Padding::kValid).seed(21).test(the_variant());
}

TEST(DwconvEspnn, StridesPaddingDilation) {
  for (int s : {1, 2})
    for (Padding p : {Padding::kSame, Padding::kValid}) {
      DepthwiseTester().input_size(7, 6).channels(24).stride(s).padding(p).seed(30 + s).test(the_variant());
      DepthwiseTester().input_size(8, 8).channels(16).stride(s).padding(p).seed(40 + s).test(the_variant());
    }
  DepthwiseTester().input_size(6, 7).channels(32).stride(1, 2).seed(52).test(the_variant());
}

TEST(DwconvEspnn, IsTheBaselineOfEspnnsMult1QaccKernelOnly) {
  // 5x5 taps: esp-nn converts to int16 and runs its s16 kernel, so this family is not the baseline.
  const Layer five = DepthwiseTester().input_size(7, 7).channels(16).kernel(5, 5).layer();
  const std::optional<Rejection> r = check_legal(family(), five, the_variant());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "espnn_path");
  EXPECT_NE(r->reason.find("esp-nn runs esp_nn_depthwise_conv_s16_mult1_esp32s3"), std::string::npos) << r->reason;
}

TEST(DwconvEspnn, ZeroPointsExtremesClampsShifts) {
  DepthwiseTester().channels(32).input_zero_point(127).output_zero_point(-128).weights(WeightMode::kExtreme).seed(6)
      .test(the_variant());
  DepthwiseTester().channels(16).input_zero_point(-128).weights(WeightMode::kExtreme).seed(7).test(the_variant());
  DepthwiseTester().channels(24).input_zero_point(-128).activation(ActivationKind::kRelu6).seed(8).test(the_variant());
  DepthwiseTester().channels(48).activation(ActivationKind::kRelu).output_zero_point(127).seed(9).test(the_variant());
  DepthwiseTester().channels(16).multiplier_exponents(0, 3).seed(10).test(the_variant());
  DepthwiseTester().channels(16).multiplier_exponents(-4, 1).per_channel(false).with_bias(false).seed(11).test(
      the_variant());
}

TEST(DwconvEspnn, RejectsDepthMultiplier) {
  const Layer layer = DepthwiseTester().channels(8).depth_multiplier(2).layer();
  const std::optional<Rejection> r = family().legal(layer, the_variant());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "depth_multiplier");
  EXPECT_EQ(r->reason, "depth multiplier 2: esp-nn's QACC depthwise path is for multiplier 1 (other multipliers go "
                       "to its 16-bit kernels)");
}

TEST(DwconvEspnn, RejectsLaneRange) {
  // 7x7 taps of |w| = 127: 49 * 127 * 128 = 796544 > 2^19 - 1.
  const Layer big = DepthwiseTester().input_size(7, 7).channels(16).kernel(7, 7).weights(WeightMode::kExtreme).layer();
  const std::optional<Rejection> r = family().legal(big, the_variant());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "qacc_lane_range");
  EXPECT_NE(r->reason.find("over 49 taps exceeds the 20-bit QACC lane range -524288..524287 (sum of |w| = 6223"),
            std::string::npos)
      << r->reason;
  // 3x3 of the same weights (esp-nn's only shape for this kernel) stays inside the lanes and runs exactly.
  DepthwiseTester().input_size(6, 6).channels(16).weights(WeightMode::kExtreme).input_zero_point(127).seed(12).test(
      the_variant());
}

}  // namespace
}  // namespace pietune::kernels
