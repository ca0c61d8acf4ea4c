// Reference MUL: product of the offset operands, requantized once.
#include "kernels/reference/mul.h"

#include <algorithm>

#include "kernels/layer_check.h"
#include "kernels/reference/broadcast.h"
#include "kernels/reference/layer_tensors.h"

namespace pietune::kernels::reference {

std::int8_t MulParams::apply(std::int8_t x1, std::int8_t x2) const {
  const std::int32_t product = (std::int32_t{x1} + input1_offset) * (std::int32_t{x2} + input2_offset);
  const std::int32_t scaled = multiply_by_quantized_multiplier(product, output_multiplier, rounding);
  const std::int64_t shifted = std::int64_t{scaled} + output_offset;
  return static_cast<std::int8_t>(std::clamp<std::int64_t>(shifted, act_min, act_max));
}

MulParams mul_params(const Layer& layer, RoundingMode rounding) {
  PIETUNE_CHECK(layer.inputs.size() == 2 && layer.outputs.size() == 1)
      << layer_label(layer) << " is no binary op";
  return with_layer_context(layer, [&] {
    expect_type(layer.inputs[0], ElementType::kInt8, "input 0");
    expect_type(layer.inputs[1], ElementType::kInt8, "input 1");
    expect_type(layer.output(), ElementType::kInt8, "output 0");
    const TensorQuant in1 = activation_quant(layer.inputs[0], "input 0");
    const TensorQuant in2 = activation_quant(layer.inputs[1], "input 1");
    const TensorQuant out = activation_quant(layer.output(), "output 0");

    MulParams p;
    p.input1_offset = -in1.zero_point;
    p.input2_offset = -in2.zero_point;
    p.output_offset = out.zero_point;
    p.act_min = layer.options.activation.min;
    p.act_max = layer.options.activation.max;
    p.rounding = rounding;
    const double real =
        static_cast<double>(in1.scale) * static_cast<double>(in2.scale) / static_cast<double>(out.scale);
    p.output_multiplier = quantize_multiplier(real, rounding);
    return p;
  });
}

Tensor mul(const Layer& layer, const Tensor& a, const Tensor& b, RoundingMode rounding) {
  with_layer_context(layer, [&] { check_layer(layer); });
  const MulParams p = mul_params(layer, rounding);
  return with_layer_context(layer, [&] {
    check_runtime_tensor(layer.inputs[0], a, "input 0");
    check_runtime_tensor(layer.inputs[1], b, "input 1");
    const BroadcastWalk walk(a.shape(), b.shape());
    const std::span<const std::int8_t> x1 = a.int8();
    const std::span<const std::int8_t> x2 = b.int8();
    std::vector<std::int8_t> out(static_cast<std::size_t>(shape_element_count(walk.output_shape())));
    walk.for_each([&](std::int64_t o, std::int64_t i1, std::int64_t i2) {
      out[static_cast<std::size_t>(o)] =
          p.apply(x1[static_cast<std::size_t>(i1)], x2[static_cast<std::size_t>(i2)]);
    });
    return Tensor::from_int8(layer.output().shape, std::move(out));
  });
}

}  // namespace pietune::kernels::reference
