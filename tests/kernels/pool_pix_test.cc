// The pixel-lane pools maxpool_pix and avgpool_pix: exact in both activation layouts over widths
// that leave partial blocks of 16, column strides 1 to 4, SAME and VALID, global pools (the bundled
// models' shapes), batches, zero points at the rails, ReLU and ReLU6 clamps, every output
// alignment path of the max; the division for every sum at the window limit; their rejections.
#include <cstdint>

#include <gtest/gtest.h>

#include "kernels/families/pool_pix.h"
#include "kernels/registry.h"
#include "kernels/verify.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using testing::MaxPoolTester;

const FamilySpec& max_family() { return *find_family("maxpool_pix"); }
const FamilySpec& average_family() { return *find_family("avgpool_pix"); }
MaxPoolTester average() { return MaxPoolTester().op(OpKind::kAveragePool2d); }

// The tester's layer in `layout`: the one legal variant of the family for that layout verified in
// the emulator (the layer's data drawn NHWC, the kernel's input and output reordered).
void expect_exact_in(const MaxPoolTester& t, ActivationLayout layout) {
  const FamilySpec& family = t.layer().op == OpKind::kMaxPool2d ? max_family() : average_family();
  Layer layer = t.layer();
  layer.options.layout = layout;
  int verified = 0;
  for (const Variant& v : candidate_variants(family, layer)) {
    if (const std::optional<Rejection> r = check_legal(family, layer, v)) {
      EXPECT_EQ(r->rule, "activation_layout") << v.name() << " on " << t.describe() << ": " << r->reason;
      continue;
    }
    const Verdict verdict = verify_variant(layer, v, VerifyOptions{.cases = 2, .seed = 11});
    EXPECT_FALSE(verdict.fault) << v.name() << " on " << t.describe() << ": " << verdict.fault.value_or("");
    EXPECT_EQ(verdict.guard_writes, 0) << v.name() << " on " << t.describe();
    if (verdict.first) {
      const Mismatch& m = *verdict.first;
      ADD_FAILURE() << v.name() << " on " << t.describe() << ": " << verdict.mismatches << " mismatches of "
                    << verdict.outputs << "; first at (n, y, x, c) = (" << m.n << ", " << m.y << ", " << m.x << ", "
                    << m.c << "): expected " << m.expected << ", got " << m.actual;
    }
    ++verified;
  }
  EXPECT_EQ(verified, 1) << t.describe() << " " << to_string(layout);
}

void expect_exact(const MaxPoolTester& t) {
  expect_exact_in(t, ActivationLayout::kNchw);
  expect_exact_in(t, ActivationLayout::kNhwc);
}

// Both ops on the same shape.
void expect_both_exact(MaxPoolTester t) {
  expect_exact(t.op(OpKind::kMaxPool2d));
  expect_exact(t.op(OpKind::kAveragePool2d));
}

TEST(PoolPix, ChannelsAndWidths) {
  for (int c : {1, 3, 8, 17}) expect_both_exact(MaxPoolTester().channels(c).input_size(5, 11).seed(c));
  // out_w 17, 33 and 8 (partial blocks, the 8-byte store), 16 and 32 (the 16-byte store).
  expect_both_exact(MaxPoolTester().channels(4).input_size(6, 34).seed(20));
  expect_both_exact(MaxPoolTester().channels(3).input_size(4, 66).seed(21));
  expect_both_exact(MaxPoolTester().channels(5).input_size(7, 16).seed(22));
  expect_both_exact(MaxPoolTester().channels(2).input_size(5, 32).seed(23));
  expect_both_exact(MaxPoolTester().channels(2).input_size(3, 64).seed(24));
}

