// Per-output-channel requantization parameters of the weighted ops and the int32 -> int8 step.
#include "kernels/reference/channel_quantization.h"

#include <algorithm>

#include <fmt/format.h>

#include "kernels/reference/layer_tensors.h"
#include "model/support/error.h"

namespace pietune::kernels::reference {
namespace {

std::int64_t output_channels(const Layer& layer) {
  const TensorDesc& w = *layer.weights;
  switch (layer.op) {
    case OpKind::kConv2d:
    case OpKind::kFullyConnected: return w.shape.empty() ? 0 : w.shape.front();
    case OpKind::kDepthwiseConv2d: return w.shape.size() == 4 ? w.shape[3] : 0;
    default: break;
  }
  PIETUNE_CHECK(false) << "channel_quantization for " << to_string(layer.op);
  return 0;
}

}  // namespace

std::int8_t ChannelQuantization::requantize(std::int32_t accumulator, std::size_t channel) const {
  PIETUNE_CHECK(channel < multipliers.size()) << "channel " << channel << " of " << multipliers.size();
  const std::int32_t scaled = multiply_by_quantized_multiplier(accumulator, multipliers[channel], rounding);
  const std::int64_t shifted = std::int64_t{scaled} + output_offset;
  return static_cast<std::int8_t>(std::clamp<std::int64_t>(shifted, act_min, act_max));
}

ChannelQuantization channel_quantization(const Layer& layer, RoundingMode rounding) {
  PIETUNE_CHECK(layer.weights.has_value() && !layer.inputs.empty() && layer.outputs.size() == 1)
      << layer_label(layer) << ": channel_quantization needs weights, an input and an output";
  return with_layer_context(layer, [&] {
    expect_type(layer.input(), ElementType::kInt8, "input 0");
    expect_type(layer.output(), ElementType::kInt8, "output 0");
    const TensorQuant in = activation_quant(layer.input(), "input 0");
    const TensorQuant out = activation_quant(layer.output(), "output 0");
    const std::vector<float> filter_scales = weight_scales(*layer.weights);
    const std::int64_t channels = output_channels(layer);
    if (filter_scales.size() != 1 && static_cast<std::int64_t>(filter_scales.size()) != channels) {
      throw InputError(
          fmt::format("weights: {} scales for {} output channels", filter_scales.size(), channels));
    }

    ChannelQuantization q;
    q.input_offset = -in.zero_point;
    q.output_offset = out.zero_point;
    q.act_min = layer.options.activation.min;
    q.act_max = layer.options.activation.max;
    q.rounding = rounding;
    if (layer.op == OpKind::kFullyConnected && filter_scales.size() == 1) {
      q.weights_offset = -static_cast<std::int32_t>(layer.weights->quant->zero_point());
      const QuantizedMultiplier m =
          fully_connected_per_tensor_multiplier(in.scale, filter_scales.front(), out.scale, rounding);
      q.multipliers.assign(static_cast<std::size_t>(channels), m);
    } else {
      q.multipliers = per_channel_multipliers(in.scale, filter_scales, out.scale, channels, rounding);
    }
    return q;
  });
}

Tensor requantize_accumulators(const Tensor& accumulators, const ChannelQuantization& q) {
  const Shape& shape = accumulators.shape();
  PIETUNE_CHECK(!shape.empty() && static_cast<std::size_t>(shape.back()) == q.multipliers.size())
      << "accumulators " << shape_to_string(shape) << " for " << q.multipliers.size() << " channels";
  const std::span<const std::int32_t> acc = accumulators.int32();
  std::vector<std::int8_t> out(acc.size());
  const auto channels = static_cast<std::size_t>(shape.back());
  for (std::size_t i = 0; i < acc.size(); ++i) out[i] = q.requantize(acc[i], i % channels);
  return Tensor::from_int8(shape, std::move(out));
}

}  // namespace pietune::kernels::reference
