// Canonical text forms of a Layer and their FNV-1a 64 hashes (timing signature, full identity).
#include "kernels/layer_hash.h"

#include <bit>
#include <string>

#include <fmt/format.h>

#include "kernels/activation.h"
#include "kernels/layer.h"

namespace pietune::kernels {
namespace {

bool any_nonzero_zero_point(const TensorDesc& t) {
  if (!t.quant) return false;
  for (std::int64_t zp : t.quant->zero_points) {
    if (zp != 0) return true;
  }
  return false;
}

std::string quant_tag(const TensorDesc& t) {
  if (!t.quant || t.quant->scales.empty()) return "none";
  if (t.quant->per_channel()) return fmt::format("pc{}", t.quant->quantized_dimension);
  return "pt";
}

std::string tensor_text(const std::string& role, const TensorDesc& t) {
  return fmt::format("|{}={}:{}:{}:{}{}", role, shape_to_string(t.shape), to_string(t.type),
                     quant_tag(t), any_nonzero_zero_point(t) ? "zp" : "nozp",
                     t.constant ? ":const" : "");
}

std::string float_bits(float f) { return fmt::format("{:08x}", std::bit_cast<std::uint32_t>(f)); }

std::string quant_values(const std::string& role, const TensorDesc& t) {
  if (!t.quant || t.quant->scales.empty()) return "";
  std::vector<std::string> scales;
  for (float scale : t.quant->scales) scales.push_back(float_bits(scale));
  return fmt::format("|q:{}={}/{}", role, fmt::join(scales, ","), fmt::join(t.quant->zero_points, ","));
}

// Calls fn(role, tensor) for inputs, weights, bias and outputs in canonical order.
template <typename Fn>
void for_each_tensor(const Layer& layer, Fn&& fn) {
  for (std::size_t i = 0; i < layer.inputs.size(); ++i) fn(fmt::format("in{}", i), layer.inputs[i]);
  if (layer.weights) fn(std::string("w"), *layer.weights);
  if (layer.bias) fn(std::string("b"), *layer.bias);
  for (std::size_t i = 0; i < layer.outputs.size(); ++i) fn(fmt::format("out{}", i), layer.outputs[i]);
}

bool clamps(const Layer& layer) {
  if (layer.outputs.empty()) return false;
  const QuantRange range = quantized_range(layer.output().type);
  const Activation& act = layer.options.activation;
  return act.min > range.min || act.max < range.max;
}

}  // namespace

std::string Layer::timing_signature_text() const {
  std::string text = fmt::format("pietune-layer-v1|op={}/{}", kernels::to_string(op), op_name);
  for_each_tensor(*this, [&](const std::string& role, const TensorDesc& t) {
    text += tensor_text(role, t);
  });
  const LayerOptions& o = options;
  text += fmt::format(
      "|stride={}x{}|pad={}:{},{},{},{}|dil={}x{}|dm={}|groups={}|kernel={}x{}|act={}:{}|axis={}"
      "|axes={}|keep_dims={}",
      o.stride_h, o.stride_w, kernels::to_string(o.padding), o.pads.top, o.pads.bottom,
      o.pads.left, o.pads.right, o.dilation_h, o.dilation_w, o.depth_multiplier, o.groups,
      o.filter_h, o.filter_w, kernels::to_string(o.activation.kind),
      clamps(*this) ? "clamp" : "noclamp", o.axis, fmt::join(o.axes, ","), o.keep_dims ? 1 : 0);
  // Only a non-default layout enters the text, so every NHWC layer keeps its earlier key.
  if (o.layout != ActivationLayout::kNhwc) text += fmt::format("|layout={}", kernels::to_string(o.layout));
  if (!o.perm.empty()) text += fmt::format("|perm={}", fmt::join(o.perm, ","));
  return text;
}

std::string Layer::full_identity_text() const {
  std::string text = timing_signature_text();
  for_each_tensor(*this, [&](const std::string& role, const TensorDesc& t) {
    text += quant_values(role, t);
  });
  text += fmt::format("|act_bounds={},{}|beta={}", options.activation.min, options.activation.max,
                      float_bits(options.beta));
  return text;
}

std::uint64_t Layer::timing_signature() const { return fnv1a_64(timing_signature_text()); }
std::uint64_t Layer::full_identity() const { return fnv1a_64(full_identity_text()); }

}  // namespace pietune::kernels
