// layer_check_test: derived options and the rejection of impossible layers, with exact messages.
#include "kernels/layer_check.h"

#include <string>

#include <gtest/gtest.h>

#include "layer_builders.h"
#include "model/support/error.h"

namespace pietune::kernels {
namespace {

using testing::completed;
using testing::tensor;

// The InputError message of complete_layer, or "" when it accepts the layer.
std::string complete_error(Layer l) {
  try {
    complete_layer(l);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(LayerCheckTest, DerivesConvOptions) {
  const Layer l = completed(testing::conv_layer());
  EXPECT_EQ(l.options.filter_h, 3);
  EXPECT_EQ(l.options.filter_w, 3);
  EXPECT_EQ(l.options.groups, 1);
  // 8x8, k 3, s 1, SAME: total pad 2 -> 1 before, 1 after on both axes.
  EXPECT_EQ(l.options.pads.top, 1);
  EXPECT_EQ(l.options.pads.bottom, 1);
  EXPECT_EQ(l.options.pads.left, 1);
  EXPECT_EQ(l.options.pads.right, 1);
  // RELU6 on scale 0.05 zp -10: [-10, -10 + 120].
  EXPECT_EQ(l.options.activation.min, -10);
  EXPECT_EQ(l.options.activation.max, 110);
}

TEST(LayerCheckTest, DerivesAsymmetricSamePads) {
  // person_detect's first layer: 96x96, 3x3, stride 2, SAME -> 48x48, pads 0 before, 1 after.
  Layer l = testing::depthwise_layer();
  l.inputs[0].shape = {1, 96, 96, 1};
  l.weights = tensor({1, 3, 3, 8}, ElementType::kInt8, std::nullopt, true);
  l.outputs[0].shape = {1, 48, 48, 8};
  l.options.padding = Padding::kSame;
  l.options.stride_h = l.options.stride_w = 2;
  l = completed(l);
  EXPECT_EQ(l.options.depth_multiplier, 8);
  EXPECT_EQ(l.options.pads.top, 0);
  EXPECT_EQ(l.options.pads.bottom, 1);
  EXPECT_EQ(l.options.pads.left, 0);
  EXPECT_EQ(l.options.pads.right, 1);
}

TEST(LayerCheckTest, NormalisesConcatenationAxisAndMeanAxes) {
  Layer concat;
  concat.op = OpKind::kConcatenation;
  concat.inputs = {tensor({1, 4, 4, 2}), tensor({1, 4, 4, 3})};
  concat.outputs = {tensor({1, 4, 4, 5})};
  concat.options.axis = -1;
  EXPECT_EQ(completed(concat).options.axis, 3);

  Layer mean;
  mean.op = OpKind::kMean;
  mean.inputs = {tensor({1, 4, 4, 8})};
  mean.outputs = {tensor({1, 8})};
  mean.options.axes = {2, -3, 1};
  EXPECT_EQ(completed(mean).options.axes, (std::vector<std::int32_t>{1, 2}));
}

TEST(LayerCheckTest, RejectsNegativeAndZeroDims) {
  Layer l = testing::conv_layer();
  l.inputs[0].shape = {1, -3, 8, 3};
  EXPECT_EQ(complete_error(l), "input 0: shape 1x-3x8x3: dimension 1 is -3");
  l = testing::conv_layer();
  l.outputs[0].shape = {1, 8, 0, 4};
  EXPECT_EQ(complete_error(l), "output 0: shape 1x8x0x4: dimension 2 is 0");
}

TEST(LayerCheckTest, RejectsKernelLargerThanPaddedInput) {
  Layer l = testing::depthwise_layer();
  l.inputs[0].shape = {1, 2, 2, 2};
  l.outputs[0].shape = {1, 1, 1, 4};
  EXPECT_EQ(complete_error(l), "kernel 3x3 larger than padded input 2x2 (VALID)");
  l = testing::depthwise_layer();
  l.options.dilation_h = l.options.dilation_w = 3;  // effective 7 > 5
  EXPECT_EQ(complete_error(l),
            "dilated kernel 7x7 (kernel 3x3, dilation 3x3) larger than padded input 5x5 (VALID)");
}

TEST(LayerCheckTest, RejectsOutputSizeNotImpliedByTheInput) {
  Layer l = testing::conv_layer();
  l.outputs[0].shape = {1, 7, 8, 4};
  EXPECT_EQ(complete_error(l),
            "output shape 1x7x8x4 does not match 1x8x8x4 implied by the input, kernel, stride and padding");
}

TEST(LayerCheckTest, RejectsMismatchedChannelCounts) {
  Layer l = testing::conv_layer();
  l.inputs[0].shape = {1, 8, 8, 10};
  EXPECT_EQ(complete_error(l), "input channels 10 not a multiple of weights input channels 3");
  l = testing::conv_layer();
  l.outputs[0].shape = {1, 8, 8, 5};
  EXPECT_EQ(complete_error(l),
            "output shape 1x8x8x5 does not match 1x8x8x4 implied by the input, kernel, stride and padding");
  l = testing::depthwise_layer();
  l.inputs[0].shape = {1, 5, 5, 3};
  EXPECT_EQ(complete_error(l), "weights output channels 4 not a multiple of input channels 3");
  l = testing::conv_layer();
  l.bias->shape = {5};
  l.bias->quant.reset();
  EXPECT_EQ(complete_error(l), "bias has 5 elements for 4 output channels");
}

TEST(LayerCheckTest, RejectsBadOptions) {
  Layer l = testing::conv_layer();
  l.options.stride_w = 0;
  EXPECT_EQ(complete_error(l), "stride 1x0 below 1");
  l = testing::conv_layer();
  l.options.dilation_h = -2;
  EXPECT_EQ(complete_error(l), "dilation -2x1 below 1");
  Layer pool;
  pool.op = OpKind::kMaxPool2d;
  pool.inputs = {tensor({1, 4, 4, 2})};
  pool.outputs = {tensor({1, 2, 2, 2})};
  EXPECT_EQ(complete_error(pool), "pool size 0x0 below 1");
}

TEST(LayerCheckTest, RejectsFullyConnectedDepthMismatch) {
  Layer l = testing::fully_connected_layer();
  l.inputs[0].shape = {2, 11};
  EXPECT_EQ(complete_error(l), "input shape 2x11 has 22 elements, expected 2 batches x depth 10 = 20");
}

TEST(LayerCheckTest, RejectsShapesThatDoNotBroadcast) {
  Layer add;
  add.op = OpKind::kAdd;
  add.inputs = {tensor({1, 4, 4, 3}), tensor({1, 4, 4, 2})};
  add.outputs = {tensor({1, 4, 4, 3})};
  EXPECT_EQ(complete_error(add), "input shapes 1x4x4x3 and 1x4x4x2 do not broadcast");
  add.inputs[1].shape = {3};  // broadcasts along the last axis
  EXPECT_EQ(complete_error(add), "");
}

TEST(LayerCheckTest, RejectsBadQuantization) {
  Layer l = testing::conv_layer();
  l.weights->quant->scales = {0.1f, 0.2f, 0.3f};
  l.weights->quant->zero_points = {0, 0, 0};
  EXPECT_EQ(complete_error(l), "weights: 3 scales for quantized dimension 0 of size 4");
  l = testing::conv_layer();
  l.inputs[0].quant->zero_points = {-129};
  EXPECT_EQ(complete_error(l), "input 0: zero point -129 outside the int8 range [-128, 127]");
  l = testing::conv_layer();
  l.inputs[0].quant->zero_points = {0, 0};
  EXPECT_EQ(complete_error(l), "input 0: 1 scales but 2 zero points");
  l = testing::conv_layer();
  l.weights->quant->quantized_dimension = 3;
  l.weights->quant->scales = {0.1f, 0.2f, 0.3f};
  l.weights->quant->zero_points = {};
  EXPECT_EQ(complete_error(l), "weights quantized along dimension 3, CONV_2D needs 0");
}

// Scale 0 makes every requantization multiplier 0 or infinite: refused when the layer is read (so
// inspect refuses what tune would), for activations and weights; an op pietune does not model and
// a bias (whose scale nothing reads) keep theirs.
TEST(LayerCheckTest, RejectsScaleZeroOnActivationsAndWeights) {
  Layer l = testing::conv_layer();
  l.outputs[0].quant->scales = {0.0f};
  l.options.activation.kind = ActivationKind::kNone;  // no clamp computed from the scale
  EXPECT_EQ(complete_error(l), "output 0: scale 0 is not a positive number");
  l = testing::conv_layer();
  l.inputs[0].quant->scales = {0.0f};
  EXPECT_EQ(complete_error(l), "input 0: scale 0 is not a positive number");
  l = testing::conv_layer();
  l.weights->quant->scales.back() = 0.0f;
  EXPECT_EQ(complete_error(l), "weights: scale 0 is not a positive number");
  l = testing::conv_layer();
  l.op = OpKind::kUnsupported;
  l.inputs[0].quant->scales = {0.0f};
  EXPECT_EQ(complete_error(l), "");
}

TEST(LayerCheckTest, RejectsWrongTensorCounts) {
  Layer l = testing::conv_layer();
  l.weights.reset();
  EXPECT_EQ(complete_error(l), "no weights: CONV_2D needs them");
  Layer add;
  add.op = OpKind::kAdd;
  add.inputs = {tensor({4})};
  add.outputs = {tensor({4})};
  EXPECT_EQ(complete_error(add), "1 inputs, ADD takes 2");
}

TEST(LayerCheckTest, UnsupportedOpsOnlyNeedSaneTensors) {
  Layer l;
  l.op = OpKind::kUnsupported;
  l.op_name = "SVDF";
  l.inputs = {tensor({1, 96}), tensor({0})};  // empty tensors are allowed here
  l.outputs = {tensor({1, 64})};
  EXPECT_EQ(complete_error(l), "");
  l.inputs[1].shape = {-1};
  EXPECT_EQ(complete_error(l), "input 1: shape -1: dimension 0 is -1");
}

TEST(LayerCheckTest, CheckLayerFindsTamperedDerivedOptions) {
  Layer l = completed(testing::conv_layer());
  EXPECT_NO_THROW(check_layer(l));
  l.options.pads.bottom = 0;
  try {
    check_layer(l);
    FAIL() << "tampered pads accepted";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "pads 1,0,1,1 do not match 1,1,1,1 derived from SAME padding");
  }
}

}  // namespace
}  // namespace pietune::kernels
