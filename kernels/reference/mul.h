// Reference MUL, int8 (TFLM reference_integer_ops::Mul / BroadcastMul6DSlow; tflite_semantics.md
// §2.5), NumPy broadcasting up to 6-D (broadcast.h).
#pragma once

#include <cstdint>

#include "kernels/layer.h"
#include "kernels/reference/requantize.h"
#include "kernels/reference/tensor.h"

namespace pietune::kernels::reference {

// What TFLM's mul_common.cc prepares for int8: one multiplier from
// double(s1) * double(s2) / double(s_out) through QuantizeMultiplier (the shift may be positive).
struct MulParams {
  std::int32_t input1_offset = 0;  // -zero point of input 0
  std::int32_t input2_offset = 0;  // -zero point of input 1
  std::int32_t output_offset = 0;  // +output zero point
  QuantizedMultiplier output_multiplier;
  std::int32_t act_min = -128;
  std::int32_t act_max = 127;
  RoundingMode rounding = RoundingMode::kDouble;

  // One output element: clamp(MBQM((x1 + o1) * (x2 + o2), m) + output_offset).
  std::int8_t apply(std::int8_t x1, std::int8_t x2) const;
};

// Throws InputError (with the layer label) for types other than int8 and missing or non-positive
// scales.
MulParams mul_params(const Layer& layer, RoundingMode rounding = RoundingMode::kDouble);

// `a` and `b` are the layer's inputs 0 and 1 (shapes and types checked).
Tensor mul(const Layer& layer, const Tensor& a, const Tensor& b,
           RoundingMode rounding = RoundingMode::kDouble);

}  // namespace pietune::kernels::reference
