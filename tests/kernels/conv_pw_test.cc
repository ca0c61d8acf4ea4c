// conv_pw: pixel tiles (full and partial), strides, channels up to the six-register limit,
// batches, zero points, clamps; its rejections.
#include <gtest/gtest.h>

#include "kernels/registry.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using testing::ConvTester;
using testing::WeightMode;

const FamilySpec& family() { return *find_family("conv_pw"); }

ConvTester pointwise() { return ConvTester().kernel(1, 1).padding(Padding::kValid); }

TEST(ConvPw, TilesAndChannels) {
  for (int c : {1, 3, 4, 8, 15, 16, 17, 64, 96}) {
    SCOPED_TRACE(c);
    EXPECT_GE(pointwise().in_channels(c).out_channels(5).input_size(3, 7).seed(c).test(family()), 3);
  }
}

TEST(ConvPw, StridesBatchesZeroPointsClamps) {
  pointwise().in_channels(32).out_channels(9).input_size(5, 6).stride(2).seed(1).test(family());
  ConvTester().kernel(1, 1).padding(Padding::kSame).in_channels(16).out_channels(4).stride(2).input_size(5, 5).seed(2)
      .test(family());
  pointwise().batches(2).in_channels(20).out_channels(70).input_size(2, 5).input_zero_point(-128).seed(3).test(family());
  pointwise().in_channels(48).out_channels(6).input_zero_point(127).weights(WeightMode::kExtreme)
      .activation(ActivationKind::kRelu6).multiplier_exponents(0, 2).seed(4).test(family());
}

TEST(ConvPw, Rejections) {
  const Variant v = *parse_variant_name("conv_qs8_pw_4p1c_u1__pie_aligned_rqscalar");
  std::optional<Rejection> r = family().legal(ConvTester().in_channels(8).layer(), v);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "kernel");
  EXPECT_EQ(r->reason, "kernel 3x3: the family is for pointwise (1x1) layers");
  r = family().legal(pointwise().in_channels(100).layer(), v);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "weight_registers");
  EXPECT_EQ(r->reason, "input channels 100 need 7 chunks of 16 bytes: one output channel's weights must fit the 6 q "
                       "registers q2..q7 (at most 96 channels)");
}

}  // namespace
}  // namespace pietune::kernels
