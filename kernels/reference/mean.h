// Reference MEAN, int8 / int16, as TFLM's reduce_common.cc EvalIntegerMean (the version with the
// equal-quantization shortcut; tensorflow/tflite-micro 5774466) over reference_ops reduce.h:
//   input and output with equal scale and zero point: out = sum / n with the raw values summed
//     in int32 and C truncating division (no rounding, no clamp);
//   otherwise (QuantizedMeanOrSum): (m, s) = QuantizeMultiplier(double(s_in) / double(s_out));
//     k = min(floor(log2(n)), 32, 31 + s); m' = (int64(m) << k) / n; s' = s - k;
//     out = clamp(MBQM(sum - input_zp * n, m', s') + output_zp) to the output type,
// where n is the number of reduced elements per output and sum the raw values' int32 sum.
#pragma once

#include "kernels/layer.h"
#include "kernels/reference/requantize.h"
#include "kernels/reference/tensor.h"

namespace pietune::kernels::reference {

// Reduces over layer.options.axes (normalised by the reader). Throws InputError (with the layer
// label) for types other than int8 / int16 (input and output alike), missing quantization, and a
// layer whose axes are unknown (a non-constant axis tensor).
Tensor mean(const Layer& layer, const Tensor& input, RoundingMode rounding = RoundingMode::kDouble);

}  // namespace pietune::kernels::reference