TEST(PoolPix, StridesAndPadding) {
  // Stride 1 with SAME borders on both sides (odd and even windows), stride 2 VALID with a
  // leftover column, column strides 3 and 4, a row stride alone.
  expect_both_exact(MaxPoolTester().channels(3).kernel(3, 3).stride(1).input_size(9, 21).seed(30));
  expect_both_exact(MaxPoolTester().channels(3).kernel(2, 4).stride(1).input_size(6, 19).seed(31));
  expect_both_exact(MaxPoolTester().channels(4).kernel(3, 3).stride(2).padding(Padding::kValid).input_size(9, 40)
                        .seed(32));
  expect_both_exact(MaxPoolTester().channels(6).kernel(3, 3).stride(2).input_size(10, 37).seed(33));
  expect_both_exact(MaxPoolTester().channels(2).kernel(3, 5).stride(3).input_size(8, 50).seed(34));
  expect_both_exact(MaxPoolTester().channels(2).kernel(4, 4).stride(4).padding(Padding::kValid).input_size(9, 70)
                        .seed(35));
  expect_both_exact(MaxPoolTester().channels(3).kernel(3, 1).stride(2, 1).input_size(7, 18).seed(36));
  expect_both_exact(MaxPoolTester().batches(2).channels(5).kernel(2, 2).stride(2).input_size(6, 35).seed(37));
  // One output column: a SAME window over a one-column image (the average's ACCX row sums with a
  // border), a VALID window that leaves image columns outside it (the lanes), a 20-column window
  // (two chunks per row).
  expect_both_exact(MaxPoolTester().channels(3).kernel(3, 3).stride(1).input_size(4, 1).seed(38));
  expect_both_exact(MaxPoolTester().channels(3).kernel(3, 3).stride(3).padding(Padding::kValid).input_size(5, 5)
                        .seed(39));
  expect_both_exact(MaxPoolTester().batches(2).channels(2).kernel(3, 20).stride(3).padding(Padding::kValid)
                        .input_size(7, 20).activation(ActivationKind::kRelu6).seed(40));
}

TEST(PoolPix, ClampsAndZeroPoints) {
  expect_both_exact(MaxPoolTester().channels(4).input_size(6, 20).activation(ActivationKind::kRelu6)
                        .input_zero_point(-20).seed(40));
  expect_both_exact(MaxPoolTester().channels(3).kernel(3, 3).stride(1).input_size(5, 18)
                        .activation(ActivationKind::kRelu).input_zero_point(127).seed(41));
  expect_both_exact(MaxPoolTester().channels(3).kernel(3, 3).stride(2).input_size(7, 17)
                        .activation(ActivationKind::kRelu6).input_zero_point(-128).seed(42));
}

// The bundled models' pools: person_detect's 48x48x8 max pool 2x2 stride 2 shape, a global 8x8x64
// average (resnet-like), person_detect's layer 27 (3x3x256, window 3, stride 2, VALID) and kws's
// 25x5x64 global average.
TEST(PoolPix, ModelShapes) {
  expect_exact(MaxPoolTester().channels(8).input_size(48, 48).kernel(2, 2).stride(2).padding(Padding::kValid)
                   .seed(50));
  expect_exact(average().channels(64).input_size(8, 8).kernel(8, 8).stride(8).padding(Padding::kValid).seed(51));
  expect_exact(average().channels(256).input_size(3, 3).kernel(3, 3).stride(2).padding(Padding::kValid).seed(52));
  expect_exact(average().channels(64).input_size(25, 5).kernel(25, 5).stride(2).padding(Padding::kValid)
                   .activation(ActivationKind::kRelu6).seed(53));
  expect_exact(MaxPoolTester().channels(64).input_size(8, 8).kernel(8, 8).stride(8).padding(Padding::kValid)
                   .seed(54));
}

// The muluh division of every sum a window of n taps can produce, against the reference's
// (sum +- n/2) / n, for small n exhaustively and at the limit the header proves.
TEST(PoolPix, DivisionExactUpToTheWindowLimit) {
  for (std::int64_t n : {1, 2, 3, 5, 7, 9, 25, 64, 125, 255, 256, 257, 1000, 2047, 4000, 4087, 4088}) {
    const auto m = static_cast<std::uint32_t>(((std::int64_t{1} << 31) + n - 1) / n);
    for (std::int64_t sum = -128 * n; sum <= 127 * n; ++sum) {
      const std::uint64_t x = static_cast<std::uint64_t>((sum < 0 ? -sum : sum) + n / 2);
      const auto quotient = static_cast<std::int64_t>(((2 * x) * m) >> 32);
      const std::int64_t got = sum < 0 ? -quotient : quotient;
      const std::int64_t expected = sum > 0 ? (sum + n / 2) / n : (sum - n / 2) / n;
      if (got != expected) {
        ADD_FAILURE() << "n " << n << " sum " << sum << ": " << got << " vs " << expected;
        return;
      }
    }
  }
}

