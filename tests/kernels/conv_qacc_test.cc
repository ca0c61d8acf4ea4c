// conv_qacc: small-channel layers in place and bordered, output-channel groups (full, partial,
// several), strides, dilation, zero points, clamps; the lane-range rule on wide windows.
#include <gtest/gtest.h>

#include "kernels/registry.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using testing::ConvTester;
using testing::WeightMode;

const FamilySpec& family() { return *find_family("conv_qacc"); }
const Variant& variant() {
  static const Variant v = *parse_variant_name("conv_qs8_qacc_1p16c_u1__pie_bcast_blk16_rqscalar");
  return v;
}

TEST(ConvQacc, FirstLayerShapes) {
  ConvTester().in_channels(3).out_channels(8).kernel(3, 3).stride(2).input_size(7, 7).seed(1).test(variant());
  ConvTester().in_channels(3).out_channels(16).kernel(3, 3).padding(Padding::kValid).seed(2).test(variant());
  ConvTester().in_channels(1).out_channels(33).kernel(4, 4).input_zero_point(-128).seed(3).test(variant());
}

TEST(ConvQacc, GroupsStridesDilationClamps) {
  for (int oc : {1, 15, 16, 17, 40})
    ConvTester().in_channels(2).out_channels(oc).stride(oc % 2 + 1).seed(oc).test(variant());
  ConvTester().in_channels(4).out_channels(5).dilation(2).input_size(6, 7).seed(4).test(variant());
  ConvTester().batches(2).in_channels(3).out_channels(6).input_zero_point(127).activation(ActivationKind::kRelu6)
      .multiplier_exponents(0, 2).seed(5).test(variant());
}

TEST(ConvQacc, LaneRangeRule) {
  // 3x3x8 = 72 products of |w| = 127: 72 * 127 * 128 = 1170432 > 2^19 - 1.
  const Layer layer = ConvTester().in_channels(8).out_channels(4).weights(WeightMode::kExtreme).layer();
  const std::optional<Rejection> r = family().legal(layer, variant());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "qacc_lane_range");
  EXPECT_NE(r->reason.find("over 72 products exceeds the 20-bit QACC lane range -524288..524287 (sum of |w| = 9144"),
            std::string::npos)
      << r->reason;
}

// The hwio weight layout: the same results from rows of Cout bytes read with a stride.
TEST(ConvQacc, HwioWeights) {
  const Variant hwio = *parse_variant_name("conv_qs8_qacc_1p16c_u1__pie_bcast_hwio_rqscalar");
  for (int oc : {16, 32, 48})
    ConvTester().in_channels(3).out_channels(oc).kernel(3, 3).stride(oc / 16).seed(oc).test(hwio);
  ConvTester().in_channels(2).out_channels(32).dilation(2).input_size(6, 7).input_zero_point(-128).seed(5).test(hwio);
  ConvTester().in_channels(3).out_channels(16).power_of_two_scales(true).multiplier_exponents(-4, -4).kernel(2, 2)
      .seed(6).test(*parse_variant_name("conv_qs8_qacc_1p16c_u1__pie_bcast_hwio_srcmb"));
  const std::optional<Rejection> r = family().legal(ConvTester().in_channels(3).out_channels(20).layer(), hwio);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "hwio_channels");
  EXPECT_EQ(r->reason, "20 output channels: hwio rows of Cout bytes need a multiple of 16 for aligned 16-byte loads "
                       "(blk16 pads the last group)");
}

const Variant& srcmb() {
  static const Variant v = *parse_variant_name("conv_qs8_qacc_1p16c_u1__pie_bcast_blk16_srcmb");
  return v;
}

// Scales of exactly 2^(e-1): every shift the SRCMB epilogue takes (e = 1, 0 and right shifts up to
// 14), per tensor and per channel, partial and several groups, zero points at the rails, clamps.
TEST(ConvQaccSrcmb, PowerOfTwoScales) {
  int seed = 100;
  for (int e : {1, 0, -1, -2, -5, -8, -11, -14})
    for (int oc : {1, 16, 17, 40}) {
      ConvTester t;
      // 12 products per output: the preload (bias folded with Σw * -zp) and the sums stay in the lanes.
      t.in_channels(3).out_channels(oc).kernel(2, 2).power_of_two_scales(true).multiplier_exponents(e, e);
      t.per_channel(oc % 2 == 0).input_zero_point(seed % 3 == 0 ? -128 : 127).output_zero_point(seed % 5 - 3);
      t.seed(static_cast<std::uint64_t>(++seed)).cases(3).test(srcmb());
    }
  ConvTester().in_channels(2).out_channels(20).stride(2).padding(Padding::kValid).power_of_two_scales(true)
      .multiplier_exponents(-6, -6).output_zero_point(-128).activation(ActivationKind::kRelu).seed(7).test(srcmb());
  ConvTester().in_channels(4).out_channels(9).kernel(2, 2).dilation(2).input_size(6, 7).power_of_two_scales(true)
      .multiplier_exponents(-3, -3).output_zero_point(100).weights(WeightMode::kExtreme).seed(8).test(srcmb());
}

TEST(ConvQaccSrcmb, Rejections) {
  const auto rejection = [](const ConvTester& t) {
    const std::optional<Rejection> r = family().legal(t.layer(), srcmb());
    EXPECT_TRUE(r);
    return r.value_or(Rejection{});
  };
  const Rejection random = rejection(ConvTester().in_channels(3).out_channels(4).seed(1));
  EXPECT_EQ(random.rule, "srcmb_power_of_two");
  const Rejection mixed =
      rejection(ConvTester().in_channels(3).out_channels(4).power_of_two_scales(true).multiplier_exponents(-9, -1).seed(2));
  EXPECT_EQ(mixed.rule, "srcmb_shift");
  const Rejection left =
      rejection(ConvTester().in_channels(3).out_channels(4).power_of_two_scales(true).multiplier_exponents(3, 3).seed(3));
  EXPECT_EQ(left.rule, "srcmb_shift");
  EXPECT_EQ(left.reason, "scale 2^2 needs a left shift by 2: SRCMB only shifts right");
  const Rejection range = rejection(ConvTester().in_channels(8).out_channels(4).kernel(4, 4).power_of_two_scales(true)
                                        .multiplier_exponents(-4, -4).weights(WeightMode::kExtreme).seed(4));
  EXPECT_EQ(range.rule, "qacc_lane_range");
  // Without constant data (a JSON layer) the preload cannot be bounded.
  Layer no_data = ConvTester().in_channels(3).out_channels(4).power_of_two_scales(true).multiplier_exponents(-4, -4)
                      .seed(5).layer();
  no_data.weights->data.reset();
  no_data.bias->data.reset();
  const std::optional<Rejection> r = family().legal(no_data, srcmb());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reason, "no constant data: the preloaded bias cannot be bounded");
}

}  // namespace
}  // namespace pietune::kernels
