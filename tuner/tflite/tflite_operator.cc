// One .tflite operator to a kernels::Layer: tensor roles, options, derived values, checks.
#include <algorithm>

#include "kernels/layer_check.h"
#include "tuner/tflite/builtin_ops.h"
#include "tuner/tflite/tflite_detail.h"

namespace pietune::tuner::detail {
namespace {

using kernels::ActivationKind;
using kernels::Layer;
using kernels::OpKind;
using kernels::TensorDesc;

constexpr std::int32_t kOmitted = -1;

// The operator's tensor indices, each checked against the tensor table.
struct OperatorTensors {
  std::vector<std::int32_t> inputs;
  std::vector<std::int32_t> outputs;
};

std::vector<std::int32_t> checked_indices(const flatbuffers::Vector<std::int32_t>* v,
                                          const char* role, std::size_t tensor_count) {
  std::vector<std::int32_t> indices = to_vector(v);
  for (std::size_t i = 0; i < indices.size(); ++i) {
    const std::int32_t t = indices[i];
    if (t == kOmitted) continue;
    if (t < 0 || static_cast<std::size_t>(t) >= tensor_count) {
      fail("{} {}: tensor index {} out of range ({} tensors)", role, i, t, tensor_count);
    }
  }
  return indices;
}

const TensorDesc& required(const std::vector<std::int32_t>& indices, std::size_t position,
                           const char* role, const std::vector<TensorDesc>& tensors) {
  if (position >= indices.size()) {
    fail("{} {} missing ({} {}s)", role, position, indices.size(), role);
  }
  if (indices[position] == kOmitted) fail("{} {} omitted (-1) but required", role, position);
  return tensors[static_cast<std::size_t>(indices[position])];
}

std::optional<TensorDesc> optional_tensor(const std::vector<std::int32_t>& indices,
                                          std::size_t position,
                                          const std::vector<TensorDesc>& tensors) {
  if (position >= indices.size() || indices[position] == kOmitted) return std::nullopt;
  return tensors[static_cast<std::size_t>(indices[position])];
}

void expect_at_most(const std::vector<std::int32_t>& indices, std::size_t max, const char* role) {
  if (indices.size() > max) fail("{} {}s, at most {} expected", indices.size(), role, max);
}

ActivationKind activation_kind(tflite::ActivationFunctionType type) {
  switch (type) {
    case tflite::ActivationFunctionType::NONE: return ActivationKind::kNone;
    case tflite::ActivationFunctionType::RELU: return ActivationKind::kRelu;
    case tflite::ActivationFunctionType::RELU_N1_TO_1: return ActivationKind::kReluN1To1;
    case tflite::ActivationFunctionType::RELU6: return ActivationKind::kRelu6;
    case tflite::ActivationFunctionType::TANH: return ActivationKind::kTanh;
    case tflite::ActivationFunctionType::SIGN_BIT: return ActivationKind::kSignBit;
  }
  fail("fused activation {} unknown", static_cast<int>(type));
}

kernels::Padding padding(tflite::Padding p) {
  switch (p) {
    case tflite::Padding::SAME: return kernels::Padding::kSame;
    case tflite::Padding::VALID: return kernels::Padding::kValid;
  }
  fail("padding {} unknown", static_cast<int>(p));
}

// The options table of the expected type, or null when the operator has none. An options table of
// another type is an error: the file pairs the op with the wrong options.
template <typename Options>
const Options* options_of(const tflite::Operator& op, tflite::BuiltinOptions expected,
                          const char* name) {
  const tflite::BuiltinOptions type = op.builtin_options_type();
  if (type == tflite::BuiltinOptions::NONE) return nullptr;
  if (type != expected) {
    fail("builtin options type {} where {} ({}) was expected", static_cast<int>(type), name,
         static_cast<int>(expected));
  }
  const auto* options = static_cast<const Options*>(op.builtin_options());
  if (!options) fail("{} declared but absent", name);
  return options;
}

template <typename Options>
const Options& required_options(const tflite::Operator& op, tflite::BuiltinOptions expected,
                                const char* name) {
  const Options* options = options_of<Options>(op, expected, name);
  if (!options) fail("missing {}", name);
  return *options;
}

// Constant int32 contents of a small parameter tensor (PAD paddings, MEAN axes, TRANSPOSE perm); nullopt when the
// tensor is not constant.
std::optional<std::vector<std::int32_t>> constant_int32(const TensorDesc& t, const char* role) {
  if (!t.data) return std::nullopt;
  if (t.type != kernels::ElementType::kInt32) {
    fail("{} tensor type {}, expected int32", role, kernels::to_string(t.type));
  }
  std::vector<std::int32_t> values(t.data->size() / sizeof(std::int32_t));
  if (!values.empty()) std::memcpy(values.data(), t.data->data(), values.size() * sizeof(std::int32_t));
  return values;
}

void read_conv(const tflite::Operator& op, Layer& layer) {
  const auto& o = required_options<tflite::Conv2DOptions>(op, tflite::BuiltinOptions::Conv2DOptions,
                                                          "Conv2DOptions");
  layer.options.padding = padding(o.padding());
  layer.options.stride_h = o.stride_h();
  layer.options.stride_w = o.stride_w();
  layer.options.dilation_h = o.dilation_h_factor();
  layer.options.dilation_w = o.dilation_w_factor();
  layer.options.activation.kind = activation_kind(o.fused_activation_function());
}

// Returns the depth multiplier option, checked against the shapes after complete_layer.
int read_depthwise(const tflite::Operator& op, Layer& layer) {
  const auto& o = required_options<tflite::DepthwiseConv2DOptions>(
      op, tflite::BuiltinOptions::DepthwiseConv2DOptions, "DepthwiseConv2DOptions");
  layer.options.padding = padding(o.padding());
  layer.options.stride_h = o.stride_h();
  layer.options.stride_w = o.stride_w();
  layer.options.dilation_h = o.dilation_h_factor();
  layer.options.dilation_w = o.dilation_w_factor();
  layer.options.activation.kind = activation_kind(o.fused_activation_function());
  return o.depth_multiplier();
}

void read_pool(const tflite::Operator& op, Layer& layer) {
  const auto& o = required_options<tflite::Pool2DOptions>(op, tflite::BuiltinOptions::Pool2DOptions,
                                                          "Pool2DOptions");
  layer.options.padding = padding(o.padding());
  layer.options.stride_h = o.stride_h();
  layer.options.stride_w = o.stride_w();
  layer.options.filter_h = o.filter_height();
  layer.options.filter_w = o.filter_width();
  layer.options.activation.kind = activation_kind(o.fused_activation_function());
}

// Weighted ops: input 0 activation, input 1 weights, input 2 optional bias.
void assign_weighted(const OperatorTensors& ts, const std::vector<TensorDesc>& tensors, Layer& layer) {
  expect_at_most(ts.inputs, 3, "input");
  layer.inputs = {required(ts.inputs, 0, "input", tensors)};
  layer.weights = required(ts.inputs, 1, "input", tensors);
  layer.bias = optional_tensor(ts.inputs, 2, tensors);
}

void assign_unary(const OperatorTensors& ts, const std::vector<TensorDesc>& tensors, Layer& layer,
                  std::size_t max_inputs) {
  expect_at_most(ts.inputs, max_inputs, "input");
  layer.inputs = {required(ts.inputs, 0, "input", tensors)};
}

void read_modelled(const tflite::Operator& op, const OperatorTensors& ts,
                   const std::vector<TensorDesc>& tensors, Layer& layer) {
  using BO = tflite::BuiltinOptions;
  int depth_multiplier_option = 0;
  switch (layer.op) {
    case OpKind::kConv2d:
      assign_weighted(ts, tensors, layer);
      read_conv(op, layer);
      break;
    case OpKind::kDepthwiseConv2d:
      assign_weighted(ts, tensors, layer);
      depth_multiplier_option = read_depthwise(op, layer);
      break;
    case OpKind::kFullyConnected: {
      assign_weighted(ts, tensors, layer);
      if (const auto* o = options_of<tflite::FullyConnectedOptions>(op, BO::FullyConnectedOptions,
                                                                    "FullyConnectedOptions")) {
        if (o->weights_format() != tflite::FullyConnectedOptionsWeightsFormat::DEFAULT) {
          fail("weights format {} not supported (only DEFAULT)", static_cast<int>(o->weights_format()));
        }
        layer.options.activation.kind = activation_kind(o->fused_activation_function());
        layer.options.keep_dims = o->keep_num_dims();
      }
      break;
    }
    case OpKind::kAveragePool2d:
    case OpKind::kMaxPool2d:
      assign_unary(ts, tensors, layer, 1);
      read_pool(op, layer);
      break;
    case OpKind::kAdd:
    case OpKind::kMul: {
      expect_at_most(ts.inputs, 2, "input");
      layer.inputs = {required(ts.inputs, 0, "input", tensors), required(ts.inputs, 1, "input", tensors)};
      if (layer.op == OpKind::kAdd) {
        if (const auto* o = options_of<tflite::AddOptions>(op, BO::AddOptions, "AddOptions")) {
          layer.options.activation.kind = activation_kind(o->fused_activation_function());
        }
      } else if (const auto* o = options_of<tflite::MulOptions>(op, BO::MulOptions, "MulOptions")) {
        layer.options.activation.kind = activation_kind(o->fused_activation_function());
      }
      break;
    }
    case OpKind::kConcatenation: {
      if (ts.inputs.empty()) fail("no inputs");
      for (std::size_t i = 0; i < ts.inputs.size(); ++i) {
        layer.inputs.push_back(required(ts.inputs, i, "input", tensors));
      }
      if (const auto* o = options_of<tflite::ConcatenationOptions>(op, BO::ConcatenationOptions,
                                                                   "ConcatenationOptions")) {
        layer.options.axis = o->axis();
        layer.options.activation.kind = activation_kind(o->fused_activation_function());
      }
      break;
    }
    case OpKind::kReshape:
      assign_unary(ts, tensors, layer, 2);  // input 1: the new shape (the output's dims say it too)
      options_of<tflite::ReshapeOptions>(op, BO::ReshapeOptions, "ReshapeOptions");
      break;
    case OpKind::kSoftmax: {
      assign_unary(ts, tensors, layer, 1);
      const auto* o = options_of<tflite::SoftmaxOptions>(op, BO::SoftmaxOptions, "SoftmaxOptions");
      layer.options.beta = o ? o->beta() : 0.0f;  // schema default, as TFLite reads a missing table
      break;
    }
    case OpKind::kQuantize:
      assign_unary(ts, tensors, layer, 1);
      options_of<tflite::QuantizeOptions>(op, BO::QuantizeOptions, "QuantizeOptions");
      break;
    case OpKind::kDequantize:
      assign_unary(ts, tensors, layer, 1);
      options_of<tflite::DequantizeOptions>(op, BO::DequantizeOptions, "DequantizeOptions");
      break;
    case OpKind::kPad: {
      assign_unary(ts, tensors, layer, 3);  // input 1: paddings [rank, 2]; PADV2 input 2: value
      const TensorDesc& paddings = required(ts.inputs, 1, "input", tensors);
      const auto values = constant_int32(paddings, "paddings");
      const std::size_t rank = layer.input().shape.size();
      if (values && values->size() != rank * 2) {
        fail("paddings tensor has {} values for an input of rank {}", values->size(), rank);
      }
      if (values && rank == 4) {
        layer.options.pads = {(*values)[2], (*values)[3], (*values)[4], (*values)[5]};
      }
      break;
    }
    case OpKind::kMean: {
      assign_unary(ts, tensors, layer, 2);
      const TensorDesc& axis = required(ts.inputs, 1, "input", tensors);
      if (const auto values = constant_int32(axis, "axis")) layer.options.axes = *values;
      if (const auto* o = options_of<tflite::ReducerOptions>(op, BO::ReducerOptions, "ReducerOptions")) {
        layer.options.keep_dims = o->keep_dims();
      }
      break;
    }
    case OpKind::kTranspose: {
      assign_unary(ts, tensors, layer, 2);
      const TensorDesc& perm = required(ts.inputs, 1, "input", tensors);
      if (const auto values = constant_int32(perm, "perm")) layer.options.perm = *values;
      options_of<tflite::TransposeOptions>(op, BO::TransposeOptions, "TransposeOptions");
      break;
    }
    case OpKind::kUnsupported:
      break;
  }
  if (ts.outputs.size() != 1) fail("{} outputs, {} has 1", ts.outputs.size(), layer.op_name);
  layer.outputs = {required(ts.outputs, 0, "output", tensors)};

  kernels::complete_layer(layer);
  if (layer.op == OpKind::kDepthwiseConv2d &&
      depth_multiplier_option != layer.options.depth_multiplier) {
    fail("depth multiplier option {} does not match output channels {} / input channels {}",
         depth_multiplier_option, layer.weights->shape[3], layer.input().shape[3]);
  }
}

}  // namespace

void CopyBudget::charge(const TensorDesc& t) {
  std::uint64_t bytes = sizeof(TensorDesc) + t.name.size() + t.shape.size() * sizeof(std::int32_t);
  if (t.quant) {
    bytes += t.quant->scales.size() * sizeof(float) + t.quant->zero_points.size() * sizeof(std::int64_t);
  }
  used_bytes_ += bytes;
  if (used_bytes_ > kLimitBytes) {
    fail("operators reference more than {} MiB of tensor descriptions", kLimitBytes >> 20);
  }
}

Layer read_operator(const tflite::Operator& op, int index, const OpCode& code,
                    const std::vector<TensorDesc>& tensors, CopyBudget& budget) {
  Layer layer;
  layer.index = index;
  layer.op = builtin_op_kind(code.builtin);
  layer.op_name = code.name;
  try {
    const OperatorTensors ts{checked_indices(op.inputs(), "input", tensors.size()),
                             checked_indices(op.outputs(), "output", tensors.size())};
    for (const auto* list : {&ts.inputs, &ts.outputs}) {
      for (std::int32_t t : *list) {
        if (t != kOmitted) budget.charge(tensors[static_cast<std::size_t>(t)]);
      }
    }
    if (layer.op == OpKind::kUnsupported) {
      // Listed with every tensor it names, so nothing is dropped silently.
      for (std::int32_t t : ts.inputs) {
        if (t != kOmitted) layer.inputs.push_back(tensors[static_cast<std::size_t>(t)]);
      }
      for (std::int32_t t : ts.outputs) {
        if (t != kOmitted) layer.outputs.push_back(tensors[static_cast<std::size_t>(t)]);
      }
      kernels::complete_layer(layer);
      return layer;
    }
    read_modelled(op, ts, tensors, layer);
  } catch (const InputError& e) {
    fail("operator {} ({}): {}", index, code.name, e.what());
  }
  return layer;
}

}  // namespace pietune::tuner::detail
