// Fast-mode estimates and their JSON records.
#include "tuner/search/estimate.h"

#include <fmt/format.h>

#include "kernels/registry.h"
#include "kernels/verify.h"
#include "model/support/error.h"
#include "model/timing/fast_input_key.h"

namespace pietune::tuner {

nlohmann::json estimate_json(const VariantEstimate& e) {
  const model::Cost& c = e.cost;
  nlohmann::json json = {{"cycles", c.cycles}};
  for (const model::CostCause& cause : model::kCostCauses) json[cause.key] = c.*cause.field;
  json.update({{"instructions", c.instructions}, {"macs", c.macs}, {"cache_misses", c.cache_misses},
               {"scratch_bytes", e.scratch_bytes}, {"constant_bytes", e.constant_bytes}});
  return json;
}

VariantEstimate estimate_from_json(const kernels::Variant& variant, const nlohmann::json& json) {
  VariantEstimate e;
  e.variant = variant;
  e.reused = true;
  try {
    model::Cost& c = e.cost;
    c.cycles = json.at("cycles").get<double>();
    // Records written before a cause existed (call, fetch) lack its key: it was 0 then.
    for (const model::CostCause& cause : model::kCostCauses)
      c.*cause.field = json.contains(cause.key) ? json.at(cause.key).get<double>() : 0.0;
    c.instructions = json.at("instructions").get<std::uint64_t>();
    c.macs = json.at("macs").get<std::uint64_t>();
    c.cache_misses = json.at("cache_misses").get<std::uint64_t>();
    e.scratch_bytes = json.at("scratch_bytes").get<std::uint32_t>();
    e.constant_bytes = json.at("constant_bytes").get<std::uint32_t>();
  } catch (const nlohmann::json::exception& err) {
    throw InputError(fmt::format("costdb estimate of {}: malformed breakdown: {}", variant.name(), err.what()));
  }
  return e;
}

EstimateInput estimate_input(const kernels::Layer& layer, const kernels::Variant& variant, const Placement& placement) {
  const kernels::FamilySpec* family = kernels::find_family(variant.family);
  PIETUNE_CHECK(family != nullptr) << variant.family;
  EstimateInput input;
  input.variant = variant;
  input.kernel = family->generate(kernels::with_random_constants(layer, 1), variant);
  place_code(input.kernel, placement);
  input.options = fast_options(layer, input.kernel, placement);
  input.key = estimate_key_hex(input.kernel, input.options);
  return input;
}

std::string estimate_key_hex(const kernels::GeneratedKernel& kernel, const model::FastOptions& options) {
  return fmt::format("{:016x}", model::fast_input_key(kernel.program.functions.front(), options));
}

VariantEstimate estimate_prepared(const model::FastModel& fast, const EstimateInput& input) {
  VariantEstimate e;
  e.variant = input.variant;
  e.program_key = input.key;
  e.cost = fast.estimate(input.kernel.program.functions.front(), input.options);
  e.scratch_bytes = input.kernel.scratch_bytes;
  for (const kernels::ConstantBuffer& b : input.kernel.constants)
    e.constant_bytes += static_cast<std::uint32_t>(b.bytes.size());
  return e;
}

VariantEstimate estimate_variant(const model::FastModel& fast, const kernels::Layer& layer,
                                 const kernels::Variant& variant, const Placement& placement) {
  return estimate_prepared(fast, estimate_input(layer, variant, placement));
}

std::string signature_hex(const kernels::Layer& layer) { return fmt::format("{:016x}", layer.timing_signature()); }

}  // namespace pietune::tuner
