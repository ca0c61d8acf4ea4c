// Reference QUANTIZE: float affine quantization or integer requantization to the output type.
#include "kernels/reference/quantize.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "kernels/activation.h"
#include "kernels/layer_check.h"
#include "kernels/reference/layer_tensors.h"

namespace pietune::kernels::reference {
namespace {

// Input values widened to int32 / float, whatever the stored type.
std::vector<std::int64_t> integer_values(const Tensor& t) {
  switch (t.type()) {
    case ElementType::kInt8: return {t.int8().begin(), t.int8().end()};
    case ElementType::kInt16: return {t.int16().begin(), t.int16().end()};
    default: return {t.int32().begin(), t.int32().end()};
  }
}

Tensor from_int32_values(ElementType type, const Shape& shape, const std::vector<std::int32_t>& q) {
  switch (type) {
    case ElementType::kInt8: return Tensor::from_int8(shape, {q.begin(), q.end()});
    case ElementType::kInt16: return Tensor::from_int16(shape, {q.begin(), q.end()});
    default: return Tensor::from_int32(shape, q);
  }
}

bool requantize_pair(ElementType in, ElementType out) {
  using T = ElementType;
  if (in == T::kInt8) return out == T::kInt8 || out == T::kInt16 || out == T::kInt32;
  if (in == T::kInt16) return out == T::kInt8 || out == T::kInt16 || out == T::kInt32;
  if (in == T::kInt32) return out == T::kInt8 || out == T::kInt16;
  return false;
}

}  // namespace

Tensor quantize(const Layer& layer, const Tensor& input, RoundingMode rounding) {
  return with_layer_context(layer, [&] {
    check_layer(layer);
    check_runtime_tensor(layer.input(), input, "input 0");
    const ElementType in_type = layer.input().type;
    const ElementType out_type = layer.output().type;
    const bool affine = in_type == ElementType::kFloat32 &&
                        (out_type == ElementType::kInt8 || out_type == ElementType::kInt16);
    if (!affine && !requantize_pair(in_type, out_type)) {
      throw InputError(fmt::format("{} to {} not supported", to_string(in_type), to_string(out_type)));
    }
    const TensorQuant out = activation_quant(layer.output(), "output 0");
    const QuantRange range = quantized_range(out_type);
    std::vector<std::int32_t> q(static_cast<std::size_t>(input.element_count()));

    if (affine) {
      for (std::size_t i = 0; i < q.size(); ++i) {
        if (std::isnan(input.float32()[i])) throw InputError(fmt::format("input 0: element {} is NaN", i));
        const float scaled = std::round(input.float32()[i] / out.scale);  // float division and round
        const double value = static_cast<double>(scaled) + out.zero_point;
        q[i] = static_cast<std::int32_t>(std::clamp<double>(value, range.min, range.max));
      }
      return from_int32_values(out_type, layer.output().shape, q);
    }

    const TensorQuant in = activation_quant(layer.input(), "input 0");
    const QuantizedMultiplier m =
        quantize_multiplier(static_cast<double>(in.scale) / static_cast<double>(out.scale), rounding);
    const std::vector<std::int64_t> values = integer_values(input);
    for (std::size_t i = 0; i < q.size(); ++i) {
      // x - input_zp in int32 as TFLM computes it (wrapping for int32 inputs near the limits).
      const auto centred = static_cast<std::int32_t>(static_cast<std::uint32_t>(values[i] - in.zero_point));
      const std::int64_t shifted =
          std::int64_t{multiply_by_quantized_multiplier(centred, m, rounding)} + out.zero_point;
      q[i] = static_cast<std::int32_t>(std::clamp<std::int64_t>(shifted, range.min, range.max));
    }
    return from_int32_values(out_type, layer.output().shape, q);
  });
}

}  // namespace pietune::kernels::reference
