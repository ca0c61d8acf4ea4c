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
  std::string program_key;  // estimate_key_hex of the program it was made from
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

// A legal variant's kernel generated for estimation, its fast-mode options, and their key.
struct EstimateInput {
  kernels::Variant variant;
  kernels::GeneratedKernel kernel;
  model::FastOptions options;
  std::string key;  // estimate_key_hex(kernel, options)
};

// Generates the kernel the way every estimate does (the layer's constants, or seeded random ones
// when it carries none) with its buffers where `placement` puts them. Thread-safe.
EstimateInput estimate_input(const kernels::Layer& layer, const kernels::Variant& variant, const Placement& placement);

// The one key of an estimate (with the machine hash, mode and placement kept beside it in costdb):
// hex of model::fast_input_key, i.e. of the generated program and its buffers. Equal keys mean the
// same program timed the same way, whatever layers produced them.
std::string estimate_key_hex(const kernels::GeneratedKernel& kernel, const model::FastOptions& options);

// Times a prepared input (thread-safe: shares nothing mutable).
VariantEstimate estimate_prepared(const model::FastModel& fast, const EstimateInput& input);
// estimate_input, then estimate_prepared.
VariantEstimate estimate_variant(const model::FastModel& fast, const kernels::Layer& layer,
                                 const kernels::Variant& variant, const Placement& placement);

// Hex of the layer's timing signature: names a layer in run choices and measurements (not an
// estimate key: layers with one signature can generate different code).
std::string signature_hex(const kernels::Layer& layer);

}  // namespace pietune::tuner
