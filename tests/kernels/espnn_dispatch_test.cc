// espnn_dispatch_test: one hand-built layer per esp-nn path (kernels/baselines/espnn/dispatch.h),
// the reason text with the layer's numbers, and the shape of the rule table itself.
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "kernels/baselines/espnn/dispatch.h"
#include "tests/kernels/elementwise_tester.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels::espnn {
namespace {

using testing::ConvTester;
using testing::DepthwiseTester;
using testing::ElementwiseTester;
using testing::FullyConnectedTester;
using testing::MaxPoolTester;

ConvTester conv(int in_c, int k) { return ConvTester().input_size(6, 6).in_channels(in_c).out_channels(8).kernel(k, k); }
DepthwiseTester dw(int ch, int k, int mult = 1) {
  return DepthwiseTester().input_size(6, 6).channels(ch).kernel(k, k).depth_multiplier(mult);
}

TEST(EspnnDispatch, ConvPointwiseMult8) {
  const EspnnPath p = espnn_path(conv(32, 1).layer());
  EXPECT_EQ(p.kernel, "esp_nn_conv_s8_mult8_1x1_esp32s3");
  EXPECT_EQ(p.reason, "1x1, pad 0, stride 1, in_ch 32 % 8 == 0");
  EXPECT_FALSE(p.ansi_c_fallback);
}

TEST(EspnnDispatch, ConvPointwiseOtherChannels) {
  const EspnnPath p = espnn_path(conv(12, 1).layer());
  EXPECT_EQ(p.kernel, "esp_nn_conv_s8_1x1");
  EXPECT_EQ(p.reason, "1x1, pad 0, stride 1, in_ch 12 % 8 != 0");
}

TEST(EspnnDispatch, ConvPointwiseStride2TakesTheGeneralPath) {
  const EspnnPath p = espnn_path(conv(32, 1).stride(2).layer());
  EXPECT_EQ(p.kernel, "esp_nn_conv_s8_filter_aligned_input_padded_esp32s3");
  EXPECT_EQ(p.reason, "1x1, stride 2x2, filter row 32 bytes (16-byte multiple)");
}

TEST(EspnnDispatch, ConvIm2col) {
  const EspnnPath p = espnn_path(conv(3, 3).layer());
  EXPECT_EQ(p.kernel, "esp_nn_conv_s8_im2col_s3");
  EXPECT_EQ(p.reason, "3x3, filter row 3x3 = 9 < 16 bytes, window 27 >= 16: im2col rows of 32 bytes");
}

TEST(EspnnDispatch, ConvGeneralPadsFilterRowsAndInput) {
  // One input channel: the window (9) is too short for im2col, so the general path pads rows to 16.
  const EspnnPath p = espnn_path(conv(1, 3).stride(2).padding(Padding::kSame).layer());
  EXPECT_EQ(p.kernel, "esp_nn_conv_s8_filter_aligned_input_padded_esp32s3");
  EXPECT_EQ(p.reason,
            "3x3, stride 2x2, filter row 3 bytes padded to 16, input padded (top 0, bottom 1, left 0, right 1)");
}

TEST(EspnnDispatch, ConvGeneralPrecomputesCorrectionsForLargeFilters) {
  const EspnnPath p = espnn_path(conv(64, 3).out_channels(32).input_zero_point(-5).layer());
  EXPECT_EQ(p.kernel, "esp_nn_conv_s8_filter_aligned_input_padded_esp32s3");
  EXPECT_NE(p.reason.find("offset corrections precomputed in C (18432 filter elements > 16384)"), std::string::npos)
      << p.reason;
}

TEST(EspnnDispatch, GroupedConvFallsBackToAnsiC) {
  const EspnnPath p = espnn_path(conv(16, 3).groups(2).layer());
  EXPECT_EQ(p.kernel, "esp_nn_conv_s8_ansi");
  EXPECT_EQ(p.reason, "grouped: in_ch 16 != filter channels 8: ANSI C");
  EXPECT_TRUE(p.ansi_c_fallback);
}

TEST(EspnnDispatch, DilatedConvRunsTheReference) {
  const EspnnPath p = espnn_path(conv(16, 3).dilation(2).layer());
  EXPECT_EQ(p.kernel, "");
  EXPECT_EQ(p.reason, "dilation 2x2 != 1: TFLM reference op");
}

TEST(EspnnDispatch, Int16ConvRunsTheReference) {
  Layer l = conv(32, 1).layer();
  l.inputs[0].type = ElementType::kInt16;
  EXPECT_EQ(espnn_path(l).kernel, "");
  EXPECT_EQ(espnn_path(l).reason, "input int16, filter int8: TFLM reference op");
}

TEST(EspnnDispatch, DepthwiseMult1Padded3x3) {
  const EspnnPath p = espnn_path(dw(32, 3).padding(Padding::kSame).layer());
  EXPECT_EQ(p.kernel, "esp_nn_depthwise_conv_s8_mult1_3x3_padded_esp32s3");
  EXPECT_EQ(p.reason, "ch_mult 1, 3x3, ch 32 % 16 == 0, pad 1,1: input padded into scratch whole (2048 bytes <= 40 KB)");
}

TEST(EspnnDispatch, DepthwiseMult1Valid3x3) {
  const EspnnPath p = espnn_path(dw(32, 3).padding(Padding::kValid).layer());
  EXPECT_EQ(p.kernel, "esp_nn_depthwise_conv_s8_mult1_3x3_padded_esp32s3");
  EXPECT_EQ(p.reason, "ch_mult 1, 3x3, ch 32 % 16 == 0, pad 0,0: input used in place");
}

TEST(EspnnDispatch, DepthwiseChannelsPaddedTo16) {
  const EspnnPath p = espnn_path(dw(24, 3).padding(Padding::kSame).layer());
  EXPECT_EQ(p.kernel, "esp_nn_depthwise_conv_s8_mult1_3x3_padded_esp32s3");
  EXPECT_EQ(p.reason, "ch_mult 1, 3x3, ch 24 % 8 == 0, ch 24 % 16 != 0, ch >= 12: channels padded to 32, output compacted");
}

TEST(EspnnDispatch, DepthwiseEightChannels3x3GoesS16) {
  const EspnnPath p = espnn_path(dw(8, 3).padding(Padding::kSame).layer());
  EXPECT_EQ(p.kernel, "esp_nn_depthwise_conv_s16_mult1_3x3_esp32s3");
  EXPECT_EQ(p.reason, "ch_mult 1, 3x3, ch 8 % 8 == 0, ch < 12: s8->s16 copies");
}

TEST(EspnnDispatch, DepthwiseMult1OtherKernel) {
  const EspnnPath p = espnn_path(dw(16, 5).padding(Padding::kSame).layer());
  EXPECT_EQ(p.kernel, "esp_nn_depthwise_conv_s16_mult1_esp32s3");
  // 2 * (5*5*16 + 6*6*16) = 1952 bytes.
  EXPECT_EQ(p.reason, "ch_mult 1, 5x5, ch 16 % 8 == 0: s8->s16 copies whole (1952 bytes <= 48 KB)");
}

TEST(EspnnDispatch, DepthwiseMult1ChannelsPaddedTo8) {
  const EspnnPath p = espnn_path(dw(6, 3).layer());
  EXPECT_EQ(p.kernel, "esp_nn_depthwise_conv_s16_mult1_esp32s3");
  EXPECT_EQ(p.reason, "ch_mult 1, 3x3, ch 6 % 8 != 0, ch > 3: channels padded to 8, s8->s16 copies");
}

TEST(EspnnDispatch, DepthwiseMultipliers) {
  EXPECT_EQ(espnn_path(dw(1, 3, 8).layer()).kernel, "esp_nn_depthwise_conv_s16_mult8_3x3_esp32s3");
  EXPECT_EQ(espnn_path(dw(1, 5, 8).layer()).kernel, "esp_nn_depthwise_conv_s16_mult8_esp32s3");
  EXPECT_EQ(espnn_path(dw(2, 3, 4).layer()).kernel, "esp_nn_depthwise_conv_s16_mult4_esp32s3");
  EXPECT_EQ(espnn_path(dw(2, 3, 4).layer()).reason, "ch_mult 4 % 4 == 0, 3x3, ch 2: s8->s16 copies");
  const EspnnPath odd = espnn_path(dw(4, 3, 2).layer());
  EXPECT_EQ(odd.kernel, "esp_nn_depthwise_conv_s8_opt");
  EXPECT_EQ(odd.reason, "ch_mult 2 not 1 and not a multiple of 4: C fallback");
  EXPECT_TRUE(odd.ansi_c_fallback);
  const EspnnPath few = espnn_path(dw(3, 3).layer());
  EXPECT_EQ(few.kernel, "esp_nn_depthwise_conv_s8_opt");
  EXPECT_EQ(few.reason, "ch_mult 1, ch 3 <= 3: C fallback");
}

TEST(EspnnDispatch, FullyConnectedPaths) {
  const EspnnPath dot = espnn_path(FullyConnectedTester().depth(40).units(4).layer());
  EXPECT_EQ(dot.kernel, "esp_nn_dot_s8_unaligned_esp32s3");
  EXPECT_EQ(dot.reason, "filter_offset 0, row_len 40 >= 16: 2 x 16-byte chunks + 8 scalar per output");
  const EspnnPath short_row = espnn_path(FullyConnectedTester().depth(10).units(4).layer());
  EXPECT_EQ(short_row.kernel, "esp_nn_fc_s16_esp32s3");
  EXPECT_EQ(short_row.reason, "row_len 10 < 16: s16 path");
  Layer offset = FullyConnectedTester().depth(64).units(4).layer();
  offset.weights->quant->zero_points = {3};
  EXPECT_EQ(espnn_path(offset).kernel, "esp_nn_fc_s16_esp32s3");
  EXPECT_EQ(espnn_path(offset).reason, "filter_offset -3 != 0: s16 path");
}

TEST(EspnnDispatch, Pools) {
  const EspnnPath max = espnn_path(MaxPoolTester().channels(16).kernel(3, 3).stride(1).layer());
  EXPECT_EQ(max.kernel, "esp_nn_max_pool_s8_esp32s3");
  EXPECT_EQ(max.reason, "int8, 3x3 window, stride 1x1, ch 16");
  EXPECT_EQ(espnn_path(MaxPoolTester().op(OpKind::kAveragePool2d).layer()).kernel, "esp_nn_avg_pool_s8_esp32s3");
}

TEST(EspnnDispatch, ElementwiseAndSoftmax) {
  EXPECT_EQ(espnn_path(ElementwiseTester().op(OpKind::kAdd).length(64).layer()).kernel,
            "esp_nn_add_elementwise_s8_esp32s3");
  EXPECT_EQ(espnn_path(ElementwiseTester().op(OpKind::kMul).length(64).layer()).kernel,
            "esp_nn_mul_elementwise_s8_esp32s3");
  const EspnnPath broadcast =
      espnn_path(ElementwiseTester().op(OpKind::kAdd).shape({1, 4, 4, 8}).operand_shape(1, {1, 1, 1, 8}).layer());
  EXPECT_EQ(broadcast.kernel, "");
  EXPECT_EQ(broadcast.reason, "broadcast (BroadcastAdd4DSlow): TFLM reference op");

  Layer softmax;
  softmax.op = OpKind::kSoftmax;
  softmax.op_name = "SOFTMAX";
  softmax.inputs = {testing::tensor({1, 10})};
  softmax.outputs = {testing::tensor({1, 10})};
  EXPECT_EQ(espnn_path(softmax).kernel, "esp_nn_softmax_s8_esp32s3");
  softmax.outputs[0].type = ElementType::kInt16;
  EXPECT_EQ(espnn_path(softmax).reason, "no esp-nn kernel: TFLM reference op");
}

TEST(EspnnDispatch, OpsWithoutAnEspnnKernel) {
  Layer reshape;
  reshape.op = OpKind::kReshape;
  reshape.op_name = "RESHAPE";
  reshape.inputs = {testing::tensor({1, 1, 1, 10})};
  reshape.outputs = {testing::tensor({1, 10})};
  EXPECT_EQ(espnn_path(reshape).kernel, "");
  EXPECT_EQ(espnn_path(reshape).reason, "no esp-nn kernel: TFLM reference op");
  Layer relu6 = reshape;
  relu6.op = OpKind::kUnsupported;
  relu6.op_name = "RELU6";
  EXPECT_EQ(espnn_path(relu6).reason, "no esp-nn wrapper for RELU6 in esp-tflite-micro: TFLM reference op");
  // No tensors at all: still an answer, never a throw.
  Layer empty;
  empty.op = OpKind::kConv2d;
  EXPECT_EQ(espnn_path(empty).kernel, "");
}

TEST(EspnnDispatch, EveryRuleStatesItsConditionAndSource) {
  std::set<std::string> kernels;
  for (const DispatchRule& r : dispatch_rules()) {
    EXPECT_FALSE(r.condition.empty()) << r.kernel;
    EXPECT_FALSE(r.source.empty()) << r.kernel;
    EXPECT_NE(r.holds, nullptr);
    EXPECT_NE(r.reason, nullptr);
    if (!r.kernel.empty()) kernels.insert(std::string(r.kernel));
  }
  // Conv 5, depthwise 7, FC 2, pools 2, add, mul, softmax.
  EXPECT_EQ(kernels.size(), 19u);
}

// Each baseline names esp-nn kernels the dispatch table can answer, of its own op, and no kernel
// has two baselines: a layer's baseline is the one family modelling its path.
TEST(EspnnDispatch, BaselinesModelKernelsOfTheTableOnceEach) {
  std::set<std::string> claimed;
  for (const FamilySpec& f : all_families()) {
    EXPECT_EQ(f.baseline, !f.espnn_kernels.empty()) << f.name;
    for (std::string_view kernel : f.espnn_kernels) {
      bool in_table = false;
      for (const espnn::DispatchRule& rule : espnn::dispatch_rules())
        in_table = in_table || (rule.kernel == kernel && rule.op == f.op);
      EXPECT_TRUE(in_table) << f.name << ": " << kernel << " is no dispatch row of its op";
      EXPECT_TRUE(claimed.insert(std::string(kernel)).second) << kernel << " has two baseline families";
    }
  }
  EXPECT_GE(claimed.size(), 14u);
}

}  // namespace
}  // namespace pietune::kernels::espnn
