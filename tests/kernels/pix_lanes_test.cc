// The pixel-lane families (8 output pixels of one channel in the 40-bit QACC lanes): dwconv_pix and
// conv_pix exact in both activation layouts and with both epilogues over widths that leave partial
// blocks, column strides 1 and 2, row stride 2, dilation, depth multipliers, groups, batches, zero
// points at the rails, extreme weights, clamps and many distinct shifts; their rejections with the
// numbers.
#include <gtest/gtest.h>

#include "kernels/families/s16_lane_rules.h"
#include "kernels/registry.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using testing::ConvTester;
using testing::DepthwiseTester;
using testing::WeightMode;

const FamilySpec& family() { return *find_family("dwconv_pix"); }

// The three epilogues legal (right shifts within rqvec's range) in both layouts.
template <typename Tester>
void expect_exact(Tester t, const FamilySpec& family) {
  t.multiplier_exponents(-14, -2);
  EXPECT_EQ(t.layout(ActivationLayout::kNhwc).test(family), 3) << t.describe();
  EXPECT_EQ(t.layout(ActivationLayout::kNchw).test(family), 3) << t.describe();
}

void expect_exact(DepthwiseTester t) { expect_exact(t, family()); }
void expect_exact(ConvTester t) { expect_exact(t, *find_family("conv_pix")); }

TEST(DwconvPix, ExactInBothLayouts) {
  for (int c : {1, 3, 4, 8, 15, 16, 17, 64}) expect_exact(DepthwiseTester().channels(c).input_size(5, 11).seed(c));
  expect_exact(DepthwiseTester().channels(5).input_size(9, 23).stride(1, 2).seed(90));
  expect_exact(DepthwiseTester().channels(6).input_size(12, 17).stride(2).input_zero_point(-128).seed(91));
  expect_exact(DepthwiseTester().channels(4).input_size(8, 19).stride(2, 1).input_zero_point(127).seed(92));
  expect_exact(DepthwiseTester().channels(3).depth_multiplier(3).kernel(4, 4).dilation(2).input_size(10, 10).seed(93));
  expect_exact(DepthwiseTester().channels(7).kernel(5, 2).padding(Padding::kValid).input_size(9, 20).seed(94));
  expect_exact(DepthwiseTester().batches(2).channels(9).weights(WeightMode::kExtreme).output_zero_point(-128)
                   .activation(ActivationKind::kRelu6).input_size(6, 9).seed(95));
  expect_exact(DepthwiseTester().channels(2).depth_multiplier(2).kernel(3, 3).stride(2).dilation(2).input_size(11, 33)
                   .activation(ActivationKind::kRelu).per_channel(false).with_bias(false).seed(96));
}

// The left-shift side: rqscalar and rqpix (its second record) serve it in both layouts, rqvec is
// rejected with its own rule; conv_pix too, with several input channels per output.
TEST(DwconvPix, LeftShiftsTakeTheScalarAndRecordEpilogues) {
  DepthwiseTester t = DepthwiseTester().channels(12).input_size(4, 13).multiplier_exponents(0, 2).seed(97);
  EXPECT_EQ(t.layout(ActivationLayout::kNhwc).test(family()), 2);
  EXPECT_EQ(t.layout(ActivationLayout::kNchw).test(family()), 2);
  ConvTester c = ConvTester().in_channels(5).out_channels(6).input_size(5, 9).multiplier_exponents(1, 4).seed(98);
  EXPECT_EQ(c.layout(ActivationLayout::kNhwc).test(*find_family("conv_pix")), 2);
  const std::optional<Rejection> r =
      family().legal(t.layer(), *parse_variant_name("dwconv_qs16_pix_8p1c_u1__pie_widened_nchw_rqvec"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "rqvec_shift");
}

// conv_pix: several input channels per output (the group's planes in turn), 1x1 and larger
// kernels, groups, strides, dilation, batches, the rails, extreme weights and clamps.
TEST(ConvPix, ExactInBothLayouts) {
  for (int c : {1, 3, 4, 8, 17}) expect_exact(ConvTester().in_channels(c).out_channels(5).input_size(5, 11).seed(c));
  expect_exact(ConvTester().in_channels(16).out_channels(3).kernel(1, 1).input_size(4, 19).seed(100));
  expect_exact(ConvTester().in_channels(6).out_channels(9).groups(3).input_size(7, 10).stride(2).seed(101));
  expect_exact(ConvTester().in_channels(8).out_channels(16).groups(8).kernel(3, 3).stride(1, 2).seed(102));
  expect_exact(ConvTester().in_channels(4).out_channels(4).kernel(4, 2).dilation(2).padding(Padding::kValid)
                   .input_size(10, 12).input_zero_point(-128).seed(103));
  expect_exact(ConvTester().batches(2).in_channels(5).out_channels(7).weights(WeightMode::kExtreme)
                   .input_zero_point(127).output_zero_point(-128).activation(ActivationKind::kRelu6).seed(104));
  expect_exact(ConvTester().in_channels(2).out_channels(3).kernel(2, 2).input_size(9, 17).per_channel(false)
                   .with_bias(false).activation(ActivationKind::kRelu).seed(105));
}

// Channel tiles (at most 16 KB of weights and requantization data per tile): whole groups with a
// remainder tile, part of one group's channels with a remainder, and both with several groups.
TEST(ConvPix, ChannelTiles) {
  // 160 + 2 x 64 x 9 bytes per channel: 12 channels a tile, then 8.
  expect_exact(ConvTester().in_channels(64).out_channels(20).input_size(3, 9).seed(110));
  // Two groups of 16 channels over 64 planes each: tiles of 12 and 4 per group.
  expect_exact(ConvTester().in_channels(128).out_channels(32).groups(2).input_size(3, 4).seed(111));
  // 256 depthwise channels of 178 bytes: 92 groups a tile, twice, then 72.
  expect_exact(DepthwiseTester().channels(256).input_size(4, 10).seed(112));
}

// 255 x Σ|w| over 1024 x 3 x 3 products stays far inside 2^39 with extreme weights, so the rule
// never binds on a real layer; its message counts products when the terms span input channels.
TEST(ConvPix, FortyBitLaneRange) {
  const Layer deep = ConvTester().in_channels(1024).out_channels(1).input_size(3, 3).weights(WeightMode::kExtreme)
                         .multiplier_exponents(-14, -14).seed(106).layer();
  EXPECT_FALSE(find_family("conv_pix")->legal(
      deep, *parse_variant_name("conv_qs16_pix_8p1c_u1__pie_widened_nhwc_rqscalar")));
  const std::optional<Rejection> r = families::check_qacc40_range({10, std::int64_t{1} << 32}, 9216, "products");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reason, "channel 1: worst-case lane sum 1095216660480 over 9216 products exceeds the 40-bit QACC lane "
                       "range (sum of |w| = 4294967296, inputs -255..255)");
}

TEST(DwconvPix, ColumnStrideAboveTwoIsRejected) {
  const Layer layer = DepthwiseTester().channels(4).input_size(9, 9).stride(1, 3).layer();
  const std::optional<Rejection> r =
      family().legal(layer, *parse_variant_name("dwconv_qs16_pix_8p1c_u1__pie_widened_nhwc_rqscalar"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "pix_stride");
  EXPECT_EQ(r->reason, "column stride 3: the staged plane splits columns into 1 or 2 phases so that 8 output pixels "
                       "read 8 consecutive values");
}

}  // namespace
}  // namespace pietune::kernels
