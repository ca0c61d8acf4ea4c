// Small hand-built layers shared by the kernels tests (shapes chosen so figures are easy by hand).
#pragma once

#include <optional>
#include <vector>

#include "kernels/layer.h"
#include "kernels/layer_check.h"

namespace pietune::kernels::testing {

inline TensorDesc tensor(std::vector<std::int32_t> shape, ElementType type = ElementType::kInt8,
                         std::optional<Quantization> quant = std::nullopt, bool constant = false) {
  TensorDesc t;
  t.shape = std::move(shape);
  t.type = type;
  t.quant = std::move(quant);
  t.constant = constant;
  return t;
}

inline Quantization per_tensor(float scale, std::int64_t zero_point) {
  return Quantization{{scale}, {zero_point}, 0};
}

inline Quantization per_channel(std::vector<float> scales, int dimension) {
  return Quantization{scales, std::vector<std::int64_t>(scales.size(), 0), dimension};
}

// 1x8x8x3 int8 -> CONV_2D 3x3 stride 1 SAME, 4 filters per-channel, int32 bias -> 1x8x8x4, RELU6.
inline Layer conv_layer() {
  Layer l;
  l.op = OpKind::kConv2d;
  l.op_name = "CONV_2D";
  l.inputs = {tensor({1, 8, 8, 3}, ElementType::kInt8, per_tensor(0.5f, -128))};
  l.weights = tensor({4, 3, 3, 3}, ElementType::kInt8, per_channel({0.1f, 0.2f, 0.3f, 0.4f}, 0), true);
  l.bias = tensor({4}, ElementType::kInt32, per_channel({0.05f, 0.1f, 0.15f, 0.2f}, 0), true);
  l.outputs = {tensor({1, 8, 8, 4}, ElementType::kInt8, per_tensor(0.05f, -10))};
  l.options.padding = Padding::kSame;
  l.options.activation.kind = ActivationKind::kRelu6;
  return l;
}

// 1x5x5x2 -> DEPTHWISE_CONV_2D 3x3 stride 1 VALID, depth multiplier 2 -> 1x3x3x4.
inline Layer depthwise_layer() {
  Layer l;
  l.op = OpKind::kDepthwiseConv2d;
  l.op_name = "DEPTHWISE_CONV_2D";
  l.inputs = {tensor({1, 5, 5, 2}, ElementType::kInt8, per_tensor(0.5f, 0))};
  l.weights = tensor({1, 3, 3, 4}, ElementType::kInt8, per_channel({0.1f, 0.1f, 0.2f, 0.2f}, 3), true);
  l.outputs = {tensor({1, 3, 3, 4}, ElementType::kInt8, per_tensor(0.25f, 0))};
  l.options.padding = Padding::kValid;
  return l;
}

// [2, 10] x [3, 10]^T -> [2, 3] FULLY_CONNECTED, per-tensor.
inline Layer fully_connected_layer() {
  Layer l;
  l.op = OpKind::kFullyConnected;
  l.op_name = "FULLY_CONNECTED";
  l.inputs = {tensor({2, 10}, ElementType::kInt8, per_tensor(0.5f, 1))};
  l.weights = tensor({3, 10}, ElementType::kInt8, per_tensor(0.01f, 0), true);
  l.bias = tensor({3}, ElementType::kInt32, per_tensor(0.005f, 0), true);
  l.outputs = {tensor({2, 3}, ElementType::kInt8, per_tensor(0.1f, 0))};
  return l;
}

// complete_layer applied, for tests that need the derived options.
inline Layer completed(Layer l) {
  complete_layer(l);
  return l;
}

}  // namespace pietune::kernels::testing
