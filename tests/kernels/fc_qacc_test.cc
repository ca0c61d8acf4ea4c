// fc_qacc: both lane widths over depths around the unroll and group sizes, unit counts around the
// groups, batches, zero points, clamps, shifts; the 8-bit lanes' range rule against the 16-bit
// path that has none; its rejections.
#include <gtest/gtest.h>

#include "kernels/registry.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using testing::FullyConnectedTester;
using testing::WeightMode;

const FamilySpec& family() { return *find_family("fc_qacc"); }

constexpr const char* kNarrow = "fc_qs8_qacc_1p16c_u1__pie_bcast8_rqscalar";
constexpr const char* kWide = "fc_qs8_qacc_1p8c_u2__pie_bcast16_rqscalar";

TEST(FcQacc, DepthsAndUnits) {
  for (int d : {1, 3, 4, 8, 15, 16, 17, 64})
    for (int u : {1, 7, 8, 9, 16, 17, 40})
      FullyConnectedTester().depth(d).units(u).seed(static_cast<std::uint64_t>(d * 100 + u)).test(family());
}

TEST(FcQacc, BatchesZeroPointsClamps) {
  // Both paths with three unrolls each: six legal variants.
  EXPECT_EQ(FullyConnectedTester().batches(3).depth(12).units(20).input_zero_point(-128).seed(1).test(family()), 6);
  FullyConnectedTester().depth(20).input_zero_point(127).weights(WeightMode::kExtreme).seed(2).test(family());
  FullyConnectedTester().depth(33).units(9).activation(ActivationKind::kRelu6).output_zero_point(-20).seed(3).test(family());
  FullyConnectedTester().depth(16).per_channel(false).multiplier_exponents(-3, 2).seed(4).test(family());
  FullyConnectedTester().depth(9).per_channel(true).multiplier_exponents(0, 3).with_bias(false).seed(5).test(family());
}

TEST(FcQacc, WideLanesTakeWhatNarrowLanesReject) {
  const FullyConnectedTester deep =
      FullyConnectedTester().depth(256).units(10).weights(WeightMode::kExtreme).input_zero_point(-128).seed(6);
  const Layer layer = deep.layer();
  const std::optional<Rejection> narrow = family().legal(layer, *parse_variant_name(kNarrow));
  ASSERT_TRUE(narrow);
  EXPECT_EQ(narrow->rule, "qacc_lane_range");
  EXPECT_FALSE(family().legal(layer, *parse_variant_name(kWide)));
  deep.test(*parse_variant_name(kWide));
}

TEST(FcQacc, Rejections) {
  const Layer layer = FullyConnectedTester().depth(3).layer();
  const std::optional<Rejection> lanes =
      family().legal(layer, *parse_variant_name("fc_qs8_qacc_1p8c_u1__pie_bcast8_rqscalar"));
  ASSERT_TRUE(lanes);
  EXPECT_EQ(lanes->rule, "units_lanes");
  EXPECT_EQ(lanes->reason, "8 units per group: bcast8 holds 16 lanes");
  const std::optional<Rejection> unroll =
      family().legal(layer, *parse_variant_name("fc_qs8_qacc_1p16c_u4__pie_bcast8_rqscalar"));
  ASSERT_TRUE(unroll);
  EXPECT_EQ(unroll->rule, "unroll");
  EXPECT_EQ(unroll->reason, "unroll 4 exceeds the depth 3");
  Layer zp = FullyConnectedTester().depth(16).per_channel(false).layer();
  zp.weights->quant->zero_points = {3};
  const std::optional<Rejection> wzp = family().legal(zp, *parse_variant_name(kWide));
  ASSERT_TRUE(wzp);
  EXPECT_EQ(wzp->rule, "weights_zero_point");
}

}  // namespace
}  // namespace pietune::kernels
