// Whole-model latency, three ways, as a board's invoke() would take it:
//   (a) stock TFLite Micro without esp-nn: every operator a reference C kernel (reference_cost.h);
//   (b) esp-tflite-micro with esp-nn: the layer's esp-nn baseline estimate where a baseline family
//       models its esp-nn path, else the reference cost (the op has no esp-nn kernel, or its esp-nn
//       kernel has no baseline family yet: said per layer);
//   (c) pietune's kernels: the chosen kernel where the layer has one, else what (b) runs (the hook
//       calls the stock kernel for the other layers).
// Each operator also pays the machine's tflm_op_overhead_cycles (the interpreter and the op's Eval
// around the kernel), and a kernel (esp-nn's or pietune's) the call that enters it from its C
// wrapper (kernel_call_cycles). Operators whose cost nothing gives (UNSUPPORTED) are left out of all three
// and listed.
#pragma once

#include <string>
#include <vector>

#include "kernels/layer.h"
#include "model/timing/machine.h"
#include "tuner/tune/tune_model.h"

namespace pietune::tuner {

struct LayerLatency {
  bool known = true;        // false: an op without any cost (left out of the totals)
  double stock_tflm = 0;    // (a), cycles, overhead included
  double espnn = 0;         // (b)
  double pietune = 0;       // (c)
  std::string espnn_basis;  // "baseline conv_qs16_espnn1x1_..." or "reference: <basis>"
  std::string pietune_basis;  // "kernel <variant>" or "as esp-nn"
};

struct ModelLatency {
  std::vector<LayerLatency> layers;  // one per model layer
  double stock_tflm = 0, espnn = 0, pietune = 0;  // cycles
  double op_overhead_cycles = 0;
  int reference_priced = 0;  // layers (b) prices with the reference cost
  std::vector<std::string> unknown;  // "#12 SVDF"
};

// One layer: `chosen` is pietune's kernel (null: none), `tuning.baseline` the esp-nn baseline.
LayerLatency layer_latency(const kernels::Layer& layer, const LayerTuning& tuning, const VariantEstimate* chosen,
                           const model::Machine& machine);

// The call8 that enters a kernel from C: its issue, its bubble (call_penalty) and the three
// argument moves before it (ENTRY and RETW are in the kernel's own program, so in its estimate).
// The chain of interpreter, Eval, wrapper and kernel is about seven call8 frames, which the
// 64-register window file holds: no window exception is charged.
double kernel_call_cycles(const model::Machine& machine);

ModelLatency model_latency(const kernels::Model& model, const TuneResult& result, const model::Machine& machine);

}  // namespace pietune::tuner
