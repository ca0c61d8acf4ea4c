// Checked reads of a Layer's tensor descriptions for the reference ops.
#include "kernels/reference/layer_tensors.h"

#include <fmt/format.h>

#include "kernels/layer_check.h"

namespace pietune::kernels::reference {
namespace {

// The layer checks' rule (layer_check.h), for layers built without them, with the role in front.
void check_scale(float scale, const char* role) {
  try {
    check_positive_scale(scale);
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {}", role, e.what()));
  }
}

const Quantization& quantization(const TensorDesc& tensor, const char* role) {
  if (!tensor.quant || tensor.quant->scales.empty()) {
    throw InputError(fmt::format("{}: no quantization", role));
  }
  return *tensor.quant;
}

}  // namespace

std::string layer_label(const Layer& layer) {
  const std::string name = layer.op_name.empty() ? to_string(layer.op) : layer.op_name;
  return fmt::format("layer {} ({})", layer.index, name);
}

TensorQuant activation_quant(const TensorDesc& tensor, const char* role) {
  const Quantization& q = quantization(tensor, role);
  if (q.per_channel()) {
    throw InputError(
        fmt::format("{}: per-channel quantization ({} scales) on an activation", role, q.scales.size()));
  }
  check_scale(q.scales.front(), role);
  return {q.scales.front(), static_cast<std::int32_t>(q.zero_point())};
}

std::vector<float> weight_scales(const TensorDesc& weights) {
  const Quantization& q = quantization(weights, "weights");
  for (float s : q.scales) check_scale(s, "weights");
  return q.scales;
}

void expect_type(const TensorDesc& tensor, ElementType type, const char* role) {
  if (tensor.type != type) {
    throw InputError(fmt::format("{}: type {}, expected {}", role, to_string(tensor.type), to_string(type)));
  }
}

Tensor constant_tensor(const TensorDesc& tensor, const char* role) {
  if (!tensor.data) throw InputError(fmt::format("{}: no constant data", role));
  return Tensor::from_bytes(tensor.type, tensor.shape, *tensor.data, role);
}

Tensor weight_values(const Layer& layer) {
  PIETUNE_CHECK(layer.weights.has_value()) << layer_label(layer) << " has no weights";
  expect_type(*layer.weights, ElementType::kInt8, "weights");
  return constant_tensor(*layer.weights, "weights");
}

std::vector<std::int32_t> bias_values(const Layer& layer, std::int64_t channels) {
  if (!layer.bias) return std::vector<std::int32_t>(static_cast<std::size_t>(channels), 0);
  expect_type(*layer.bias, ElementType::kInt32, "bias");
  const Tensor bias = constant_tensor(*layer.bias, "bias");
  PIETUNE_CHECK(bias.element_count() == channels)
      << "bias of " << bias.element_count() << " for " << channels;
  return {bias.int32().begin(), bias.int32().end()};
}

void check_runtime_tensor(const TensorDesc& desc, const Tensor& tensor, const char* role) {
  if (tensor.shape() != desc.shape) {
    throw InputError(fmt::format("{}: shape {}, expected {}", role, shape_to_string(tensor.shape()),
                                 shape_to_string(desc.shape)));
  }
  if (tensor.type() != desc.type) {
    throw InputError(
        fmt::format("{}: type {}, expected {}", role, to_string(tensor.type()), to_string(desc.type)));
  }
}

}  // namespace pietune::kernels::reference
