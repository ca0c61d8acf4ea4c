// report.json: the tuning run as data. The terminal table and report.html are drawn from it.
//
// {"tool", "version", "commit", "machine", "machine_hash", "model", "model_hash", "date", "run_id",
//  "options": {...}, "totals": {"cycles", "baseline_cycles", "macs", "estimates_computed",
//  "estimates_reused", "seconds", "clock_hz"}
//  (baseline_cycles counts the chosen cycles of layers without a baseline),
//  "latency": {"stock_tflm" | "espnn" | "pietune": {"cycles", "ms"}, "op_overhead_cycles", "operators",
//              "espnn_reference_priced", "unknown": ["#12 SVDF", ...]}  (tuner/latency/model_latency.h),
//  "layers": [{"index", "op", "input", "output", "macs", "covered", "strategy", "legal", "estimated",
//              "espnn_path": {"kernel", "reason", "ansi_c_fallback"},
//              "chosen": {"variant", "family", "params", "cycles", "macs_per_cycle", "breakdown",
//                         "function"} | null,
//              "baseline": {"variant", "cycles"} | null, "speedup",
//              "latency": {"stock_tflm_cycles", "espnn_cycles", "pietune_cycles", "espnn_basis",
//                          "pietune_basis"} | null,
//              "verification": [{"variant", "passed", "reused", "mismatches", "detail"}],
//              "illegal_families": [{"family", "rule", "reason"}]}]}
#pragma once

#include <nlohmann/json.hpp>

#include "tuner/emit/emit_context.h"

namespace pietune::tuner {

nlohmann::ordered_json report_json(const EmitContext& context);

}  // namespace pietune::tuner
