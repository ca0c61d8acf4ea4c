// Reference CONV_2D, int8 (TFLM reference_integer_ops::ConvPerChannel; tflite_semantics.md §2.1):
// groups, dilation, stride, SAME/VALID (only top/left pads are applied; taps outside the image
// are skipped, so the extra bottom/right SAME row or column reads as the input zero point).
#pragma once

#include "kernels/layer.h"
#include "kernels/reference/requantize.h"
#include "kernels/reference/tensor.h"

namespace pietune::kernels::reference {

// The int32 accumulators, shaped like the output:
//   acc[b, oy, ox, oc] = sum over in-image taps (ky, kx) and ic < Cin/groups of
//     weights[oc, ky, kx, ic] * (input[b, iy, ix, g * Cin_g + ic] - input_zero_point)  + bias[oc]
// with iy = oy * stride_h - pad_top + ky * dilation_h (ix likewise) and g = oc / (Cout / groups),
// wrapping in 32 bits as TFLM's int32 arithmetic does. Throws InputError (with the layer label)
// when `input` does not match the layer's input, or weights (int8) / bias (int32) lack data.
Tensor conv2d_accumulators(const Layer& layer, const Tensor& input);

// The int8 output: conv2d_accumulators requantized per output channel (channel_quantization.h).
Tensor conv2d(const Layer& layer, const Tensor& input, RoundingMode rounding = RoundingMode::kDouble);

}  // namespace pietune::kernels::reference
