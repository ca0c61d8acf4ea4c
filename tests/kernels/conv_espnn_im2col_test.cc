// conv_espnn_im2col (esp-nn's im2col baseline): bit-exact over in_ch 1..5 with 3x3, 5x5 and 2x4
// kernels, SAME (edge windows on esp-nn's slow path) and VALID, strides, zero points -128/127,
// clamps and batches; its rejections with their rules.
#include <gtest/gtest.h>

#include "kernels/registry.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using testing::ConvTester;
using testing::WeightMode;

const FamilySpec& family() { return *find_family("conv_espnn_im2col"); }
const Variant& variant() {
  static const Variant v = *parse_variant_name("conv_qs8_espnnim2col_1p1c_u1__pie_im2col_rqscalar");
  return v;
}

TEST(ConvEspnnIm2col, ChannelsAndKernels) {
  // Every in_ch whose 3x3 window reaches 16 bytes (2..5), 5x5 over 1..3, 2x4 over 2 and 3.
  for (int c = 2; c <= 5; ++c) ConvTester().in_channels(c).kernel(3, 3).out_channels(5).seed(c).test(variant());
  for (int c = 1; c <= 3; ++c)
    ConvTester().in_channels(c).kernel(5, 5).input_size(7, 8).out_channels(3).seed(10 + c).test(variant());
  for (int c : {2, 3}) ConvTester().in_channels(c).kernel(2, 4).input_size(6, 7).seed(20 + c).test(variant());
}

TEST(ConvEspnnIm2col, PaddingAndStrides) {
  ConvTester().in_channels(3).padding(Padding::kValid).input_size(6, 5).seed(1).test(variant());
  ConvTester().in_channels(3).stride(2).input_size(9, 8).out_channels(8).seed(2).test(variant());
  ConvTester().in_channels(1).kernel(5, 5).stride(2, 1).input_size(9, 6).seed(3).test(variant());
  ConvTester().in_channels(3).kernel(2, 4).stride(1, 2).padding(Padding::kValid).input_size(5, 9).seed(4)
      .test(variant());
  // SAME with an even kernel: the border is at the bottom / right only.
  ConvTester().in_channels(4).kernel(2, 2).stride(2).input_size(5, 5).seed(5).test(variant());
}

TEST(ConvEspnnIm2col, ZeroPointsClampsBatches) {
  ConvTester().in_channels(3).input_zero_point(-128).output_zero_point(5).seed(6).test(variant());
  ConvTester().in_channels(3).input_zero_point(127).weights(WeightMode::kExtreme).activation(ActivationKind::kRelu6)
      .seed(7).test(variant());
  ConvTester().in_channels(2).batches(2).multiplier_exponents(0, 2).with_bias(false).seed(8).test(variant());
  ConvTester().in_channels(5).batches(3).multiplier_exponents(-3, 1).activation(ActivationKind::kRelu).seed(9)
      .test(variant());
}

TEST(ConvEspnnIm2col, ScratchHoldsSumsFilterCopyAndRow) {
  // 3x3x3: window 27 -> rows of 32 bytes; 5 channels: 32 bytes of sums (16-rounded) + 5 + 1 rows.
  const GeneratedKernel k = family().generate(ConvTester().in_channels(3).out_channels(5).layer(), variant());
  EXPECT_EQ(k.scratch_bytes, 32u + 6u * 32u);
  EXPECT_EQ(k.input_overread_bytes, 0u);
}

TEST(ConvEspnnIm2col, IsTheBaselineOfEspnnsIm2colPathOnly) {
  // 3x3 over 16 channels: 48-byte filter rows, esp-nn's general path.
  std::optional<Rejection> r = check_legal(family(), ConvTester().in_channels(16).layer(), variant());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "espnn_path");
  EXPECT_NE(r->reason.find("esp_nn_conv_s8_filter_aligned_input_padded_esp32s3"), std::string::npos) << r->reason;
  // 3x3 over 1 channel: a 9-byte window, under 16 bytes.
  r = check_legal(family(), ConvTester().in_channels(1).layer(), variant());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "espnn_path");
  // The family's own rule, for direct calls.
  r = family().legal(ConvTester().in_channels(1).layer(), variant());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "window");
  EXPECT_EQ(r->reason, "filter row 3 x 1 = 3 bytes, window 9 bytes: esp-nn's im2col path needs a row under 16 bytes "
                       "and a window of 16 or more");
}

TEST(ConvEspnnIm2col, RejectsDilation) {
  const std::optional<Rejection> r =
      family().legal(ConvTester().in_channels(3).dilation(2).input_size(6, 6).layer(), variant());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "dilation");
}

TEST(ConvEspnnIm2col, RejectsInteriorBoundsLeavingTheImage) {
  // A 1x1 image, 2x2 kernel, stride 2, SAME: top/left pad 0, so esp-nn's (1 - 2 + 0) / 2 + 1 = 1
  // marks pixel (0, 0) interior although its window reaches row and column 1.
  const std::optional<Rejection> r =
      family().legal(ConvTester().in_channels(4).kernel(2, 2).stride(2).input_size(1, 1).layer(), variant());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "safe_region");
  EXPECT_NE(r->reason.find("rows 0..1, columns 0..1"), std::string::npos) << r->reason;
}

}  // namespace
}  // namespace pietune::kernels
