// Reference ADD, int8 (TFLM reference_integer_ops::Add / BroadcastAdd6DSlow; tflite_semantics.md
// §2.4), NumPy broadcasting up to 6-D (broadcast.h).
#pragma once

#include <cstdint>

#include "kernels/layer.h"
#include "kernels/reference/requantize.h"
#include "kernels/reference/tensor.h"

namespace pietune::kernels::reference {

// What TFLM's add_common.cc prepares for int8 (left_shift 20):
//   twice_max = 2 * double(max(s1, s2)); real_i = double(s_i) / twice_max;
//   real_out = twice_max / (2^20 * double(s_out)); each through QuantizeMultiplierSmallerThanOneExp.
struct AddParams {
  std::int32_t input1_offset = 0;  // -zero point of input 0
  std::int32_t input2_offset = 0;  // -zero point of input 1
  std::int32_t output_offset = 0;  // +output zero point
  int left_shift = 20;
  QuantizedMultiplier input1_multiplier;
  QuantizedMultiplier input2_multiplier;
  QuantizedMultiplier output_multiplier;
  std::int32_t act_min = -128;
  std::int32_t act_max = 127;
  RoundingMode rounding = RoundingMode::kDouble;

  // One output element: clamp(MBQM(MBQM((x1 + o1) << 20, m1) + MBQM((x2 + o2) << 20, m2), m_out)
  //                           + output_offset).
  std::int8_t apply(std::int8_t x1, std::int8_t x2) const;
};

// Throws InputError (with the layer label) for types other than int8, missing or non-positive
// scales, and an output multiplier that is not below 1 (TFLM refuses such a layer).
AddParams add_params(const Layer& layer, RoundingMode rounding = RoundingMode::kDouble);

// `a` and `b` are the layer's inputs 0 and 1 (shapes and types checked).
Tensor add(const Layer& layer, const Tensor& a, const Tensor& b,
           RoundingMode rounding = RoundingMode::kDouble);

}  // namespace pietune::kernels::reference
