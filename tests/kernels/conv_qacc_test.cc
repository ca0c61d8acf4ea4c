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
  static const Variant v = *parse_variant_name("conv_qs8_qacc_1p16c_u1__pie_bcast_rqscalar");
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

}  // namespace
}  // namespace pietune::kernels
