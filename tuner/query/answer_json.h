// The JSON pieces of cost-query answers (README "Cost queries"), shared by query and explain.
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "kernels/layer.h"
#include "model/timing/machine.h"
#include "tuner/search/estimate.h"
#include "tuner/search/placement.h"
#include "tuner/tune/layer_tuning.h"

namespace pietune::tuner {

// {"layer", "op", "shape": "1x5x5x3 -> 1x3x3x4", "macs", "covered", "machine", "placement"}.
nlohmann::ordered_json layer_header_json(const kernels::Layer& layer, const model::Machine& machine,
                                         const Placement& placement);

// {"issue", "data_stall", "resource_stall", "branch", "loop", "cache_miss", "store"}: every cycle once.
nlohmann::ordered_json breakdown_json(const model::Cost& cost);

// Adds "variant" (its JSON form), "cycles", "mac_per_cycle" (layer MACs per cycle), "peak_share"
// (of the 16 MAC/cycle peak), "breakdown", "instructions", "scratch_bytes", "constant_bytes".
void add_estimate_json(nlohmann::ordered_json& json, const kernels::Layer& layer, const VariantEstimate& estimate);

// Layer MACs per predicted cycle (0 for no cycles).
double mac_per_cycle(const kernels::Layer& layer, double cycles);

// "layer 3: CONV_2D: no legal variant (conv_accx: groups: ...; conv_qacc: ...)".
std::string no_legal_variant_message(const kernels::Layer& layer, const LayerTuning& tuning);

// Estimates the search made: the ranked ones and those dropped for the SRAM limit.
std::size_t estimated_count(const LayerTuning& tuning);

}  // namespace pietune::tuner
