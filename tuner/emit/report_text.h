// The per-layer table printed by `pietune tune`, drawn from report.json: op, shape, MACs, chosen
// variant, predicted cycles, MAC/cycle, baseline cycles, speedup; under a layer, each family that
// could not be used with its rule and reason.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace pietune::tuner {

std::string report_table(const nlohmann::ordered_json& report);
// "layout plan: layers 0 1 5 in NCHW, transposes ...; N cycles against M all NHWC (saves K)"; "" for a
// report without a layout plan (tune --layouts nhwc).
std::string layout_plan_sentence(const nlohmann::ordered_json& report);

}  // namespace pietune::tuner
