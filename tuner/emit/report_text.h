// The per-layer table printed by `pietune tune`, drawn from report.json: op, shape, MACs, chosen
// variant, predicted cycles, MAC/cycle, baseline cycles, speedup; under a layer, each family that
// could not be used with its rule and reason.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace pietune::tuner {

std::string report_table(const nlohmann::ordered_json& report);

}  // namespace pietune::tuner
