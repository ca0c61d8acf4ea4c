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
  // Both paths with three unrolls each and the vector epilogue on bcast16: nine.
  EXPECT_EQ(FullyConnectedTester().batches(3).depth(12).units(20).per_channel(false).input_zero_point(-128).seed(1)
                .test(family()),
            9);
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

// The vectorised exact epilogue: per-tensor multipliers (FULLY_CONNECTED's usual case) over right
// shifts 0..22, per-channel ones with several shifts per group, zero points at the rails, clamps,
// depths and unit counts around the 8-lane groups, accumulators near int32's limits.
TEST(FcQaccRqvec, PerTensorShifts) {
  const Variant rqvec = *parse_variant_name("fc_qs8_qacc_1p8c_u1__pie_bcast16_rqvec");
  int seed = 200;
  // Accumulators here are about 2^12..2^14: right shifts of 7..10 keep most outputs inside int8,
  // where negative ties (away from zero) show; the small and large shifts check the rails.
  for (int e : {0, -1, -3, -7, -8, -9, -10, -12, -18, -21})
    for (int units : {1, 8, 13}) {
      FullyConnectedTester t;
      t.depth(seed % 2 == 0 ? 40 : 17).units(units).per_channel(false).multiplier_exponents(e, e);
      t.input_zero_point(seed % 3 == 0 ? -128 : 127 - seed % 5).output_zero_point(seed % 7 * 30 - 100);
      t.activation(seed % 4 == 0 ? ActivationKind::kRelu : ActivationKind::kNone).with_bias(seed % 3 != 1);
      t.seed(static_cast<std::uint64_t>(++seed)).cases(40).test(rqvec);
    }
  FullyConnectedTester().depth(2000).units(9).per_channel(false).weights(WeightMode::kExtreme).input_zero_point(-128)
      .multiplier_exponents(-20, -20).seed(9).test(rqvec);
  FullyConnectedTester().batches(2).depth(64).units(24).per_channel(false).activation(ActivationKind::kRelu6)
      .seed(10).test(rqvec);
  // Per-channel multipliers with shifts spread over 0..9: several slots per group.
  for (int units : {5, 8, 20})
    FullyConnectedTester().depth(30).units(units).multiplier_exponents(-9, 0).cases(20).seed(11 + units).test(rqvec);
}

TEST(FcQaccRqvec, Rejections) {
  const auto rejection = [](const FullyConnectedTester& t, const char* name) {
    const std::optional<Rejection> r = family().legal(t.layer(), *parse_variant_name(name));
    EXPECT_TRUE(r) << name;
    return r.value_or(Rejection{});
  };
  const Rejection narrow = rejection(FullyConnectedTester().per_channel(false), "fc_qs8_qacc_1p16c_u1__pie_bcast8_rqvec");
  EXPECT_EQ(narrow.rule, "rqvec_lanes");
  EXPECT_EQ(narrow.reason, "rqvec reads 40-bit lanes: it needs bcast16");
  const char* wide = "fc_qs8_qacc_1p8c_u1__pie_bcast16_rqvec";
  const Rejection left = rejection(FullyConnectedTester().per_channel(false).multiplier_exponents(3, 3), wide);
  EXPECT_EQ(left.rule, "rqvec_shift");
  EXPECT_EQ(left.reason, "channel 0: left shift 3: the digits are taken from the unshifted accumulator");
  const Rejection far = rejection(FullyConnectedTester().per_channel(false).multiplier_exponents(-24, -24), wide);
  EXPECT_EQ(far.reason, "channel 0: right shift 24: the rounding term needs a shift of at most 22");
}

}  // namespace
}  // namespace pietune::kernels
