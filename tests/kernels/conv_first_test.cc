// conv_first (small-channel first layers, paths im2col and pad4x4): input channels 1 to 4, kernels
// from 1x1 to 5x5, strides 1 to 3 (every column residue of the pad4x4 blocks), SAME and VALID,
// dilation, zero points, extreme weights, clamps, batches; the staged copies pad4x4 chooses; the
// rejections with their reasons.
#include <gtest/gtest.h>

#include "kernels/registry.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using testing::ConvTester;
using testing::WeightMode;

const FamilySpec& family() { return *find_family("conv_first"); }
const Variant& im2col() {
  static const Variant v = *parse_variant_name("conv_qs8_first_1p1c_u1__pie_im2col_rqscalar");
  return v;
}
const Variant& pad4x4() {
  static const Variant v = *parse_variant_name("conv_qs8_first_1p1c_u1__pie_pad4x4_rqscalar");
  return v;
}

TEST(ConvFirst, RgbThreeByThree) {
  for (int c : {1, 2, 3, 4})
    for (int s : {1, 2})
      EXPECT_EQ(ConvTester().input_size(7, 11).in_channels(c).out_channels(5).kernel(3, 3).stride(s).seed(10 * c + s)
                    .test(family()),
                2)
          << "channels " << c << " stride " << s;
}

TEST(ConvFirst, KernelShapes) {
  for (auto [kh, kw] : {std::pair{2, 2}, {1, 1}, {4, 4}, {3, 1}, {1, 3}, {4, 2}}) {
    for (int s : {1, 2}) {
      EXPECT_EQ(ConvTester().input_size(6, 9).in_channels(3).out_channels(3).kernel(kh, kw).stride(s)
                    .seed(100 * kh + 10 * kw + s).test(family()),
                2)
          << kh << "x" << kw << " stride " << s;
    }
  }
  // 5x5 over RGB: a 15-byte filter row, only im2col (pad4x4 rejects the width).
  EXPECT_EQ(ConvTester().input_size(8, 7).in_channels(3).out_channels(4).kernel(5, 5).stride(2).seed(5).test(family()),
            1);
}

TEST(ConvFirst, StridesCoverEveryColumnResidue) {
  // Stride 3 visits residues 0, 3, 2, 1; widths leave 0..3 pixels after the last whole group.
  for (int w : {9, 10, 11, 12})
    ConvTester().input_size(5, w).in_channels(3).out_channels(2).kernel(3, 3).stride(1, 3).seed(w).test(pad4x4());
  ConvTester().input_size(9, 13).in_channels(2).kernel(2, 3).stride(2, 1).seed(20).test(family());
  ConvTester().input_size(9, 13).in_channels(4).kernel(4, 4).stride(1, 2).seed(21).test(family());
}

TEST(ConvFirst, ValidAndDilation) {
  EXPECT_EQ(ConvTester().input_size(7, 9).in_channels(3).kernel(3, 3).padding(Padding::kValid).seed(30).test(family()),
            2);
  ConvTester().input_size(8, 8).in_channels(3).kernel(3, 3).stride(2).padding(Padding::kValid).seed(31).test(family());
  // Dilation 2 on a 2x2 kernel spans 3 columns; 3x3 with dilation 2 spans 5: im2col only.
  EXPECT_EQ(ConvTester().input_size(7, 9).in_channels(3).kernel(2, 2).dilation(2).seed(32).test(family()), 2);
  EXPECT_EQ(ConvTester().input_size(7, 7).in_channels(3).kernel(3, 3).dilation(2).seed(33).test(family()), 1);
  ConvTester().input_size(9, 9).in_channels(1).kernel(2, 2).dilation(3, 3).padding(Padding::kValid).seed(34)
      .test(family());
  // A tap 270 bytes to the right of the window's first: past l8ui's offsets, the copy re-bases.
  ConvTester().input_size(3, 100).in_channels(3).kernel(1, 2).dilation(1, 90).padding(Padding::kValid).seed(35)
      .test(im2col());
}

TEST(ConvFirst, Im2colWiderPixels) {
  // 15-byte pixels through the bordered copy; 8 channels 1x1 read in place (one chunk per window).
  ConvTester().input_size(5, 4).in_channels(15).kernel(3, 1).seed(36).test(im2col());
  ConvTester().input_size(6, 6).in_channels(8).out_channels(6).kernel(1, 1).seed(37).test(im2col());
  // A 9x5x3 window: 135 bytes, 9 chunks, the dot product loops inside the channel loop.
  ConvTester().input_size(10, 6).in_channels(3).out_channels(3).kernel(9, 5).seed(38).test(im2col());
}

