// The terminal table (see the header).
#include "tuner/emit/report_text.h"

#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace pietune::tuner {
namespace {

// The whole model as invoke() would take it, three ways (tuner/latency/model_latency.h).
std::string latency_line(const nlohmann::ordered_json& l) {
  const double stock = l.at("stock_tflm").at("ms").get<double>(), espnn = l.at("espnn").at("ms").get<double>(),
               ours = l.at("pietune").at("ms").get<double>();
  std::string out = fmt::format(
      "whole model, {} operators with {:.0f} cycles of TFLM overhead each: stock TFLite Micro {:.2f} ms, "
      "esp-tflite-micro with esp-nn {:.2f} ms, pietune {:.2f} ms ({:.2f}x esp-nn)",
      l.at("operators").get<std::size_t>(), l.at("op_overhead_cycles").get<double>(), stock, espnn, ours,
      ours > 0 ? espnn / ours : 0.0);
  const std::size_t unknown = l.at("unknown").size();
  if (unknown > 0) out += fmt::format("; {} operator{} of unknown cost left out", unknown, unknown == 1 ? "" : "s");
  return out + "\n";
}

}  // namespace

std::string layout_plan_sentence(const nlohmann::ordered_json& r) {
  if (!r.contains("layout_plan")) return "";
  const auto& p = r.at("layout_plan");
  const double plan = p.at("plan_cycles").get<double>(), nhwc = p.at("all_nhwc_cycles").get<double>();
  const std::string in = p.value("input_layout", "NHWC"), out = p.value("output_layout", "NHWC");
  const std::string title =
      in == "NHWC" && out == "NHWC" ? "layout plan" : fmt::format("layout plan (input {}, output {})", in, out);
  if (!p.at("mixed").get<bool>())
    return fmt::format("{}: every layer in NHWC ({}; {:.0f} cycles)", title,
                       p.value("layouts", "plan") == "plan" ? "no NCHW kernel pays for its transposes" : "--layouts nhwc",
                       nhwc);
  std::vector<std::string> layers, moves;
  for (const auto& l : p.at("nchw_layers")) layers.push_back(std::to_string(l.get<int>()));
  for (const auto& c : p.at("conversions"))
    moves.push_back(fmt::format("#{} tensor {} to {} ({:.0f} cycles)", c.at("layer").get<int>(), c.at("tensor").get<int>(),
                                c.at("to").get<std::string>(), c.at("cycles").get<double>()));
  const std::string where =
      layers.empty() ? "every layer in NHWC" : fmt::format("layers {} in NCHW", fmt::join(layers, " "));
  const std::string transposes = moves.empty() ? "no transposes" : fmt::format("transposes {}", fmt::join(moves, ", "));
  return fmt::format("{}: {}, {}; {:.0f} cycles against {:.0f} all NHWC (saves {:.0f})", title, where, transposes, plan,
                     nhwc, nhwc - plan);
}

std::string report_table(const nlohmann::ordered_json& r) {
  std::string out = fmt::format("{:>3}  {:<17} {:<22} {:>9}  {:<48} {:>10} {:>7} {:>10} {:>7}\n", "#", "op", "shape",
                                "MACs", "chosen variant", "cycles", "MAC/cy", "baseline", "speedup");
  for (const auto& l : r.at("layers")) {
    const std::string shape = l.at("input").get<std::string>() + ">" + l.at("output").get<std::string>();
    const auto& chosen = l.at("chosen");
    const auto& base = l.at("baseline");
    const std::string variant = chosen.is_null() ? (l.at("covered").get<bool>() ? "(no legal variant)" : "(reference op)")
                                                 : chosen.at("variant").get<std::string>();
    const std::string cycles = chosen.is_null() ? "-" : fmt::format("{:.0f}", chosen.at("cycles").get<double>());
    const std::string mpc = chosen.is_null() ? "-" : fmt::format("{:.2f}", chosen.at("macs_per_cycle").get<double>());
    const std::string bc = base.is_null() ? "-" : fmt::format("{:.0f}", base.at("cycles").get<double>());
    const std::string sp = l.at("speedup").is_null() ? "-" : fmt::format("{:.2f}x", l.at("speedup").get<double>());
    out += fmt::format("{:>3}  {:<17} {:<22} {:>9}  {:<48} {:>10} {:>7} {:>10} {:>7}\n", l.at("index").get<int>(),
                       l.at("op").get<std::string>(), shape, l.at("macs").get<std::int64_t>(), variant, cycles, mpc, bc,
                       sp);
    if (l.contains("espnn_path")) {  // what esp-nn runs here; "" = the TFLM reference op
      const auto& e = l.at("espnn_path");
      const std::string kernel = e.at("kernel").get<std::string>();
      const std::string reason = e.at("reason").get<std::string>();
      out += "       esp-nn: " + (kernel.empty() ? reason : fmt::format("{} ({})", kernel, reason)) + "\n";
    }
    if (!chosen.is_null() && chosen.contains("roofline")) {  // tuner/roofline/roofline.h
      const auto& rf = chosen.at("roofline");
      out += fmt::format("       roofline: {}-bound; in order {:.0f} cycles, at {:.0f}% of it\n",
                         rf.at("bottleneck").get<std::string>(), rf.at("in_order").get<double>(),
                         100 * rf.at("share").get<double>());
    }
    if (!chosen.is_null() && !base.is_null() && chosen.at("variant") == base.at("variant"))
      out += "       no pietune dataflow beats esp-nn's own kernel here: the chosen kernel is esp-nn's loop (its\n"
             "       baseline), emitted where pietune's kernels go\n";
    for (const auto& f : l.at("illegal_families"))
      out += fmt::format("       not {}: [{}] {}\n", f.at("family").get<std::string>(), f.at("rule").get<std::string>(),
                         f.at("reason").get<std::string>());
  }
  const auto& t = r.at("totals");
  const double cycles = t.at("cycles").get<double>(), base = t.at("baseline_cycles").get<double>();
  out += fmt::format("total: {:.0f} cycles predicted ({:.2f} ms at {:.0f} MHz), {:.2f} MAC/cycle; {:.2f}x the "
                     "esp-nn-structured baseline; {} estimates computed, {} reused\n",
                     cycles, cycles / t.at("clock_hz").get<double>() * 1e3, t.at("clock_hz").get<double>() / 1e6, cycles > 0 ? static_cast<double>(t.at("macs").get<std::int64_t>()) / cycles : 0.0,
                     cycles > 0 ? base / cycles : 0.0, t.at("estimates_computed").get<std::int64_t>(),
                     t.at("estimates_reused").get<std::int64_t>());
  if (t.contains("scratch_bytes"))
    out += fmt::format("memory: scratch {} bytes (the largest layer's, given by the caller), constants {} bytes in {}, "
                       "code {} bytes in {}\n",
                       t.at("scratch_bytes").get<std::uint64_t>(), t.at("constant_bytes").get<std::uint64_t>(),
                       t.at("constants_in").get<std::string>(), t.at("code_bytes").get<std::uint64_t>(),
                       t.at("code_in").get<std::string>());
  if (r.contains("latency")) out += latency_line(r.at("latency"));
  if (r.contains("layout_plan")) out += layout_plan_sentence(r) + "\n";
  return out;
}

}  // namespace pietune::tuner
