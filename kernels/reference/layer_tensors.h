// What the reference ops read from a Layer's tensor descriptions (quantization, types, constant
// data), checked, with errors that name the layer: "layer 3 (CONV_2D): weights: no constant data".
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "kernels/layer.h"
#include "kernels/reference/tensor.h"
#include "model/support/error.h"

namespace pietune::kernels::reference {

// "layer 3 (CONV_2D)".
std::string layer_label(const Layer& layer);

// Runs fn(); an InputError it throws is re-thrown as "<layer_label>: <message>".
template <typename Fn>
auto with_layer_context(const Layer& layer, Fn&& fn) -> decltype(fn()) {
  try {
    return std::forward<Fn>(fn)();
  } catch (const InputError& e) {
    throw InputError(layer_label(layer) + ": " + e.what());
  }
}

// Per-tensor quantization of an activation tensor.
struct TensorQuant {
  float scale = 1.0f;
  std::int32_t zero_point = 0;
};

// The tensor's single scale and zero point. Throws InputError "<role>: no quantization",
// "<role>: per-channel quantization (<n> scales) on an activation" or
// "<role>: scale <s> is not a positive number".
TensorQuant activation_quant(const TensorDesc& tensor, const char* role);

// The weight scales (one, or one per channel), each > 0; InputError as activation_quant.
std::vector<float> weight_scales(const TensorDesc& weights);

// Throws InputError "<role>: type <actual>, expected <type>" unless tensor.type == type.
void expect_type(const TensorDesc& tensor, ElementType type, const char* role);

// The constant contents of `tensor` (TensorDesc::data). Throws InputError "<role>: no constant
// data" and the size/type errors of Tensor::from_bytes.
Tensor constant_tensor(const TensorDesc& tensor, const char* role);

// The int8 weights of a CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED layer (its constant data).
// Throws InputError "weights: type <t>, expected int8" or "weights: no constant data".
Tensor weight_values(const Layer& layer);

// The int32 bias of a weighted layer, or `channels` zeros when it has none. Throws InputError
// "bias: type <t>, expected int32" or "bias: no constant data".
std::vector<std::int32_t> bias_values(const Layer& layer, std::int64_t channels);

// Checks a runtime tensor against its description: InputError "<role>: shape <s>, expected <d>"
// or "<role>: type <t>, expected <u>".
void check_runtime_tensor(const TensorDesc& desc, const Tensor& tensor, const char* role);

}  // namespace pietune::kernels::reference
