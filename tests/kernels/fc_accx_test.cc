// fc_accx: depths around 16, batches, zero points, per-tensor and per-channel weights, clamps,
// shifts, and its rejections.
#include <gtest/gtest.h>

#include "kernels/registry.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using testing::FullyConnectedTester;
using testing::WeightMode;

const FamilySpec& family() { return *find_family("fc_accx"); }

TEST(FcAccx, Depths) {
  for (int d : {1, 3, 4, 8, 15, 16, 17, 64, 100}) FullyConnectedTester().depth(d).units(5).seed(d).test(family());
}

TEST(FcAccx, BatchesZeroPointsClamps) {
  EXPECT_EQ(FullyConnectedTester().batches(3).depth(48).units(7).input_zero_point(-128).seed(1).test(family()), 4);
  FullyConnectedTester().depth(20).input_zero_point(127).weights(WeightMode::kExtreme).seed(2).test(family());
  FullyConnectedTester().depth(33).activation(ActivationKind::kRelu6).output_zero_point(-20).seed(3).test(family());
  FullyConnectedTester().depth(16).per_channel(false).multiplier_exponents(-3, 2).seed(4).test(family());
  FullyConnectedTester().depth(9).per_channel(true).multiplier_exponents(0, 3).with_bias(false).seed(5).test(family());
}

TEST(FcAccx, Rejections) {
  const Layer layer = FullyConnectedTester().depth(10).layer();
  const std::optional<Rejection> direct =
      family().legal(layer, *parse_variant_name("fc_qs8_accx_1p1c_u1__pie_direct_rqscalar"));
  ASSERT_TRUE(direct);
  EXPECT_EQ(direct->reason,
            "depth 10 not a multiple of 16: direct loads need whole 16-byte rows (the aligned path copies each row "
            "into a padded scratch row, +6 bytes)");
  const std::optional<Rejection> unroll =
      family().legal(layer, *parse_variant_name("fc_qs8_accx_1p1c_u2__pie_aligned_rqscalar"));
  ASSERT_TRUE(unroll);
  EXPECT_EQ(unroll->rule, "unroll");
  EXPECT_EQ(unroll->reason, "unroll 2 exceeds the 1 chunk(s) of 16 bytes per row");
  Layer zp = FullyConnectedTester().depth(16).per_channel(false).layer();
  zp.weights->quant->zero_points = {3};
  const std::optional<Rejection> wzp =
      family().legal(zp, *parse_variant_name("fc_qs8_accx_1p1c_u1__pie_aligned_rqscalar"));
  ASSERT_TRUE(wzp);
  EXPECT_EQ(wzp->rule, "weights_zero_point");
  EXPECT_EQ(wzp->reason, "weights zero point 3: the kernel folds only the input offset");
}

}  // namespace
}  // namespace pietune::kernels
