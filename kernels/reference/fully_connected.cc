// Reference FULLY_CONNECTED: one dot product per (batch row, output unit).
#include "kernels/reference/fully_connected.h"

#include "kernels/layer_check.h"
#include "kernels/reference/channel_quantization.h"
#include "kernels/reference/layer_tensors.h"

namespace pietune::kernels::reference {

Tensor fully_connected_accumulators(const Layer& layer, const Tensor& input) {
  return with_layer_context(layer, [&] {
    check_layer(layer);
    check_runtime_tensor(layer.input(), input, "input 0");
    expect_type(layer.input(), ElementType::kInt8, "input 0");
    const std::int32_t input_offset = -activation_quant(layer.input(), "input 0").zero_point;
    const Tensor weights = weight_values(layer);
    const std::vector<float> scales = weight_scales(*layer.weights);
    const std::int32_t weights_offset =
        scales.size() == 1 ? -static_cast<std::int32_t>(layer.weights->quant->zero_point()) : 0;

    const int units = layer.weights->shape[0];
    const int depth = layer.weights->shape[1];
    const Shape& out_shape = layer.output().shape;
    const std::int64_t batches = shape_element_count(out_shape) / units;
    const std::vector<std::int32_t> bias = bias_values(layer, units);

    const std::span<const std::int8_t> x = input.int8();
    const std::span<const std::int8_t> w = weights.int8();
    std::vector<std::int32_t> acc_out;
    acc_out.reserve(static_cast<std::size_t>(batches * units));
    for (std::int64_t b = 0; b < batches; ++b) {
      const std::span<const std::int8_t> row = x.subspan(static_cast<std::size_t>(b * depth), depth);
      for (int u = 0; u < units; ++u) {
        const std::span<const std::int8_t> filter = w.subspan(static_cast<std::size_t>(u) * depth, depth);
        std::int64_t acc = 0;
        for (int d = 0; d < depth; ++d) {
          acc += (std::int64_t{filter[d]} + weights_offset) * (std::int64_t{row[d]} + input_offset);
        }
        acc_out.push_back(static_cast<std::int32_t>(static_cast<std::uint32_t>(acc + bias[u])));
      }
    }
    return Tensor::from_int32(out_shape, std::move(acc_out));
  });
}

Tensor fully_connected(const Layer& layer, const Tensor& input, RoundingMode rounding) {
  const Tensor acc = fully_connected_accumulators(layer, input);
  return requantize_accumulators(acc, channel_quantization(layer, rounding));
}

}  // namespace pietune::kernels::reference
