// JSON pieces of cost-query answers (see the header).
#include "tuner/query/answer_json.h"

#include <string>
#include <vector>

#include <fmt/format.h>

#include "kernels/variant.h"

namespace pietune::tuner {

nlohmann::ordered_json layer_header_json(const kernels::Layer& layer, const model::Machine& machine,
                                         const Placement& placement) {
  // Layers of ops pietune does not model may come from a .tflite without activation tensors.
  const auto shape = [](const std::vector<kernels::TensorDesc>& tensors) {
    return tensors.empty() ? std::string("none") : kernels::shape_to_string(tensors.front().shape);
  };
  return {{"layer", layer.index},
          {"op", layer.op_name},
          {"shape", shape(layer.inputs) + " -> " + shape(layer.outputs)},
          {"macs", layer.macs()},
          {"covered", true},
          {"machine", machine.hash_hex()},
          {"placement", placement.text()}};
}

nlohmann::ordered_json breakdown_json(const model::Cost& c) {
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  for (const model::CostCause& cause : model::kCostCauses) json[cause.key] = c.*cause.field;
  return json;
}

double mac_per_cycle(const kernels::Layer& layer, double cycles) {
  return cycles > 0 ? static_cast<double>(layer.macs()) / cycles : 0.0;
}

void add_estimate_json(nlohmann::ordered_json& json, const kernels::Layer& layer, const VariantEstimate& e) {
  json["variant"] = kernels::variant_to_json(e.variant);
  json["cycles"] = e.cost.cycles;
  json["mac_per_cycle"] = mac_per_cycle(layer, e.cost.cycles);
  json["peak_share"] = mac_per_cycle(layer, e.cost.cycles) / 16.0;
  json["breakdown"] = breakdown_json(e.cost);
  json["instructions"] = e.cost.instructions;
  json["scratch_bytes"] = e.scratch_bytes;
  json["constant_bytes"] = e.constant_bytes;
}

std::string no_legal_variant_message(const kernels::Layer& layer, const LayerTuning& tuning) {
  std::string reasons;
  for (const IllegalFamily& f : tuning.illegal_families)
    reasons += fmt::format("{}{}: {}: {}", reasons.empty() ? "" : "; ", f.family, f.rule, f.reason);
  return fmt::format("layer {}: {}: no legal variant ({})", layer.index, layer.op_name, reasons);
}

std::size_t estimated_count(const LayerTuning& tuning) {
  std::size_t n = tuning.ranked.size();
  for (const kernels::RejectedVariant& r : tuning.rejected)
    if (r.rejection.rule == "sram_limit") ++n;
  return n;
}

}  // namespace pietune::tuner
