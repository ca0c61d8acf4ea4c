// Writing layers in their JSON form (reading is in layer_json_parse.cc).
#include "kernels/layer_json.h"

namespace pietune::kernels {
namespace {

using json = nlohmann::ordered_json;  // keys keep the order they are written in

json tensor_to_json(const TensorDesc& t) {
  json j = json::object();
  if (!t.name.empty()) j["name"] = t.name;
  if (t.id >= 0) j["id"] = t.id;
  j["shape"] = t.shape;
  j["type"] = to_string(t.type);
  if (t.constant) j["constant"] = true;
  if (t.quant) {
    json q = json::object();
    q["scales"] = t.quant->scales;
    if (!t.quant->zero_points.empty()) q["zero_points"] = t.quant->zero_points;
    if (t.quant->quantized_dimension != 0) q["quantized_dimension"] = t.quant->quantized_dimension;
    j["quantization"] = std::move(q);
  }
  return j;
}

bool has_fused_activation(OpKind op) {
  return is_spatial(op) || op == OpKind::kFullyConnected || op == OpKind::kAdd ||
         op == OpKind::kMul || op == OpKind::kConcatenation;
}

// The options that mean something for the op, plus any other field that is not at its default
// (so that reading the JSON back gives the same layer).
json options_to_json(const Layer& layer) {
  const LayerOptions& o = layer.options;
  const LayerOptions d;
  const OpKind op = layer.op;
  const bool conv = op == OpKind::kConv2d || op == OpKind::kDepthwiseConv2d;
  json j = json::object();
  if (is_spatial(op) || o.stride_h != d.stride_h || o.stride_w != d.stride_w) {
    j["stride"] = {o.stride_h, o.stride_w};
  }
  if (is_spatial(op) || o.padding != d.padding) j["padding"] = to_string(o.padding);
  const PadAmounts& p = o.pads;
  if (is_spatial(op) || op == OpKind::kPad || p.top != 0 || p.bottom != 0 || p.left != 0 ||
      p.right != 0) {
    j["pads"] = {{"top", p.top}, {"bottom", p.bottom}, {"left", p.left}, {"right", p.right}};
  }
  if (conv || o.dilation_h != d.dilation_h || o.dilation_w != d.dilation_w) {
    j["dilation"] = {o.dilation_h, o.dilation_w};
  }
  if (is_spatial(op) || o.filter_h != d.filter_h || o.filter_w != d.filter_w) {
    j["filter"] = {o.filter_h, o.filter_w};
  }
  if (op == OpKind::kConv2d || o.groups != d.groups) j["groups"] = o.groups;
  if (op == OpKind::kDepthwiseConv2d || o.depth_multiplier != d.depth_multiplier) {
    j["depth_multiplier"] = o.depth_multiplier;
  }
  if (has_fused_activation(op) || o.activation.kind != ActivationKind::kNone) {
    j["activation"] = {{"kind", to_string(o.activation.kind)},
                       {"min", o.activation.min},
                       {"max", o.activation.max}};
  }
  if (op == OpKind::kConcatenation || o.axis != d.axis) j["axis"] = o.axis;
  if (op == OpKind::kMean || !o.axes.empty()) j["axes"] = o.axes;
  if (op == OpKind::kTranspose || !o.perm.empty()) j["perm"] = o.perm;
  if (op == OpKind::kMean || op == OpKind::kFullyConnected || o.keep_dims != d.keep_dims) {
    j["keep_dims"] = o.keep_dims;
  }
  if (op == OpKind::kSoftmax || o.beta != d.beta) j["beta"] = o.beta;
  if (o.layout != d.layout) j["layout"] = to_string(o.layout);
  return j;
}

}  // namespace

json layer_to_json(const Layer& layer) {
  json j = json::object();
  j["index"] = layer.index;
  j["op"] = to_string(layer.op);
  j["op_name"] = layer.op_name;
  json inputs = json::array();
  for (const TensorDesc& t : layer.inputs) inputs.push_back(tensor_to_json(t));
  j["inputs"] = std::move(inputs);
  if (layer.weights) j["weights"] = tensor_to_json(*layer.weights);
  if (layer.bias) j["bias"] = tensor_to_json(*layer.bias);
  json outputs = json::array();
  for (const TensorDesc& t : layer.outputs) outputs.push_back(tensor_to_json(t));
  j["outputs"] = std::move(outputs);
  j["options"] = options_to_json(layer);
  return j;
}

json layers_to_json(const std::vector<Layer>& layers) {
  json j = json::array();
  for (const Layer& layer : layers) j.push_back(layer_to_json(layer));
  return j;
}

std::string layers_to_json_text(const std::vector<Layer>& layers) {
  return layers_to_json(layers).dump(2, ' ', false, json::error_handler_t::replace);
}

}  // namespace pietune::kernels
