// fc_espnn (the esp-nn fully connected baseline): both esp-nn paths bit-exact over row lengths
// around the 16- and 8-element steps, odd and even chunk counts, zero points (the weights zero
// point sends a layer to the s16 kernel), per-tensor and per-channel weights, clamps, shifts,
// batches; which path the generated code takes; its rejections.
#include <gtest/gtest.h>

#include "kernels/baselines/espnn/dispatch.h"
#include "kernels/registry.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using testing::FullyConnectedTester;
using testing::WeightMode;

const FamilySpec& family() { return *find_family("fc_espnn"); }
const Variant& variant() {
  static const Variant v = *parse_variant_name("fc_qs8_espnn_1p1c_u2__pie_unaligned_rqscalar");
  return v;
}

// A layer with a non-zero weights zero point: per-tensor weights (TFLM allows it only there).
Layer with_weights_zero_point(FullyConnectedTester t, int zp) {
  Layer l = t.per_channel(false).layer();
  l.weights->quant->zero_points = {zp};
  return l;
}

Verdict verify(const Layer& layer, std::uint64_t seed) {
  const std::optional<Rejection> r = check_legal(family(), layer, variant());
  EXPECT_FALSE(r) << r->rule << ": " << r->reason;
  if (r) return {};
  const Verdict v = verify_variant(layer, variant(), VerifyOptions{.cases = 2, .seed = seed});
  EXPECT_FALSE(v.fault) << v.fault.value_or("");
  EXPECT_EQ(v.guard_writes, 0);
  EXPECT_EQ(v.mismatches, 0) << "max abs diff " << v.max_abs_diff;
  EXPECT_GT(v.outputs, 0);
  return v;
}

TEST(FcEspnn, RowLengthsPickThePath) {
  // Chunk counts 1 (single block), 2 (even), 3 (odd after the loop), 16, with tails.
  for (int d : {16, 17, 31, 32, 33, 47, 48, 63, 256, 271}) {
    const Layer layer = FullyConnectedTester().depth(d).units(5).seed(d).layer();
    EXPECT_EQ(espnn::espnn_path(layer).kernel, "esp_nn_dot_s8_unaligned_esp32s3") << d;
    FullyConnectedTester().depth(d).units(5).seed(d).test(variant());
  }
  // Below 16 elements: the s16 kernel, with and without whole 8-element blocks.
  for (int d : {1, 5, 7, 8, 9, 15}) {
    const Layer layer = FullyConnectedTester().depth(d).units(4).seed(d).layer();
    EXPECT_EQ(espnn::espnn_path(layer).kernel, "esp_nn_fc_s16_esp32s3") << d;
    FullyConnectedTester().depth(d).units(4).seed(d).test(variant());
  }
}

TEST(FcEspnn, WeightsZeroPointTakesS16) {
  for (int d : {3, 8, 16, 29, 64, 271}) {
    const Layer layer = with_weights_zero_point(FullyConnectedTester().depth(d).units(3).input_zero_point(-7).seed(d), 5);
    EXPECT_EQ(espnn::espnn_path(layer).kernel, "esp_nn_fc_s16_esp32s3") << d;
    verify(layer, static_cast<std::uint64_t>(d));
  }
  verify(with_weights_zero_point(FullyConnectedTester().depth(40).units(6).input_zero_point(127).seed(9), -128), 9);
  verify(with_weights_zero_point(FullyConnectedTester().batches(3).depth(24).units(2).seed(10), 127), 10);
}

TEST(FcEspnn, ZeroPointsClampsShiftsBatches) {
  EXPECT_EQ(FullyConnectedTester().depth(40).units(7).input_zero_point(-128).seed(1).test(family()), 1);
  FullyConnectedTester().depth(20).input_zero_point(127).weights(WeightMode::kExtreme).seed(2).test(variant());
  FullyConnectedTester().depth(33).activation(ActivationKind::kRelu6).output_zero_point(-20).seed(3).test(variant());
  FullyConnectedTester().depth(271).units(3).per_channel(false).output_zero_point(127).seed(4).test(variant());
  FullyConnectedTester().depth(16).per_channel(false).multiplier_exponents(-3, 2).seed(5).test(variant());
  FullyConnectedTester().depth(9).per_channel(true).multiplier_exponents(0, 3).with_bias(false).seed(6).test(variant());
  FullyConnectedTester().depth(50).with_bias(false).input_zero_point(3).seed(7).test(variant());
  FullyConnectedTester().batches(3).depth(48).units(5).input_zero_point(-9).seed(8).test(variant());
  FullyConnectedTester().batches(2).depth(8).units(3).seed(9).test(variant());
  FullyConnectedTester().depth(100).units(1).seed(10).cases(4).test(variant());
}

TEST(FcEspnn, ScratchAndConstants) {
  const GeneratedKernel dot = family().generate(FullyConnectedTester().depth(271).units(3).layer(), variant());
  EXPECT_EQ(dot.scratch_bytes, 12u);  // corrections[3]
  EXPECT_EQ(dot.constants.at(0).bytes.size(), 271u * 3 + 48);
  EXPECT_EQ(dot.constants.at(1).bytes.size(), 36u);
  EXPECT_EQ(dot.input_align_bytes, 16u);
  // The validation shape of espnn_kernel_timings.md row 8 runs: 3 calls of 17 chunks each.
  const Verdict row8 = verify(FullyConnectedTester().depth(271).units(3).per_channel(false).output_zero_point(127)
                                  .layer(), 4);
  EXPECT_GT(row8.instructions, 3u * (8 * 8 + 15 * 8));
  const GeneratedKernel s16 = family().generate(FullyConnectedTester().depth(12).units(3).layer(), variant());
  EXPECT_EQ(s16.scratch_bytes, 0u);
}

TEST(FcEspnn, Rejections) {
  const std::optional<Rejection> batch =
      family().legal(FullyConnectedTester().batches(2).depth(20).layer(), variant());
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->rule, "batch_alignment");
  EXPECT_EQ(batch->reason,
            "2 batches of row_len 20: esp-tflite-micro calls esp-nn per batch, so batch 1's input is not 16-byte "
            "aligned (esp-nn switches to the s16 kernel there)");
  const std::optional<Rejection> s16_batch =
      family().legal(FullyConnectedTester().batches(2).depth(12).layer(), variant());
  ASSERT_TRUE(s16_batch);
  EXPECT_EQ(s16_batch->reason,
            "2 batches of row_len 12: esp-tflite-micro calls esp-nn per batch, so batch 1's input is not 8-byte "
            "aligned (the s16 kernel would read wrong bytes)");
  const std::optional<Rejection> range = family().legal(FullyConnectedTester().depth(20000).units(1).with_bias(false).layer(), variant());
  ASSERT_TRUE(range);
  EXPECT_EQ(range->rule, "accumulator_range");
  EXPECT_EQ(range->reason,
            "accumulators up to 1300500000 (row_len 20000, |bias| 0): esp-nn's rounding divide and ee.srs.accx are "
            "exact only below 2^30");
}

}  // namespace
}  // namespace pietune::kernels
