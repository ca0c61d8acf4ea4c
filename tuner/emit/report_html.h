// report.html: one self-contained page (inline CSS and SVG, no scripts, nothing fetched) drawn from
// report.json: per-layer predicted cycles of the chosen variant against the esp-nn-structured
// baseline, MAC/cycle against the 16 MAC/cycle peak, and the per-layer table.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace pietune::tuner {

std::string report_html(const nlohmann::ordered_json& report);

}  // namespace pietune::tuner
