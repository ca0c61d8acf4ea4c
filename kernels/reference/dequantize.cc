// Reference DEQUANTIZE: affine int -> float32.
#include "kernels/reference/dequantize.h"

#include <fmt/format.h>

#include "kernels/layer_check.h"
#include "kernels/reference/layer_tensors.h"

namespace pietune::kernels::reference {

Tensor dequantize(const Layer& layer, const Tensor& input) {
  return with_layer_context(layer, [&] {
    check_layer(layer);
    check_runtime_tensor(layer.input(), input, "input 0");
    const ElementType in_type = layer.input().type;
    if ((in_type != ElementType::kInt8 && in_type != ElementType::kInt16) ||
        layer.output().type != ElementType::kFloat32) {
      throw InputError(
          fmt::format("{} to {} not supported", to_string(in_type), to_string(layer.output().type)));
    }
    const TensorQuant in = activation_quant(layer.input(), "input 0");
    std::vector<float> out(static_cast<std::size_t>(input.element_count()));
    for (std::size_t i = 0; i < out.size(); ++i) {
      const std::int32_t x = in_type == ElementType::kInt8 ? input.int8()[i] : input.int16()[i];
      out[i] = in.scale * static_cast<float>(x - in.zero_point);
    }
    return Tensor::from_float32(layer.output().shape, std::move(out));
  });
}

}  // namespace pietune::kernels::reference
