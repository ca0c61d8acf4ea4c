// Builds small .tflite flatbuffers with the schema subset's builder API, for reader tests that
// need a model with one specific defect (an index out of range, a missing options table, ...).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tuner/tflite/tflite_subset_generated.h"

namespace pietune::tuner::testing {

struct TensorSpec {
  std::vector<std::int32_t> shape;
  tflite::TensorType type = tflite::TensorType::INT8;
  std::uint32_t buffer = 0;
  std::vector<float> scales;
  std::vector<std::int64_t> zero_points;
  std::int32_t quantized_dimension = 0;
  std::string name;
};

struct OpCodeSpec {
  std::int32_t builtin_code = 0;
  std::int8_t deprecated_builtin_code = 0;
  std::string custom_code;
};

// Options of the operator; kind NONE = no options table.
struct OptionsSpec {
  tflite::BuiltinOptions kind = tflite::BuiltinOptions::NONE;
  tflite::Padding padding = tflite::Padding::SAME;
  std::int32_t stride_h = 1, stride_w = 1;
  std::int32_t dilation_h = 1, dilation_w = 1;
  std::int32_t depth_multiplier = 1;
  std::int32_t filter_h = 1, filter_w = 1;
  tflite::ActivationFunctionType activation = tflite::ActivationFunctionType::NONE;
};

struct OperatorSpec {
  std::uint32_t opcode_index = 0;
  std::vector<std::int32_t> inputs;
  std::vector<std::int32_t> outputs;
  OptionsSpec options;
};

struct ModelSpec {
  std::vector<OpCodeSpec> op_codes;
  std::vector<TensorSpec> tensors;
  std::vector<std::vector<std::uint8_t>> buffers;  // buffers[0] should stay empty
  std::vector<OperatorSpec> operators;
  std::vector<std::int32_t> inputs, outputs;
};

std::vector<std::uint8_t> build_model(const ModelSpec& spec);

// A valid one-operator model: input 1x8x8x3 int8 -> CONV_2D 3x3 stride 1 SAME RELU with 4
// per-channel filters (buffer 1) and an int32 bias (buffer 2) -> output 1x8x8x4 int8.
// Tensors: 0 input, 1 weights, 2 bias, 3 output.
ModelSpec conv_model();

// conv_model behind a TRANSPOSE, as a PyTorch export starts: input 1x3x8x8 int8 (NCHW) ->
// TRANSPOSE perm [0, 2, 3, 1] (constant int32 tensor) -> 1x8x8x3 -> the same CONV_2D -> 1x8x8x4.
// Tensors: 0 input, 1 weights, 2 bias, 3 output, 4 NCHW input, 5 perm.
ModelSpec nchw_input_conv_model();

}  // namespace pietune::tuner::testing
