// Reference DEPTHWISE_CONV_2D, int8 (TFLM reference_integer_ops::DepthwiseConvPerChannel;
// tflite_semantics.md §2.2): depth multiplier, dilation, stride, SAME/VALID as conv2d.h.
#pragma once

#include "kernels/layer.h"
#include "kernels/reference/requantize.h"
#include "kernels/reference/tensor.h"

namespace pietune::kernels::reference {

// The int32 accumulators, shaped like the output [N, OH, OW, Cin * depth_multiplier]:
//   acc[b, oy, ox, ic * dm + m] = sum over in-image taps (ky, kx) of
//     weights[0, ky, kx, ic * dm + m] * (input[b, iy, ix, ic] - input_zero_point)  + bias[oc]
// (iy, ix as in conv2d.h), wrapping in 32 bits. Errors as conv2d_accumulators.
Tensor depthwise_conv2d_accumulators(const Layer& layer, const Tensor& input);

// The int8 output: the accumulators requantized per output channel (channel_quantization.h).
Tensor depthwise_conv2d(const Layer& layer, const Tensor& input,
                        RoundingMode rounding = RoundingMode::kDouble);

}  // namespace pietune::kernels::reference
