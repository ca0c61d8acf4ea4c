// report.html: one self-contained page (inline CSS and SVG, no scripts, nothing fetched) drawn from
// report.json: totals in cycles and ms at the report's clock, a note that the esp-nn-structured baseline is
// modelled (predicted by the timing model) rather than measured; per-layer predicted cycles, chosen and
// baseline bars each labelled; MAC/cycle per layer on an axis fitted to the data, with the 16 MAC/cycle
// peak as a line or, far above the data, as a labelled arrow; the families not used, one line per
// (family, rule) with a count; and the per-layer table. Large numbers carry thousands separators.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace pietune::tuner {

std::string report_html(const nlohmann::ordered_json& report);

}  // namespace pietune::tuner
