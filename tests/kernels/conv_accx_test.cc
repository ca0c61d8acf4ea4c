// conv_accx: edge cases from its tiles (channels around 16, border, stride, dilation, zero points,
// clamps, shifts), each over every legal variant of the family.
#include <gtest/gtest.h>

#include "kernels/registry.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using testing::ConvTester;
using testing::WeightMode;

const FamilySpec& family() { return *find_family("conv_accx"); }

TEST(ConvAccx, Basic3x3Same) { EXPECT_GE(ConvTester().in_channels(16).kernel(3, 3).seed(1).test(family()), 3); }

TEST(ConvAccx, ChannelsAround16) {
  for (int c : {1, 3, 4, 8, 15, 16, 17, 33}) ConvTester().in_channels(c).out_channels(3).seed(c).test(family());
}

TEST(ConvAccx, StrideTwoEvenKernel) {
  ConvTester().input_size(6, 7).in_channels(17).kernel(4, 4).stride(2).input_zero_point(-128).seed(7).test(family());
  ConvTester().input_size(7, 6).in_channels(5).kernel(2, 3).stride(2, 1).seed(8).test(family());
}

TEST(ConvAccx, Dilation) {
  ConvTester().input_size(7, 7).in_channels(3).kernel(3, 3).dilation(2).seed(9).test(family());
  ConvTester().input_size(7, 7).in_channels(16).kernel(3, 2).dilation(1, 2).padding(Padding::kValid).seed(10).test(
      family());
}

TEST(ConvAccx, ValidDirectAndBatches) {
  EXPECT_EQ(ConvTester().batches(2).input_size(4, 5).in_channels(32).kernel(3, 3).padding(Padding::kValid).seed(11)
                .test(family()),
            9);
}

TEST(ConvAccx, ZeroPointsExtremesAndClamps) {
  ConvTester().in_channels(8).input_zero_point(127).output_zero_point(-128).weights(WeightMode::kExtreme).seed(12)
      .test(family());
  ConvTester().in_channels(20).input_zero_point(-128).output_zero_point(5).activation(ActivationKind::kRelu6)
      .seed(13).test(family());
  ConvTester().in_channels(4).multiplier_exponents(0, 3).per_channel(true).seed(14).test(family());
  ConvTester().in_channels(4).multiplier_exponents(-3, 1).per_channel(false).with_bias(false).seed(15).test(family());
}

TEST(ConvAccx, PointwiseLargeChannels) {
  ConvTester().input_size(3, 3).in_channels(64).out_channels(9).kernel(1, 1).padding(Padding::kValid).seed(16).test(
      family());
}

TEST(ConvAccx, RejectsGroups) {
  ConvTester tester;
  Layer layer = tester.in_channels(8).layer();
  layer.weights->shape[3] = 4;  // two groups of 4
  layer.options.groups = 2;
  const Variant v = *parse_variant_name("conv_qs8_accx_1p1c_u1__pie_aligned_rqscalar");
  const std::optional<Rejection> r = family().legal(layer, v);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "groups");
  EXPECT_EQ(r->reason, "grouped convolution (2 groups of 4 input channels): the dot product runs over all input channels");
}

TEST(ConvAccx, DirectRejectionsCarryNumbers) {
  const Layer layer = ConvTester().in_channels(3).layer();
  const Variant v = *parse_variant_name("conv_qs8_accx_1p1c_u1__pie_direct_rqscalar");
  const std::optional<Rejection> r = family().legal(layer, v);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "direct_channels");
  EXPECT_EQ(r->reason,
            "input channels 3 not a multiple of 16: direct loads need whole 16-byte pixels (the aligned path pads them "
            "in a scratch copy, +13 bytes per pixel)");
  const Layer same = ConvTester().in_channels(16).layer();
  EXPECT_EQ(family().legal(same, v)->reason,
            "taps reach 1 top, 1 bottom, 1 left, 1 right outside the image: direct loads cannot skip them (the staged "
            "paths border the input with the zero point)");
}

}  // namespace
}  // namespace pietune::kernels
