// TFLite builtin operator codes: their names and the OpKind pietune models them as.
#pragma once

#include <cstdint>
#include <string>

#include "kernels/layer.h"

namespace pietune::tuner {

// Values of tflite::BuiltinOperator that the reader treats specially.
enum class BuiltinOp : std::int32_t {
  kAdd = 0,
  kAveragePool2d = 1,
  kConcatenation = 2,
  kConv2d = 3,
  kDepthwiseConv2d = 4,
  kDequantize = 6,
  kFullyConnected = 9,
  kMaxPool2d = 17,
  kMul = 18,
  kReshape = 22,
  kSoftmax = 25,
  kCustom = 32,
  kPad = 34,
  kTranspose = 39,
  kMean = 40,
  kPadV2 = 60,
  kQuantize = 114,
};

// "CONV_2D", "SVDF", ...; "BUILTIN_<code>" for codes past the table (newer than SIGN = 158).
std::string builtin_op_name(std::int32_t code);

// The OpKind a builtin code is modelled as; kUnsupported for every code pietune does not model.
kernels::OpKind builtin_op_kind(std::int32_t code);

}  // namespace pietune::tuner
