// Output requantization of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED as TFLM prepares it
// (offsets, one multiplier per output channel, clamp), and the step from int32 accumulators to int8.
// A PIE kernel for such a layer must reproduce exactly these numbers to be bit-exact.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/layer.h"
#include "kernels/reference/requantize.h"
#include "kernels/reference/tensor.h"

namespace pietune::kernels::reference {

struct ChannelQuantization {
  std::int32_t input_offset = 0;    // -input zero point, added to every input value
  std::int32_t weights_offset = 0;  // -weights zero point: per-tensor FULLY_CONNECTED only, else 0
  std::int32_t output_offset = 0;   // +output zero point, added after the multiply
  std::vector<QuantizedMultiplier> multipliers;  // one per output channel
  std::int32_t act_min = -128;                   // fused activation clamp (Layer::options.activation)
  std::int32_t act_max = 127;
  RoundingMode rounding = RoundingMode::kDouble;

  // clamp(multiply_by_quantized_multiplier(accumulator, multipliers[channel]) + output_offset).
  std::int8_t requantize(std::int32_t accumulator, std::size_t channel) const;
};

// The parameters for a CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED layer (a bug for other ops).
// Multipliers: per_channel_multipliers for CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED with
// per-channel weights; fully_connected_per_tensor_multiplier (float32 product) for
// FULLY_CONNECTED with one weight scale. Throws InputError (with the layer's label) for missing
// or non-positive scales, a weight scale count that is neither 1 nor the output channel count, and
// input/output types other than int8.
ChannelQuantization channel_quantization(const Layer& layer, RoundingMode rounding);

// Requantizes int32 accumulators whose last dimension is the output channel into int8 of the same
// shape. The channel count must match q.multipliers (a bug otherwise).
Tensor requantize_accumulators(const Tensor& accumulators, const ChannelQuantization& q);

}  // namespace pietune::kernels::reference
