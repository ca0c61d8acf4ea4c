// The kernels a tuned model ships: for each layer with a chosen variant, the generated kernel on
// the layer's real constants, under a per-model symbol. Layers whose code is identical share one
// function (one function per distinct kernel instance); constants and call blocks stay per layer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/layer.h"
#include "kernels/registry.h"
#include "tuner/tune/tune_model.h"

namespace pietune::tuner {

struct LayerKernel {
  int layer_index = 0;          // the layer's own index (its name in symbols and macros)
  std::size_t position = 0;     // where the layer is in Model::layers and TuneResult::layers
  std::string variant;          // the chosen variant's name
  std::string function;         // the symbol called for this layer (maybe shared)
  std::string call_block;       // "<prefix>_l<i>_call_block"
  bool owns_function = false;   // first layer with this code: the function is emitted with it
  kernels::GeneratedKernel kernel;  // renamed to `function` when it owns it
};

struct ModelKernels {
  std::string prefix;           // "pietune_person_detect"
  std::vector<LayerKernel> layers;
  std::uint32_t scratch_bytes = 0;  // the largest scratch of any layer (they run one at a time)
  int distinct_functions = 0;
};

// "person_detect.tflite" -> "person_detect" (letters, digits and '_' only, not starting with a digit).
std::string model_identifier(const std::string& model_name);

// The kernel of layer `layer_index`, or nullptr when the layer has none.
const LayerKernel* find_layer_kernel(const ModelKernels& kernels, int layer_index);

ModelKernels build_model_kernels(const kernels::Model& model, const std::string& model_name, const TuneResult& result,
                                 const Placement& placement);

}  // namespace pietune::tuner