TEST(PoolPix, Rejections) {
  const Variant max_nchw = *parse_variant_name("maxpool_qs8_pix_16p1c_u1__pie_phased_nchw_vclamp");
  const Variant avg_nchw = *parse_variant_name("avgpool_qs8_pix_16p1c_u1__pie_phased_nchw_divexact");
  Layer nchw = MaxPoolTester().channels(4).input_size(9, 9).layer();
  nchw.options.layout = ActivationLayout::kNchw;
  EXPECT_FALSE(check_legal(max_family(), nchw, max_nchw));

  Layer wide = MaxPoolTester().channels(4).input_size(9, 20).kernel(5, 5).stride(5).layer();
  wide.options.layout = ActivationLayout::kNchw;
  std::optional<Rejection> r = check_legal(max_family(), wide, max_nchw);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "pix_stride");
  EXPECT_EQ(r->reason, "column stride 5: the staged plane splits columns into at most 4 phases so that 16 output "
                       "pixels read 16 consecutive bytes");

  Layer requant = MaxPoolTester().channels(4).layer();
  requant.outputs[0].quant->scales = {0.25f};
  r = max_family().legal(requant, max_nchw);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "quantization");
  EXPECT_EQ(r->reason, "input scale 0.5 zero point 0 vs output scale 0.25 zero point 0: max pooling does not requantize");

  Layer types = MaxPoolTester().channels(4).layer();
  types.outputs[0].type = ElementType::kInt16;
  r = max_family().legal(types, max_nchw);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "types");

  r = average_family().legal(average().channels(2).kernel(64, 64).stride(1).input_size(64, 64)
                                 .padding(Padding::kValid).layer(),
                             avg_nchw);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "window");
  EXPECT_EQ(r->reason, "window 64x64 = 4096 taps: the exact division is proven for at most 4088 taps");
  EXPECT_FALSE(average_family().legal(average().channels(2).kernel(63, 64).stride(1).input_size(63, 64)
                                          .padding(Padding::kValid).layer(),
                                      avg_nchw));

  // A SAME window that only reaches the border (1x1 input, 3x3 window, stride 1 keeps one output
  // whose window is clipped to the pixel) is fine; the NHWC variant of an NCHW layer is not.
  const Variant avg_nhwc = *parse_variant_name("avgpool_qs8_pix_16p1c_u1__pie_phased_nhwc_divexact");
  Layer avg_layer = average().channels(3).kernel(3, 3).stride(1).input_size(1, 1).layer();
  avg_layer.options.layout = ActivationLayout::kNchw;
  EXPECT_FALSE(check_legal(average_family(), avg_layer, avg_nchw));
  r = check_legal(average_family(), avg_layer, avg_nhwc);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "activation_layout");
}

// The families take NCHW: an NCHW pool layer enumerates legal variants of these rows only.
TEST(PoolPix, NchwPoolLayersHaveKernels) {
  for (const OpKind op : {OpKind::kMaxPool2d, OpKind::kAveragePool2d}) {
    Layer layer = MaxPoolTester().op(op).channels(8).input_size(12, 12).layer();
    layer.options.layout = ActivationLayout::kNchw;
    const Enumeration e = enumerate_variants(layer);
    ASSERT_EQ(e.legal.size(), 1u) << to_string(op);
    EXPECT_EQ(e.legal[0].family, op == OpKind::kMaxPool2d ? "maxpool_pix" : "avgpool_pix");
  }
}

}  // namespace
}  // namespace pietune::kernels
