// What every emitted file says about where it came from.
#pragma once

#include <string>

#include "kernels/layer.h"
#include "model/timing/machine.h"
#include "tuner/emit/kernel_instances.h"
#include "tuner/latency/model_latency.h"
#include "tuner/tune/layout_search.h"
#include "tuner/tune/tune_model.h"

namespace pietune::tuner {

struct EmitContext {
  const kernels::Model& model;
  std::string model_name;   // as given on the command line
  const TuneOptions& options;
  const TuneResult& result;
  const ModelKernels& kernels;
  const ModelLatency& latency;
  const model::Machine& machine;
  std::string machine_name;
  double clock_hz = 0;
  std::string db_path;
  std::string date;         // ISO 8601 UTC
  const LayoutSearch* layout = nullptr;  // tune --layouts plan: the plan `model` is the planned model of
};

// "pietune 0.1.0 (commit 1a2b3c4d5e6f), machine esp32s3 (0x...), 2026-11-21T09:00:00Z".
std::string provenance_line(const EmitContext& context);

}  // namespace pietune::tuner
