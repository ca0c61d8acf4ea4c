// Reference SOFTMAX, int8 in and int8 out, as TFLM's reference_ops::Softmax<int8_t, int8_t> with
// the parameters of TFLM's softmax_common.cc (CalculateSoftmaxParams).
//
// What was followed (tensorflow/tflite-micro kernels/softmax.cc, softmax_common.cc,
// internal/reference/softmax.h, quantization_util.cc PreprocessSoftmaxScaling and
// CalculateInputRadius, common.h GetReciprocal, and gemmlowp fixedpoint.h; read, not copied):
//   Prepare: output zero point must be -128 and scale exactly 1/256.
//     real = min(double(beta) * double(input_scale) * 2^26, max) with max = 2^31 - 1 (double
//     rounding) or 2^30 - 1 (single rounding); (input_multiplier, input_left_shift) =
//     QuantizeMultiplierGreaterThanOne(real) (real must exceed 1, the shift is >= 0);
//     diff_min = -floor((2^5 - 1) * 2^26 / 2^input_left_shift).
//   Per row (the last dimension), with max the row maximum and diff = x - max:
//     taps with diff < diff_min contribute nothing and output -128;
//     e = exp_on_negative_values(MBQM(diff, input_multiplier, input_left_shift)) with the
//       rescaled diff read with 5 integer bits (Q5.26), e with 0 integer bits;
//     sum = sum of e rescaled to 12 integer bits (rounding shift right by 12), wrapping;
//     (s, bits) = GetReciprocal(sum, 12); exponent = bits + 31 - 8 (must lie in [0, 31]);
//     out = clamp(RoundingDivideByPOT(SRDHM(s, e), exponent) - 128, -128, 127).
#pragma once

#include <cstdint>

#include "kernels/layer.h"
#include "kernels/reference/requantize.h"
#include "kernels/reference/tensor.h"

namespace pietune::kernels::reference {

struct SoftmaxParams {
  QuantizedMultiplier input_multiplier;  // input_beta multiplier; shift = input_left_shift >= 0
  std::int32_t diff_min = 0;             // <= 0; smaller differences give exactly -128
  RoundingMode rounding = RoundingMode::kDouble;
};

// Throws InputError (with the layer label) for non-int8 tensors, an output quantization other
// than (1/256, -128), and a beta * input scale too small for QuantizeMultiplierGreaterThanOne.
SoftmaxParams softmax_params(const Layer& layer, RoundingMode rounding = RoundingMode::kDouble);

// Throws InputError when a row is too long for the int8 output exponent (exponent above 31).
Tensor softmax(const Layer& layer, const Tensor& input, RoundingMode rounding = RoundingMode::kDouble);

}  // namespace pietune::kernels::reference
