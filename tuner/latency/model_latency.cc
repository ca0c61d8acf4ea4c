// Whole-model latency (see the header).
#include "tuner/latency/model_latency.h"

#include <fmt/format.h>

#include "tuner/latency/reference_cost.h"

namespace pietune::tuner {

double kernel_call_cycles(const model::Machine& machine) { return 1 + machine.call_penalty + 3; }

LayerLatency layer_latency(const kernels::Layer& layer, const LayerTuning& tuning, const VariantEstimate* chosen,
                           const model::Machine& machine) {
  const double overhead = machine.tflm_op_overhead_cycles, call = kernel_call_cycles(machine);
  LayerLatency l;
  const std::optional<ReferenceCost> reference = reference_cost(layer);
  if (!reference && !chosen && !tuning.baseline) {
    l.known = false;
    return l;
  }
  l.stock_tflm = overhead + (reference ? reference->cycles : 0);
  if (tuning.baseline) {
    l.espnn = overhead + call + tuning.baseline->cost.cycles;
    l.espnn_basis = "baseline " + tuning.baseline->variant.name();
  } else {
    l.espnn = l.stock_tflm;
    l.espnn_basis = "reference: " + (reference ? reference->basis : std::string("none"));
  }
  if (chosen) {
    l.pietune = overhead + call + chosen->cost.cycles;
    l.pietune_basis = "kernel " + chosen->variant.name();
  } else {
    l.pietune = l.espnn;
    l.pietune_basis = "as esp-nn";
  }
  return l;
}

ModelLatency model_latency(const kernels::Model& model, const TuneResult& result, const model::Machine& machine) {
  ModelLatency m;
  m.op_overhead_cycles = machine.tflm_op_overhead_cycles;
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    const kernels::Layer& layer = model.layers[i];
    const LayerResult& lr = result.layers.at(i);
    LayerLatency l = layer_latency(layer, lr.tuning, lr.chosen_estimate(), machine);
    if (model.is_layout_conversion(layer.index) && l.known) {
      // A layout plan's transpose: no operator of the stock model, no TFLM node of its own.
      l.stock_tflm = l.espnn = 0;
      l.espnn_basis = "layout conversion: not in the stock model";
      l.pietune -= machine.tflm_op_overhead_cycles;
    }
    if (!l.known) {
      m.unknown.push_back(fmt::format("#{} {}", layer.index, layer.op_name));
    } else {
      m.stock_tflm += l.stock_tflm;
      m.espnn += l.espnn;
      m.pietune += l.pietune;
      m.reference_priced += !lr.tuning.baseline;
    }
    m.layers.push_back(std::move(l));
  }
  return m;
}

}  // namespace pietune::tuner
