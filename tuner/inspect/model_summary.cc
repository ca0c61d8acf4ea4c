// Totals of a model: MACs per op kind, weight bytes, largest activation pair, unmodelled layers.
#include "tuner/inspect/model_summary.h"

#include <algorithm>
#include <limits>

namespace pietune::tuner {
namespace {

std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? std::numeric_limits<std::int64_t>::max() : sum;
}

}  // namespace

ModelSummary summarize(const kernels::Model& model) {
  ModelSummary summary;
  for (const kernels::Layer& layer : model.layers) {
    const std::string op = layer.op == kernels::OpKind::kUnsupported ? layer.op_name
                                                                     : kernels::to_string(layer.op);
    auto it = std::find_if(summary.per_op.begin(), summary.per_op.end(),
                           [&](const OpKindTotal& t) { return t.op == op; });
    if (it == summary.per_op.end()) it = summary.per_op.insert(summary.per_op.end(), {op, 0, 0});
    const std::int64_t macs = layer.macs();
    it->layers += 1;
    it->macs = saturating_add(it->macs, macs);
    summary.macs = saturating_add(summary.macs, macs);
    summary.weight_bytes = saturating_add(summary.weight_bytes, layer.weight_bytes());
    const std::int64_t activation = layer.activation_bytes();
    if (summary.largest_activation_layer < 0 || activation > summary.largest_activation_bytes) {
      summary.largest_activation_bytes = activation;
      summary.largest_activation_layer = layer.index;
    }
    if (layer.op == kernels::OpKind::kUnsupported) summary.unsupported_layers.push_back(layer.index);
  }
  return summary;
}

}  // namespace pietune::tuner
