// Reference CONCATENATION: for every outer index, the inputs' slices along the axis one after another.
#include "kernels/reference/concatenation.h"

#include <fmt/format.h>

#include "kernels/layer_check.h"
#include "kernels/reference/layer_tensors.h"

namespace pietune::kernels::reference {
namespace {

template <typename T, typename Get>
void concat(std::span<const Tensor> inputs, std::span<T> out, int axis, Get get) {
  std::int64_t outer = 1;
  for (int d = 0; d < axis; ++d) outer *= inputs[0].shape()[d];
  if (outer == 0) return;
  std::size_t o = 0;
  for (std::int64_t i = 0; i < outer; ++i) {
    for (const Tensor& t : inputs) {
      const std::span<const T> values = get(t);
      const std::size_t slice = values.size() / static_cast<std::size_t>(outer);
      for (std::size_t k = 0; k < slice; ++k) out[o++] = values[static_cast<std::size_t>(i) * slice + k];
    }
  }
}

}  // namespace

Tensor concatenation(const Layer& layer, std::span<const Tensor> inputs) {
  return with_layer_context(layer, [&] {
    check_layer(layer);
    if (inputs.size() != layer.inputs.size()) {
      throw InputError(fmt::format("{} input tensors for {} inputs", inputs.size(), layer.inputs.size()));
    }
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const std::string role = fmt::format("input {}", i);
      check_runtime_tensor(layer.inputs[i], inputs[i], role.c_str());
      expect_type(layer.inputs[i], layer.output().type, role.c_str());
    }
    if (layer.options.activation.kind != ActivationKind::kNone) {
      throw InputError(fmt::format("fused activation {} not supported (TFLM takes NONE only)",
                                   to_string(layer.options.activation.kind)));
    }
    Tensor out = Tensor::zeros(layer.output().type, layer.output().shape);
    const int axis = layer.options.axis;
    switch (out.type()) {
      case ElementType::kInt8:
        concat<std::int8_t>(inputs, out.int8(), axis, [](const Tensor& t) { return t.int8(); });
        break;
      case ElementType::kInt16:
        concat<std::int16_t>(inputs, out.int16(), axis, [](const Tensor& t) { return t.int16(); });
        break;
      case ElementType::kInt32:
        concat<std::int32_t>(inputs, out.int32(), axis, [](const Tensor& t) { return t.int32(); });
        break;
      default:
        concat<float>(inputs, out.float32(), axis, [](const Tensor& t) { return t.float32(); });
        break;
    }
    return out;
  });
}

}  // namespace pietune::kernels::reference
