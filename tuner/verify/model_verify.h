// `pietune verify MODEL`: the whole model on random inputs, once with the chosen kernels run in
// the emulator and once with the reference ops only.
//
// Per layer with a kernel: the kernel's output against the reference op on the same input
// (a kernel bug shows here, in the layer that has it), and the emulated chain's tensor against the
// reference chain's at that layer (how a difference travels on). At the end, the model outputs of
// both chains.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernels/layer.h"
#include "kernels/registry.h"

namespace pietune::tuner {

struct LayerCheck {
  int layer = 0;
  std::string op;
  std::string variant;                // "" for a layer run by the reference op
  std::int64_t outputs = 0;           // values compared (all cases)
  std::int64_t mismatches = 0;        // kernel vs reference op, same input
  int max_abs_diff = 0;
  std::int64_t chain_differences = 0; // emulated chain vs reference chain at this layer's output
  int chain_max_abs_diff = 0;
  std::optional<std::string> fault;
};

struct ModelCheck {
  int cases = 0;
  std::vector<LayerCheck> layers;
  std::int64_t output_values = 0;
  std::int64_t output_differences = 0;
  int output_max_abs_diff = 0;

  bool passed() const;
};

// `kernels` holds one entry per model layer (nullopt: the reference op runs it).
ModelCheck verify_model(const kernels::Model& model, const std::vector<std::optional<kernels::GeneratedKernel>>& kernels,
                        const std::vector<std::string>& variant_names, int cases, std::uint64_t seed);

}  // namespace pietune::tuner
