// layer_test: Layer's derived figures (MACs, bytes) and the enum names, checked against hand counts.
#include "kernels/layer.h"

#include <limits>

#include <gtest/gtest.h>

#include "layer_builders.h"

namespace pietune::kernels {
namespace {

using testing::completed;
using testing::tensor;

TEST(LayerTest, ConvFigures) {
  const Layer l = completed(testing::conv_layer());
  // 8 x 8 x 4 outputs, each 3 x 3 x 3 taps.
  EXPECT_EQ(l.macs(), 8 * 8 * 4 * 27);
  // weights 4x3x3x3 int8 = 108 bytes, bias 4 int32 = 16 bytes.
  EXPECT_EQ(l.weight_bytes(), 108 + 16);
  // input 1x8x8x3 + output 1x8x8x4 int8.
  EXPECT_EQ(l.activation_bytes(), 192 + 256);
}

TEST(LayerTest, GroupedConvCountsOnlyTheGroupChannels) {
  Layer l = testing::conv_layer();
  l.inputs[0].shape = {1, 4, 4, 8};
  l.weights = tensor({8, 1, 1, 2}, ElementType::kInt8, std::nullopt, true);  // 4 groups of 2
  l.bias.reset();
  l.outputs[0].shape = {1, 4, 4, 8};
  l = completed(l);
  EXPECT_EQ(l.options.groups, 4);
  EXPECT_EQ(l.macs(), 4 * 4 * 8 * 2);
}

TEST(LayerTest, DepthwiseFigures) {
  const Layer l = completed(testing::depthwise_layer());
  EXPECT_EQ(l.macs(), 3 * 3 * 4 * 9);  // every output channel sees one input channel
  EXPECT_EQ(l.weight_bytes(), 36);
  EXPECT_EQ(l.activation_bytes(), 50 + 36);
}

TEST(LayerTest, FullyConnectedFigures) {
  const Layer l = completed(testing::fully_connected_layer());
  EXPECT_EQ(l.macs(), 2 * 3 * 10);
  EXPECT_EQ(l.weight_bytes(), 30 + 12);
  EXPECT_EQ(l.activation_bytes(), 20 + 6);
}

TEST(LayerTest, ElementwiseAndGlueOpsHaveNoMacs) {
  Layer add;
  add.op = OpKind::kAdd;
  add.inputs = {tensor({1, 4, 4, 2}), tensor({1, 4, 4, 2}, ElementType::kInt8, std::nullopt, true)};
  add.outputs = {tensor({1, 4, 4, 2})};
  EXPECT_EQ(add.macs(), 0);
  EXPECT_EQ(add.weight_bytes(), 32);      // the constant operand
  EXPECT_EQ(add.activation_bytes(), 64);  // the other input and the output
}

TEST(LayerTest, TensorSizes) {
  EXPECT_EQ(tensor({}).element_count(), 1);  // scalar
  EXPECT_EQ(tensor({2, 3, 4}).element_count(), 24);
  EXPECT_EQ(tensor({2, 3}, ElementType::kInt16).size_bytes(), 12);
  EXPECT_EQ(tensor({5}, ElementType::kInt4).size_bytes(), 3);  // two per byte, rounded up
  EXPECT_EQ(tensor({5}, ElementType::kInt64).size_bytes(), 40);
  EXPECT_EQ(tensor({5}, ElementType::kFloat16).size_bytes(), 10);
  EXPECT_EQ(tensor({5}, ElementType::kOther).size_bytes(), 0);
  const std::int32_t big = std::numeric_limits<std::int32_t>::max();
  EXPECT_EQ(tensor({big, big, big}).element_count(), std::numeric_limits<std::int64_t>::max());
}

TEST(LayerTest, EnumNamesRoundTrip) {
  for (OpKind op : {OpKind::kConv2d, OpKind::kDepthwiseConv2d, OpKind::kFullyConnected, OpKind::kAdd,
                    OpKind::kMul, OpKind::kAveragePool2d, OpKind::kMaxPool2d, OpKind::kReshape,
                    OpKind::kSoftmax, OpKind::kQuantize, OpKind::kDequantize, OpKind::kPad,
                    OpKind::kMean, OpKind::kConcatenation, OpKind::kUnsupported}) {
    EXPECT_EQ(op_kind_from_string(to_string(op)), op) << to_string(op);
  }
  for (ElementType t : {ElementType::kInt8, ElementType::kUint8, ElementType::kInt16, ElementType::kInt32,
                        ElementType::kInt64, ElementType::kFloat32, ElementType::kBool,
                        ElementType::kOther, ElementType::kInt4, ElementType::kFloat16}) {
    EXPECT_EQ(element_type_from_string(to_string(t)), t) << to_string(t);
  }
  for (ActivationKind k : {ActivationKind::kNone, ActivationKind::kRelu, ActivationKind::kReluN1To1,
                           ActivationKind::kRelu6, ActivationKind::kTanh, ActivationKind::kSignBit}) {
    EXPECT_EQ(activation_kind_from_string(to_string(k)), k) << to_string(k);
  }
  EXPECT_STREQ(to_string(OpKind::kDepthwiseConv2d), "DEPTHWISE_CONV_2D");
  EXPECT_STREQ(to_string(Padding::kSame), "SAME");
  EXPECT_STREQ(to_string(ActivationKind::kReluN1To1), "RELU_N1_TO_1");
  EXPECT_FALSE(op_kind_from_string("conv_2d"));  // exact match only
  EXPECT_FALSE(padding_from_string("same"));
}

TEST(LayerTest, ShapeToString) {
  EXPECT_EQ(shape_to_string({1, 96, 96, 1}), "1x96x96x1");
  EXPECT_EQ(shape_to_string({}), "scalar");
}

}  // namespace
}  // namespace pietune::kernels
