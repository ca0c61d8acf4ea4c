// Reads a .tflite flatbuffer into a kernels::Model: every operator of the main subgraph as a Layer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "kernels/layer.h"

namespace pietune::tuner {

// The largest model read: flatbuffers offsets are 32-bit and its verifier asserts the size is below
// 2^31 - 1, so models of 2 GiB and more are refused (by size, before reading, in load_model).
inline constexpr std::size_t kMaxModelBytes = 2147483646;

// True when bytes 4..7 are the .tflite file identifier "TFL3".
bool has_tflite_identifier(std::span<const std::uint8_t> bytes);

// Verifies the buffer with the flatbuffers verifier of the schema subset (tflite_subset.fbs), then
// checks every index and size it uses (operator code, tensor and buffer indices, constant data
// length against shape and type, scale / zero point counts) and converts each operator of
// subgraph 0 to a Layer in execution order:
//   CONV_2D: groups = input channels / weights input channels, kernel from the weights;
//   DEPTHWISE_CONV_2D: depth multiplier = output / input channels, must equal the option;
//   CONV, DEPTHWISE, pools: pads from padding.h; missing options are an error;
//   fused activation: clamp bounds from the output quantization (activation.h);
//   op code = max(builtin_code, deprecated_builtin_code);
//   ops pietune does not model (SVDF, UNIDIRECTIONAL_SEQUENCE_LSTM, CUSTOM, ...): OpKind::kUnsupported
//   with op_name and every present input and output tensor.
// Constant tensors get their bytes in TensorDesc::data. Other subgraphs (bodies of WHILE/IF) are
// not read. Throws pietune::InputError "<file_name>: <where>: <what>: <value>", e.g.
// "person_detect.tflite: tensor 12: buffer index 40 out of range (31 buffers)".
kernels::Model read_tflite(std::span<const std::uint8_t> bytes, std::string_view file_name);

}  // namespace pietune::tuner
