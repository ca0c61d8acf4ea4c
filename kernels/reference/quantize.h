// Reference QUANTIZE as TFLM's quantize_common.cc (EvalQuantizeReference):
//   float32 -> int8 / int16: AffineQuantize, q = (int32) round(x / scale) + zero_point in float
//     (x / float(scale), rounding half away from zero), clamped to the output type;
//   int8 / int16 / int32 -> int8 / int16 / int32 (the pairs TFLM prepares: int8->int8, int8->int16,
//     int8->int32, int16->int8, int16->int16, int16->int32, int32->int8, int32->int16): Requantize,
//     q = clamp(MBQM(x - input_zp, QuantizeMultiplier(double(s_in) / double(s_out))) + output_zp).
#pragma once

#include "kernels/layer.h"
#include "kernels/reference/requantize.h"
#include "kernels/reference/tensor.h"

namespace pietune::kernels::reference {

// Throws InputError (with the layer label) for another type pair, per-channel or missing output
// quantization, and a non-positive scale.
Tensor quantize(const Layer& layer, const Tensor& input, RoundingMode rounding = RoundingMode::kDouble);

}  // namespace pietune::kernels::reference
