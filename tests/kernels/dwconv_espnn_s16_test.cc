// dwconv_espnn_s16 (esp-nn's 16-bit depthwise kernels as a baseline): every one of its five esp-nn
// paths bit-exact (mult1 3x3 / other sizes / padded channels, mult8 3x3 / other sizes, mult4), with
// clipped windows, strides, zero points, extreme weights, clamps, batches and no bias; its
// rejections: the esp-nn path rule and the accumulator range.
#include <gtest/gtest.h>

#include "kernels/baselines/espnn/dispatch.h"
#include "kernels/registry.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using testing::DepthwiseTester;
using testing::WeightMode;

const FamilySpec& family() { return *find_family("dwconv_espnn_s16"); }
Variant the_variant() { return *parse_variant_name("dwconv_qs16_espnn_1p8c_u1__pie_widened_rqver1"); }

std::string path_of(const DepthwiseTester& t) { return espnn::espnn_path(t.layer()).kernel; }

TEST(DwconvEspnnS16, IsTheS16DepthwiseBaseline) {
  EXPECT_TRUE(family().baseline);
  EXPECT_EQ(family().op, OpKind::kDepthwiseConv2d);
  EXPECT_EQ(family().espnn_kernels.size(), 5u);
  EXPECT_EQ(the_variant().family, "dwconv_espnn_s16");
}

TEST(DwconvEspnnS16, Mult1ThreeByThree) {
  const DepthwiseTester t = DepthwiseTester().input_size(6, 7).channels(8).kernel(3, 3).seed(1);
  EXPECT_EQ(path_of(t), "esp_nn_depthwise_conv_s16_mult1_3x3_esp32s3");
  t.test(the_variant());
  for (int s : {1, 2})
    for (Padding p : {Padding::kSame, Padding::kValid})
      DepthwiseTester().batches(2).input_size(7, 6).channels(8).kernel(3, 3).stride(s).padding(p).seed(10 + s)
          .test(the_variant());
}

TEST(DwconvEspnnS16, Mult1OtherKernels) {
  for (int c : {8, 16, 24}) {
    const DepthwiseTester t = DepthwiseTester().input_size(6, 6).channels(c).kernel(5, 5).seed(c);
    EXPECT_EQ(path_of(t), "esp_nn_depthwise_conv_s16_mult1_esp32s3") << c;
    t.test(the_variant());
  }
  DepthwiseTester().input_size(7, 5).channels(16).kernel(2, 4).stride(2, 1).seed(20).test(the_variant());
  DepthwiseTester().input_size(5, 5).channels(8).kernel(1, 1).padding(Padding::kValid).seed(21).test(the_variant());
}

TEST(DwconvEspnnS16, Mult1PaddedChannels) {
  for (int c : {4, 5, 12, 13}) {
    const DepthwiseTester t = DepthwiseTester().input_size(5, 6).channels(c).kernel(3, 3).seed(30 + c);
    EXPECT_EQ(path_of(t), "esp_nn_depthwise_conv_s16_mult1_esp32s3") << c;
    t.test(the_variant());
  }
  DepthwiseTester().batches(2).input_size(6, 5).channels(6).kernel(4, 2).stride(2).seed(39).test(the_variant());
}

TEST(DwconvEspnnS16, Mult8) {
  DepthwiseTester three = DepthwiseTester().input_size(6, 6).channels(2).depth_multiplier(8).kernel(3, 3);
  EXPECT_EQ(path_of(three), "esp_nn_depthwise_conv_s16_mult8_3x3_esp32s3");
  three.seed(40).test(the_variant());
  // The validation shape (SAME padding until explicit pads land), smaller channels.
  DepthwiseTester five = DepthwiseTester().input_size(12, 12).channels(4).depth_multiplier(8).kernel(5, 5);
  EXPECT_EQ(path_of(five), "esp_nn_depthwise_conv_s16_mult8_esp32s3");
  five.seed(41).test(the_variant());
  DepthwiseTester().input_size(7, 6).channels(3).depth_multiplier(16).kernel(3, 3).stride(2).seed(42)
      .test(the_variant());
  DepthwiseTester().batches(2).input_size(5, 7).channels(2).depth_multiplier(8).kernel(2, 3)
      .padding(Padding::kValid).seed(43).test(the_variant());
}

TEST(DwconvEspnnS16, Mult4) {
  DepthwiseTester t = DepthwiseTester().input_size(6, 5).channels(3).depth_multiplier(4).kernel(3, 3);
  EXPECT_EQ(path_of(t), "esp_nn_depthwise_conv_s16_mult4_esp32s3");
  t.seed(50).test(the_variant());
  DepthwiseTester().input_size(7, 7).channels(2).depth_multiplier(12).kernel(5, 3).stride(2).seed(51)
      .test(the_variant());
}

TEST(DwconvEspnnS16, ZeroPointsExtremesClampsShiftsNoBias) {
  DepthwiseTester().channels(8).kernel(3, 3).input_zero_point(127).output_zero_point(-128)
      .weights(WeightMode::kExtreme).seed(60).test(the_variant());
  DepthwiseTester().channels(2).depth_multiplier(8).kernel(5, 5).input_zero_point(-128)
      .weights(WeightMode::kExtreme).seed(61).test(the_variant());
  DepthwiseTester().channels(16).kernel(5, 5).activation(ActivationKind::kRelu6).seed(62).test(the_variant());
  DepthwiseTester().channels(3).depth_multiplier(4).activation(ActivationKind::kRelu).output_zero_point(127)
      .seed(63).test(the_variant());
  DepthwiseTester().channels(8).kernel(3, 3).multiplier_exponents(0, 3).seed(64).test(the_variant());
  DepthwiseTester().channels(5).multiplier_exponents(-4, 1).per_channel(false).with_bias(false).seed(65)
      .test(the_variant());
  DepthwiseTester().channels(2).depth_multiplier(8).with_bias(false).seed(66).test(the_variant());
}

TEST(DwconvEspnnS16, RejectsOtherEspnnPaths) {
  // ch 16, 3x3, pad 1: esp-nn runs its int8 QACC kernel, whose baseline is dwconv_espnn.
  const Layer layer = DepthwiseTester().channels(16).kernel(3, 3).layer();
  const std::optional<Rejection> r = check_legal(family(), layer, the_variant());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "espnn_path");
  EXPECT_NE(r->reason.find("esp-nn runs esp_nn_depthwise_conv_s8_mult1_3x3_padded_esp32s3"), std::string::npos)
      << r->reason;
  // Multiplier 3: esp-nn's portable C.
  const std::optional<Rejection> c =
      check_legal(family(), DepthwiseTester().channels(2).depth_multiplier(3).layer(), the_variant());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->rule, "espnn_path");
}

TEST(DwconvEspnnS16, RejectsAccumulatorRange) {
  // 260x260 taps of |w| >= 127: 255 * 127 * 67600 > 2^31 - 1.
  const Layer big =
      DepthwiseTester().input_size(262, 262).channels(8).kernel(260, 260).weights(WeightMode::kExtreme).layer();
  const std::optional<Rejection> r = family().legal(big, the_variant());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "acc_range");
  EXPECT_NE(r->reason.find("exceeds int32: esp-nn's saturating vadds.s32"), std::string::npos) << r->reason;
}

}  // namespace
}  // namespace pietune::kernels
