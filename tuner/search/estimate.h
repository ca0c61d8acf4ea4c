// One fast-mode estimate of a variant on a layer, and its costdb form.
//
// The kernel is generated (with seeded random constants when the layer carries no data: the code
// does not depend on the values) and estimated with the buffers where the placement puts them.
// The record keeps what selection needs without regenerating: cycles, the breakdown by cause and
// the scratch and constant bytes.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "kernels/layer.h"
#include "kernels/variant.h"
#include "model/timing/cost.h"
#include "model/timing/fast_model.h"
#include "tuner/search/placement.h"

namespace pietune::tuner {

struct VariantEstimate {
  kernels::Variant variant;
  model::Cost cost;
  std::uint32_t scratch_bytes = 0;
  std::uint32_t constant_bytes = 0;
  bool reused = false;  // read back from costdb, not computed in this process
};

// {"cycles", "issue", "data_stall", ..., "instructions", "macs", "cache_misses", "scratch_bytes",
//  "constant_bytes"}.
nlohmann::json estimate_json(const VariantEstimate& estimate);
// The inverse (variant given separately); InputError on a malformed record.
VariantEstimate estimate_from_json(const kernels::Variant& variant, const nlohmann::json& json);

// Computes the estimate of a legal variant (thread-safe: shares nothing mutable).
VariantEstimate estimate_variant(const model::FastModel& fast, const kernels::Layer& layer,
                                 const kernels::Variant& variant, const Placement& placement);

// Hex of the layer's timing signature, the costdb layer key.
std::string signature_hex(const kernels::Layer& layer);

}  // namespace pietune::tuner
