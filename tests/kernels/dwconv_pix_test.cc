// dwconv_pix (8 output pixels of one channel in the 40-bit QACC lanes): exact in both activation
// layouts and with both epilogues over widths that leave partial blocks, column strides 1 and 2,
// row stride 2, dilation, depth multipliers, batches, zero points at the rails, extreme weights,
// clamps and many distinct shifts per channel group; its rejection with the numbers.
#include <gtest/gtest.h>

#include "kernels/registry.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using testing::DepthwiseTester;
using testing::WeightMode;

const FamilySpec& family() { return *find_family("dwconv_pix"); }

// Both epilogues legal (right shifts within rqvec's range) in the tester's layout.
void expect_exact(DepthwiseTester t) {
  t.multiplier_exponents(-14, -2);
  EXPECT_EQ(t.layout(ActivationLayout::kNhwc).test(family()), 2) << t.describe();
  EXPECT_EQ(t.layout(ActivationLayout::kNchw).test(family()), 2) << t.describe();
}

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

// The left-shift side: rqscalar serves it in both layouts, rqvec is rejected with its own rule.
TEST(DwconvPix, LeftShiftsTakeTheScalarEpilogue) {
  DepthwiseTester t = DepthwiseTester().channels(12).input_size(4, 13).multiplier_exponents(0, 2).seed(97);
  EXPECT_EQ(t.layout(ActivationLayout::kNhwc).test(family()), 1);
  EXPECT_EQ(t.layout(ActivationLayout::kNchw).test(family()), 1);
  const std::optional<Rejection> r =
      family().legal(t.layer(), *parse_variant_name("dwconv_qs16_pix_8p1c_u1__pie_widened_nchw_rqvec"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "rqvec_shift");
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