TEST(ConvFirst, ZeroPointsExtremesClampsBatches) {
  ConvTester().in_channels(3).input_zero_point(-128).output_zero_point(127).weights(WeightMode::kExtreme).seed(40)
      .test(family());
  ConvTester().in_channels(3).input_zero_point(127).output_zero_point(-128).weights(WeightMode::kExtreme).stride(2)
      .seed(41).test(family());
  ConvTester().in_channels(4).input_zero_point(-128).activation(ActivationKind::kRelu6).seed(42).test(family());
  ConvTester().in_channels(2).multiplier_exponents(0, 2).per_channel(false).with_bias(false).seed(43).test(family());
  ConvTester().batches(2).input_size(6, 7).in_channels(3).out_channels(6).stride(2).input_zero_point(127).seed(44)
      .test(family());
  ConvTester().batches(2).input_size(5, 6).in_channels(3).padding(Padding::kValid).seed(45).test(family());
}

// pad4x4 stages the fewest shifted copies that, with the kernel at column offsets 0..4 - span in
// its block, reach every window start: region = rows x (row rounded up to 4 pixels) x 4 + 16.
TEST(ConvFirst, Pad4x4StagedCopies) {
  const auto copies = [](const ConvTester& t, int padded_h, int padded_w) {
    const GeneratedKernel k = family().generate(t.layer(), pad4x4());
    const std::int64_t row = (padded_w + 3) / 4 * 16;
    const std::int64_t region = (padded_h * row + 16 + 15) / 16 * 16;
    EXPECT_EQ(k.scratch_bytes % region, 0) << k.scratch_bytes << " " << region;
    return k.scratch_bytes / region;
  };
  EXPECT_EQ(copies(ConvTester().input_size(5, 5).in_channels(3).kernel(3, 3), 7, 7), 2);
  EXPECT_EQ(copies(ConvTester().input_size(6, 6).in_channels(3).kernel(3, 3).stride(2), 7, 7), 2);
  EXPECT_EQ(copies(ConvTester().input_size(5, 5).in_channels(3).kernel(1, 1), 5, 5), 1);
  EXPECT_EQ(copies(ConvTester().input_size(6, 6).in_channels(3).kernel(2, 2).stride(2), 6, 6), 1);
  EXPECT_EQ(copies(ConvTester().input_size(5, 5).in_channels(3).kernel(4, 4), 8, 8), 4);
}

TEST(ConvFirst, Rejections) {
  const auto reject = [](const Layer& layer, const Variant& v) {
    const std::optional<Rejection> r = family().legal(layer, v);
    EXPECT_TRUE(r) << v.name();
    return r.value_or(Rejection{});
  };
  Rejection r = reject(ConvTester().in_channels(5).layer(), pad4x4());
  EXPECT_EQ(r.rule, "channels");
  EXPECT_EQ(r.reason, "input channels 5 exceed the 4 bytes of a staged pixel (pad4x4 is for RGB-like inputs)");
  r = reject(ConvTester().in_channels(3).kernel(5, 5).input_size(6, 6).layer(), pad4x4());
  EXPECT_EQ(r.rule, "kernel_width");
  EXPECT_EQ(r.reason, "kernel width 5 with dilation 1 spans 5 columns, more than the 4 pixels of one 16-byte load");
  r = reject(ConvTester().in_channels(3).kernel(3, 3).dilation(2).input_size(7, 7).layer(), pad4x4());
  EXPECT_EQ(r.reason, "kernel width 3 with dilation 2 spans 5 columns, more than the 4 pixels of one 16-byte load");
  r = reject(ConvTester().in_channels(3).kernel(5, 3).input_size(6, 6).layer(), pad4x4());
  EXPECT_EQ(r.rule, "kernel_height");
  EXPECT_EQ(r.reason, "kernel height 5 exceeds the 4 window rows held in q0..q3 (their weights in q4..q7)");
  r = reject(ConvTester().in_channels(6).kernel(3, 3).layer(), im2col());
  EXPECT_EQ(r.rule, "row_bytes");
  EXPECT_EQ(r.reason,
            "a filter row of 3 x 6 = 18 bytes is 16 or more: already whole vectors (esp-nn copies windows only for "
            "rows under 16 bytes; conv_accx reads such rows in place)");
  r = reject(ConvTester().in_channels(15).kernel(18, 1).input_size(18, 2).padding(Padding::kValid).layer(), im2col());
  EXPECT_EQ(r.rule, "window");
  EXPECT_EQ(r.reason, "window of 18 x 1 x 15 = 270 bytes exceeds 256: the straight-line copy emits two instructions "
                      "per byte");
  ConvTester grouped;
  Layer layer = grouped.in_channels(4).layer();
  layer.weights->shape[3] = 2;
  layer.options.groups = 2;
  r = reject(layer, im2col());
  EXPECT_EQ(r.rule, "groups");
  EXPECT_EQ(r.reason, "grouped convolution (2 groups of 2 input channels): the window covers all input channels");
}

}  // namespace
}  // namespace pietune::kernels
