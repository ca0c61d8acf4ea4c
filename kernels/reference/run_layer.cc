// The OpKind -> reference op table.
#include "kernels/reference/run_layer.h"

#include <fmt/format.h>

#include "kernels/layer_check.h"
#include "kernels/reference/add.h"
#include "kernels/reference/concatenation.h"
#include "kernels/reference/conv2d.h"
#include "kernels/reference/depthwise_conv2d.h"
#include "kernels/reference/dequantize.h"
#include "kernels/reference/fully_connected.h"
#include "kernels/reference/layer_tensors.h"
#include "kernels/reference/mean.h"
#include "kernels/reference/mul.h"
#include "kernels/reference/pad.h"
#include "kernels/reference/pooling.h"
#include "kernels/reference/quantize.h"
#include "kernels/reference/reshape.h"
#include "kernels/reference/softmax.h"
#include "kernels/reference/transpose.h"

namespace pietune::kernels::reference {
namespace {

Tensor run_op(const Layer& layer, std::span<const Tensor> in, RoundingMode rounding) {
  switch (layer.op) {
    case OpKind::kConv2d: return conv2d(layer, in[0], rounding);
    case OpKind::kDepthwiseConv2d: return depthwise_conv2d(layer, in[0], rounding);
    case OpKind::kFullyConnected: return fully_connected(layer, in[0], rounding);
    case OpKind::kAdd: return add(layer, in[0], in[1], rounding);
    case OpKind::kMul: return mul(layer, in[0], in[1], rounding);
    case OpKind::kAveragePool2d: return average_pool2d(layer, in[0]);
    case OpKind::kMaxPool2d: return max_pool2d(layer, in[0]);
    case OpKind::kReshape: return reshape(layer, in[0]);
    case OpKind::kSoftmax: return softmax(layer, in[0], rounding);
    case OpKind::kQuantize: return quantize(layer, in[0], rounding);
    case OpKind::kDequantize: return dequantize(layer, in[0]);
    case OpKind::kPad: return pad(layer, in[0]);
    case OpKind::kMean: return mean(layer, in[0], rounding);
    case OpKind::kConcatenation: return concatenation(layer, in);
    case OpKind::kTranspose: return transpose(layer, in[0]);
    case OpKind::kUnsupported: break;
  }
  PIETUNE_CHECK(false) << "no reference op for " << layer_label(layer);
  return {};
}

}  // namespace

bool has_reference_op(OpKind op) { return op != OpKind::kUnsupported; }

void check_reference_supported(const Layer& layer) {
  if (!has_reference_op(layer.op)) {
    throw InputError(fmt::format("layer {}: operator not supported by the reference ops: {}", layer.index,
                                 layer.op_name.empty() ? to_string(layer.op) : layer.op_name));
  }
}

std::vector<Tensor> run_layer(const Layer& layer, std::span<const Tensor> inputs, RoundingMode rounding) {
  check_reference_supported(layer);
  if (inputs.size() != layer.inputs.size()) {
    throw InputError(fmt::format("{}: {} input tensors given, the layer has {} inputs", layer_label(layer),
                                 inputs.size(), layer.inputs.size()));
  }
  with_layer_context(layer, [&] { check_layer(layer); });  // counts and shapes before indexing inputs
  std::vector<Tensor> outputs;
  outputs.push_back(run_op(layer, inputs, rounding));
  return outputs;
}

}  // namespace pietune::kernels::reference
