// The report.json builder (see the header).
#include "tuner/emit/report_json.h"

#include <algorithm>

#include "kernels/baselines/espnn/dispatch.h"
#include "tuner/roofline/roofline.h"
#include "tuner/search/estimate.h"
#include "tuner/search/placement.h"
#include "tuner/tune/provenance.h"

namespace pietune::tuner {
namespace {

nlohmann::ordered_json layer_json(const EmitContext& c, std::size_t i) {
  const kernels::Layer& layer = c.model.layers[i];
  const LayerResult& lr = c.result.layers[i];
  nlohmann::ordered_json j = {{"index", layer.index},
                              {"op", layer.op_name},
                              {"input", kernels::shape_to_string(layer.input().shape)},
                              {"output", kernels::shape_to_string(layer.output().shape)},
                              {"macs", layer.macs()},
                              {"covered", lr.tuning.covered},
                              {"strategy", lr.tuning.strategy},
                              {"legal", lr.tuning.legal_count},
                              {"estimated", lr.tuning.ranked.size()}};
  // What stock esp-tflite-micro with esp-nn runs on this layer (kernels/baselines/espnn/dispatch.h).
  const kernels::espnn::EspnnPath espnn = kernels::espnn::espnn_path(layer);
  j["espnn_path"] = {{"kernel", espnn.kernel}, {"reason", espnn.reason}, {"ansi_c_fallback", espnn.ansi_c_fallback}};
  j["chosen"] = nullptr;
  if (const VariantEstimate* e = lr.chosen_estimate()) {
    nlohmann::ordered_json params;
    for (const kernels::Param& p : e->variant.params)
      params[std::string(p.name)] = p.value.is_word() ? nlohmann::ordered_json(std::string(p.value.word))
                                                      : nlohmann::ordered_json(p.value.number);
    const LayerKernel* lk = find_layer_kernel(c.kernels, layer.index);
    j["chosen"] = {{"variant", e->variant.name()},
                   {"family", e->variant.family},
                   {"params", params},
                   {"cycles", e->cost.cycles},
                   {"macs_per_cycle", e->cost.cycles > 0 ? static_cast<double>(layer.macs()) / e->cost.cycles : 0.0},
                   {"breakdown", estimate_json(*e)},
                   {"function", lk != nullptr ? lk->function : ""}};
    // The bounds that limit it and how close it comes (tuner/roofline/roofline.h).
    if (lk != nullptr)
      j["chosen"]["roofline"] = roofline_json(
          roofline(layer, e->variant, lk->kernel, c.machine, c.options.placement), e->cost.cycles);
  }
  j["baseline"] = nullptr;
  j["speedup"] = nullptr;
  if (lr.tuning.baseline) {
    j["baseline"] = {{"variant", lr.tuning.baseline->variant.name()}, {"cycles", lr.tuning.baseline->cost.cycles}};
    if (const VariantEstimate* e = lr.chosen_estimate(); e && e->cost.cycles > 0)
      j["speedup"] = lr.tuning.baseline->cost.cycles / e->cost.cycles;
  }
  const LayerLatency& latency = c.latency.layers.at(i);
  j["latency"] = nullptr;
  if (latency.known)
    j["latency"] = {{"stock_tflm_cycles", latency.stock_tflm}, {"espnn_cycles", latency.espnn},
                    {"pietune_cycles", latency.pietune}, {"espnn_basis", latency.espnn_basis},
                    {"pietune_basis", latency.pietune_basis}};
  j["verification"] = nlohmann::ordered_json::array();
  for (const VerificationOutcome& v : lr.verifications)
    j["verification"].push_back({{"variant", v.variant}, {"passed", v.passed}, {"reused", v.reused},
                                 {"cases", v.cases}, {"seed", v.seed}, {"mismatches", v.mismatches},
                                 {"detail", v.detail}});
  j["illegal_families"] = nlohmann::ordered_json::array();
  for (const IllegalFamily& f : lr.tuning.illegal_families)
    j["illegal_families"].push_back({{"family", f.family}, {"rule", f.rule}, {"reason", f.reason}});
  return j;
}

// tune --layouts plan (or NCHW boundaries): the layout of every layer whose layout matters, the
// transposes, and the plan's cycles against all-NHWC (layer kernels or reference costs, plus
// transposes; both include the transposes the boundary layouts require).
nlohmann::ordered_json layout_plan_json(const LayoutSearch& s) {
  nlohmann::ordered_json nchw = nlohmann::ordered_json::array(), conversions = nlohmann::ordered_json::array();
  for (const kernels::Layer& l : s.planned.layers)
    if (l.options.layout == kernels::ActivationLayout::kNchw) nchw.push_back(l.index);
  for (std::size_t k = 0; k < s.plan.conversions.size(); ++k) {
    const PlanConversion& c = s.plan.conversions[k];
    const bool at_end = c.before_layer >= static_cast<int>(s.layer_indices.size());
    conversions.push_back({{"layer", s.planned.layout_conversions.at(k)},
                           {"tensor", s.problem.tensor_ids.at(static_cast<std::size_t>(c.tensor))},
                           {"to", kernels::to_string(c.to)},
                           {"before_layer", at_end ? nlohmann::ordered_json(nullptr)
                                                   : nlohmann::ordered_json(s.layer_indices[static_cast<std::size_t>(c.before_layer)])},
                           {"cycles", c.cycles}});
  }
  return {{"layouts", s.nchw_layers ? "plan" : "nhwc"},
          {"input_layout", kernels::to_string(s.boundary.input)},
          {"output_layout", kernels::to_string(s.boundary.output)},
          {"mixed", s.mixed()},
          {"nchw_layers", nchw},
          {"conversions", conversions},
          {"plan_cycles", s.plan.cycles()},
          {"all_nhwc_cycles", s.all_nhwc.cycles()},
          {"saved_cycles", s.all_nhwc.cycles() - s.plan.cycles()}};
}

}  // namespace

nlohmann::ordered_json report_json(const EmitContext& c) {
  nlohmann::ordered_json j = {{"tool", "pietune"},
                              {"version", tool_version()},
                              {"commit", git_commit()},
                              {"machine", c.machine_name},
                              {"machine_hash", c.result.machine_hash},
                              {"model", c.model_name},
                              {"model_hash", c.result.model_hash},
                              {"date", c.date},
                              {"run_id", c.result.run_id},
                              {"options", nlohmann::ordered_json::parse(c.options.json())}};
  double cycles = 0, baseline = 0;
  std::int64_t macs = 0;
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < c.model.layers.size(); ++i) {
    layers.push_back(layer_json(c, i));
    const LayerResult& lr = c.result.layers[i];
    if (const VariantEstimate* e = lr.chosen_estimate()) {
      cycles += e->cost.cycles;
      macs += c.model.layers[i].macs();
      baseline += lr.tuning.baseline ? lr.tuning.baseline->cost.cycles : e->cost.cycles;
    }
  }
  // What the application must give the kernels: the scratch (the largest layer's: they run one at
  // a time), the constants where --weights puts them, the code where --code puts it.
  std::uint64_t constant_bytes = 0, code_bytes = 0;
  for (const LayerKernel& lk : c.kernels.layers) {
    for (const kernels::ConstantBuffer& b : lk.kernel.constants) constant_bytes += b.bytes.size();
    if (lk.owns_function)
      for (const model::Function& f : lk.kernel.program.functions) code_bytes += f.size_bytes();
  }
  j["totals"] = {{"cycles", cycles},
                 {"baseline_cycles", baseline},
                 {"macs", macs},
                 {"estimates_computed", c.result.computed},
                 {"estimates_reused", c.result.reused},
                 {"seconds", c.result.seconds},
                 {"clock_hz", c.clock_hz},
                 {"scratch_bytes", c.kernels.scratch_bytes},
                 {"constant_bytes", constant_bytes},
                 {"constants_in", region_name(c.options.placement.weights)},
                 {"code_bytes", code_bytes},
                 {"code_in", c.options.placement.code_in_iram ? "iram" : "flash"}};
  const ModelLatency& m = c.latency;
  auto way = [&](double cycles) {
    return nlohmann::ordered_json{{"cycles", cycles}, {"ms", cycles / c.clock_hz * 1e3}};
  };
  j["latency"] = {{"stock_tflm", way(m.stock_tflm)},
                  {"espnn", way(m.espnn)},
                  {"pietune", way(m.pietune)},
                  {"op_overhead_cycles", m.op_overhead_cycles},
                  {"operators", c.model.layers.size() - m.unknown.size() - c.model.layout_conversions.size()},
                  {"espnn_reference_priced", m.reference_priced},
                  {"unknown", m.unknown}};
  if (c.layout) j["layout_plan"] = layout_plan_json(*c.layout);
  j["layers"] = std::move(layers);
  return j;
}

}  // namespace pietune::tuner
