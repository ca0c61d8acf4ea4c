// dwconv_qacc: channel groups (full, partial, several), border, stride, dilation, zero points,
// clamps, shifts, and the 20-bit lane-range rule with its numbers.
#include <gtest/gtest.h>

#include "kernels/registry.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using testing::DepthwiseTester;
using testing::WeightMode;

const FamilySpec& family() { return *find_family("dwconv_qacc"); }

TEST(DwconvQacc, Basic3x3Same) { EXPECT_EQ(DepthwiseTester().channels(16).seed(1).test(family()), 1); }

TEST(DwconvQacc, ChannelGroups) {
  for (int c : {1, 3, 4, 8, 15, 16, 17, 33, 64}) DepthwiseTester().channels(c).seed(c).test(family());
}

TEST(DwconvQacc, StrideDilationEvenKernel) {
  DepthwiseTester().input_size(7, 6).channels(17).kernel(4, 4).stride(2).input_zero_point(-128).seed(2).test(family());
  DepthwiseTester().input_size(7, 7).channels(5).kernel(3, 3).dilation(2).seed(3).test(family());
  DepthwiseTester().input_size(6, 7).channels(32).kernel(3, 2).stride(1, 2).padding(Padding::kValid).seed(4).test(
      family());
}

TEST(DwconvQacc, DirectPathAndBatches) {
  EXPECT_EQ(DepthwiseTester().batches(2).input_size(5, 5).channels(32).padding(Padding::kValid).seed(5).test(family()),
            2);
}

TEST(DwconvQacc, ZeroPointsExtremesClampsShifts) {
  DepthwiseTester().channels(8).input_zero_point(127).output_zero_point(-128).weights(WeightMode::kExtreme).seed(6)
      .test(family());
  DepthwiseTester().channels(20).input_zero_point(-128).activation(ActivationKind::kRelu6).seed(7).test(family());
  DepthwiseTester().channels(18).multiplier_exponents(0, 3).seed(8).test(family());
  DepthwiseTester().channels(4).multiplier_exponents(-4, 1).per_channel(false).with_bias(false).seed(9).test(family());
}

TEST(DwconvQacc, LaneRangeRule) {
  // 7x7 taps of |w| = 127: 49 * 127 * 128 = 796544 > 2^19 - 1.
  const Layer big = DepthwiseTester().input_size(7, 7).channels(16).kernel(7, 7).weights(WeightMode::kExtreme).layer();
  const Variant v = *parse_variant_name("dwconv_qs8_qacc_1p16c_u1__pie_aligned_rqscalar");
  const std::optional<Rejection> r = family().legal(big, v);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "qacc_lane_range");
  EXPECT_NE(r->reason.find("over 49 taps exceeds the 20-bit QACC lane range -524288..524287 (sum of |w| = 6223"),
            std::string::npos)
      << r->reason;
  // Without weight data the bound assumes |w| = 127 everywhere.
  Layer no_data = big;
  no_data.weights->data.reset();
  EXPECT_EQ(family().legal(no_data, v)->reason,
            "channel 0: worst-case lane sum 796544 over 49 taps exceeds the 20-bit QACC lane range -524288..524287 "
            "(|w| = 127 assumed without weight data, inputs -128..127)");
  // 5x5 of the same weights fits (406400) and runs exactly, saturation never reached.
  DepthwiseTester().input_size(6, 6).channels(16).kernel(5, 5).weights(WeightMode::kExtreme).input_zero_point(127)
      .seed(10).test(v);
}

TEST(DwconvQacc, DepthMultiplier) {
  // The aligned path writes each input channel `multiplier` times into its scratch copy.
  for (int m : {2, 3, 8}) DepthwiseTester().channels(3).depth_multiplier(m).stride(m % 2 + 1).seed(m).test(family());
  DepthwiseTester().input_size(6, 6).channels(1).depth_multiplier(8).stride(2).input_zero_point(-128).seed(11).test(
      family());
  DepthwiseTester().channels(16).depth_multiplier(2).padding(Padding::kValid).seed(12).test(family());
  const Layer layer = DepthwiseTester().channels(16).depth_multiplier(2).padding(Padding::kValid).layer();
  const Variant direct = *parse_variant_name("dwconv_qs8_qacc_1p16c_u1__pie_direct_rqscalar");
  const std::optional<Rejection> r = family().legal(layer, direct);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "depth_multiplier");
  EXPECT_EQ(r->reason, "depth multiplier 2: direct loads need one input channel per lane (the aligned path writes each "
                       "input channel 2 times in its scratch copy)");
}

}  // namespace
}  // namespace pietune::kernels
