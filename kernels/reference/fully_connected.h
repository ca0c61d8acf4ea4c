// Reference FULLY_CONNECTED, int8 (TFLM reference_integer_ops::FullyConnected and
// FullyConnectedPerChannel; tflite_semantics.md §2.3), weights [units, depth] in DEFAULT format.
#pragma once

#include "kernels/layer.h"
#include "kernels/reference/requantize.h"
#include "kernels/reference/tensor.h"

namespace pietune::kernels::reference {

// The int32 accumulators, shaped like the output (batches = output elements / units; the input is
// read as a flat [batches, depth] array whatever its shape):
//   acc[b, u] = sum over d of (weights[u, d] + weights_offset) * (input[b * depth + d] - input_zp)
//               + bias[u]
// where weights_offset = -weights zero point for per-tensor weights and 0 for per-channel weights
// (TFLM ignores the filter zero point there). Wraps in 32 bits. Errors as conv2d_accumulators.
Tensor fully_connected_accumulators(const Layer& layer, const Tensor& input);

// The int8 output: the accumulators requantized per output unit (channel_quantization.h; per-tensor
// weights use the float32-product multiplier).
Tensor fully_connected(const Layer& layer, const Tensor& input,
                       RoundingMode rounding = RoundingMode::kDouble);

}  // namespace pietune::kernels::reference
