// Reference ADD: both operands rescaled to a common 2^20-scaled base, summed, requantized.
#include "kernels/reference/add.h"

#include <algorithm>

#include <fmt/format.h>

#include "kernels/layer_check.h"
#include "kernels/reference/broadcast.h"
#include "kernels/reference/layer_tensors.h"

namespace pietune::kernels::reference {
namespace {

// TFLM QuantizeMultiplierSmallerThanOneExp: 0 < real < 1 and a result shift <= 0.
QuantizedMultiplier smaller_than_one(double real, RoundingMode rounding, const char* what) {
  const QuantizedMultiplier m = quantize_multiplier(real, rounding);
  if (!(real > 0.0 && real < 1.0) || m.shift > 0) {
    throw InputError(fmt::format("{} multiplier {} not in (0, 1)", what, real));
  }
  return m;
}

}  // namespace

std::int8_t AddParams::apply(std::int8_t x1, std::int8_t x2) const {
  const std::int32_t shifted1 = (std::int32_t{x1} + input1_offset) * (1 << left_shift);
  const std::int32_t shifted2 = (std::int32_t{x2} + input2_offset) * (1 << left_shift);
  const std::int32_t scaled1 = multiply_by_quantized_multiplier(shifted1, input1_multiplier, rounding);
  const std::int32_t scaled2 = multiply_by_quantized_multiplier(shifted2, input2_multiplier, rounding);
  const std::int32_t sum = multiply_by_quantized_multiplier(scaled1 + scaled2, output_multiplier, rounding);
  return static_cast<std::int8_t>(std::clamp(sum + output_offset, act_min, act_max));
}

AddParams add_params(const Layer& layer, RoundingMode rounding) {
  PIETUNE_CHECK(layer.inputs.size() == 2 && layer.outputs.size() == 1)
      << layer_label(layer) << " is no binary op";
  return with_layer_context(layer, [&] {
    expect_type(layer.inputs[0], ElementType::kInt8, "input 0");
    expect_type(layer.inputs.at(1), ElementType::kInt8, "input 1");
    expect_type(layer.output(), ElementType::kInt8, "output 0");
    const TensorQuant in1 = activation_quant(layer.inputs[0], "input 0");
    const TensorQuant in2 = activation_quant(layer.inputs[1], "input 1");
    const TensorQuant out = activation_quant(layer.output(), "output 0");

    AddParams p;
    p.input1_offset = -in1.zero_point;
    p.input2_offset = -in2.zero_point;
    p.output_offset = out.zero_point;
    p.act_min = layer.options.activation.min;
    p.act_max = layer.options.activation.max;
    p.rounding = rounding;
    const double twice_max = 2.0 * static_cast<double>(std::max(in1.scale, in2.scale));
    p.input1_multiplier = smaller_than_one(static_cast<double>(in1.scale) / twice_max, rounding, "input 0");
    p.input2_multiplier = smaller_than_one(static_cast<double>(in2.scale) / twice_max, rounding, "input 1");
    const double real_out =
        twice_max / (static_cast<double>(1 << p.left_shift) * static_cast<double>(out.scale));
    p.output_multiplier = smaller_than_one(real_out, rounding, "output");
    return p;
  });
}

Tensor add(const Layer& layer, const Tensor& a, const Tensor& b, RoundingMode rounding) {
  with_layer_context(layer, [&] { check_layer(layer); });
  const AddParams p = add_params(layer, rounding);
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
