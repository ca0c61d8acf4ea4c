// maxpool_espnn / avgpool_espnn, the esp-nn-structured pool baselines: bit-exact over channel
// chunks (8 and 4), clipped borders (SAME odd and even windows), strides, VALID leftovers,
// batches, zero points and clamps; fast mode follows the loop nest (same instruction count as the
// emulated run, within 2% of detailed mode); the rejections with their rules.
#include <gtest/gtest.h>

#include "kernels/enumerate.h"
#include "kernels/registry.h"
#include "kernels/verify.h"
#include "model/timing/fast_model.h"
#include "model/timing/machine.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using testing::MaxPoolTester;

const FamilySpec& max_family() { return *find_family("maxpool_espnn"); }
const FamilySpec& avg_family() { return *find_family("avgpool_espnn"); }

MaxPoolTester avg() { return MaxPoolTester().op(OpKind::kAveragePool2d); }

// Both families on the same shapes: one legal variant (esp-nn's chunk) each.
void expect_both_exact(MaxPoolTester t) {
  EXPECT_EQ(t.test(max_family()), 1) << t.describe();
  EXPECT_EQ(t.op(OpKind::kAveragePool2d).test(avg_family()), 1) << t.describe();
}

TEST(PoolEspnn, ChannelChunksAndWindows) {
  for (int c : {4, 8, 12, 16, 20, 24, 64}) expect_both_exact(MaxPoolTester().channels(c).seed(c));
  // The validation shape (16x16x16, 3x3, stride 1, SAME): border rows and columns clip to 2 taps.
  expect_both_exact(MaxPoolTester().channels(16).input_size(16, 16).kernel(3, 3).stride(1).seed(1));
  expect_both_exact(MaxPoolTester().channels(12).input_size(7, 9).kernel(3, 3).stride(1).seed(2));
  expect_both_exact(MaxPoolTester().channels(8).input_size(6, 7).kernel(3, 2).stride(2, 1).seed(3));
  expect_both_exact(MaxPoolTester().channels(4).input_size(9, 9).kernel(4, 4).stride(3).seed(4));
  expect_both_exact(MaxPoolTester().channels(32).input_size(7, 7).kernel(5, 5).stride(2).seed(5));
  expect_both_exact(MaxPoolTester().channels(16).input_size(1, 1).kernel(1, 1).stride(1).seed(6));
  expect_both_exact(
      MaxPoolTester().channels(24).input_size(7, 8).kernel(2, 3).stride(2).padding(Padding::kValid).seed(7));
  expect_both_exact(MaxPoolTester().batches(3).channels(8).input_size(5, 6).kernel(3, 3).stride(2).seed(8));
  expect_both_exact(MaxPoolTester().batches(2).channels(4).input_size(4, 4).kernel(2, 2).stride(2).seed(9));
  // A whole-image window (the keyword-spotting model's 25x5 average pool), VALID.
  expect_both_exact(
      MaxPoolTester().channels(64).input_size(25, 5).kernel(25, 5).stride(2).padding(Padding::kValid).seed(10));
}

TEST(PoolEspnn, ZeroPointsAndClamps) {
  for (int zp : {-128, -20, 0, 127}) {
    expect_both_exact(MaxPoolTester().channels(16).kernel(3, 3).stride(1).input_zero_point(zp).seed(20 + zp));
    expect_both_exact(MaxPoolTester().channels(12).kernel(2, 2).stride(1).input_zero_point(zp)
                          .activation(ActivationKind::kRelu).seed(30 + zp));
    expect_both_exact(MaxPoolTester().channels(8).kernel(3, 3).stride(2).input_zero_point(zp)
                          .activation(ActivationKind::kRelu6).seed(40 + zp));
  }
  // The 4-channel path with an activation minimum (esp-nn's own 4-channel max pool ignores it).
  expect_both_exact(MaxPoolTester().channels(4).kernel(3, 3).stride(1).input_zero_point(-30)
                        .activation(ActivationKind::kRelu).seed(50));
}

TEST(PoolEspnn, FastModeFollowsTheLoopNest) {
  const model::FastModel fast(model::default_machine());
  const Layer layers[] = {MaxPoolTester().channels(16).input_size(16, 16).kernel(3, 3).stride(1).layer(),
                          avg().channels(16).input_size(16, 16).kernel(3, 3).stride(1).layer(),
                          MaxPoolTester().batches(2).channels(12).input_size(6, 5).kernel(3, 2).stride(2).layer(),
                          avg().batches(2).channels(12).input_size(6, 5).kernel(3, 2).stride(2).layer()};
  for (const Layer& layer : layers) {
    const FamilySpec& family = layer.op == OpKind::kMaxPool2d ? max_family() : avg_family();
    for (const Variant& v : candidate_variants(family, layer)) {
      if (check_legal(family, layer, v)) continue;
      SCOPED_TRACE(v.name());
      const GeneratedKernel k = family.generate(layer, v);
      const model::Cost cost = fast.estimate(k.program.functions.front());
      const Verdict verdict =
          verify_kernel(layer, k, {.cases = 1, .seed = 1, .all_in_sram = true, .time_last_case = true});
      EXPECT_TRUE(verdict.passed());
      EXPECT_EQ(cost.instructions, verdict.instructions);
      ASSERT_TRUE(verdict.detailed_cycles);
      EXPECT_NEAR(cost.cycles, *verdict.detailed_cycles, 0.02 * *verdict.detailed_cycles);
    }
  }
}

TEST(PoolEspnn, Rejections) {
  const Variant max8 = *parse_variant_name("maxpool_qs8_espnn_1p8c_u1__pie_clipped_vclamp");
  const Variant max4 = *parse_variant_name("maxpool_qs8_espnn_1p4c_u1__pie_clipped_vclamp");
  const Variant avg8 = *parse_variant_name("avgpool_qs8_espnn_1p8c_u1__pie_clipped_divexact");

  std::optional<Rejection> r = check_legal(max_family(), MaxPoolTester().channels(6).layer(), max8);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "espnn_channels");
  EXPECT_EQ(r->reason, "channels 6 not a multiple of 4: esp-nn's S3 max pool handles channels % 8 == 0 and % 4 == 0 only");

  r = check_legal(max_family(), MaxPoolTester().channels(16).layer(), max4);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "espnn_channels");
  EXPECT_EQ(r->reason, "channels 16: esp-nn runs its 8-channel path, not 4");
  EXPECT_FALSE(check_legal(max_family(), MaxPoolTester().channels(12).layer(), max4));

  Layer requant = avg().channels(8).layer();
  requant.outputs[0].quant->scales = {0.25f};
  r = check_legal(avg_family(), requant, avg8);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "quantization");
  EXPECT_EQ(r->reason,
            "input scale 0.5 zero point 0 vs output scale 0.25 zero point 0: average pooling does not requantize");

  r = check_legal(avg_family(), avg().channels(8).input_size(20, 20).kernel(17, 16).stride(1).layer(), avg8);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "window");
  EXPECT_EQ(r->reason, "window 17x16 = 272 taps: the exact division standing in for esp-nn's QUOS is proven for at "
                       "most 256 taps");

  // A baseline only where esp-nn runs its kernel: the max-pool family on an average pool layer is
  // a bug (op mismatch), so check the esp-nn path rule with a non-int8 layer.
  Layer uint8_layer = MaxPoolTester().channels(8).layer();
  uint8_layer.inputs[0].type = ElementType::kInt16;
  uint8_layer.outputs[0].type = ElementType::kInt16;
  r = check_legal(max_family(), uint8_layer, max8);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "espnn_path");
}

}  // namespace
}  // namespace pietune::kernels
