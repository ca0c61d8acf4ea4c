// Totals over a model's layers, as `pietune inspect` prints them after the per-layer table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/layer.h"

namespace pietune::tuner {

struct OpKindTotal {
  std::string op;  // to_string(OpKind), or the op name for ops pietune does not model
  int layers = 0;
  std::int64_t macs = 0;
};

struct ModelSummary {
  std::vector<OpKindTotal> per_op;  // in order of first appearance
  std::int64_t macs = 0;
  std::int64_t weight_bytes = 0;
  // Largest activation pair: max over layers of Layer::activation_bytes (inputs + outputs).
  std::int64_t largest_activation_bytes = 0;
  int largest_activation_layer = -1;     // layer index, -1 for an empty model
  std::vector<int> unsupported_layers;   // indices of OpKind::kUnsupported layers
};

// Sums saturate at INT64_MAX instead of overflowing.
ModelSummary summarize(const kernels::Model& model);

}  // namespace pietune::tuner
