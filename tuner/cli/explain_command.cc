// `pietune explain MODEL --layer N [--top K] [--json]`: for one layer, every family considered
// (legal, or the rule and reason it was not), the top K variants with their cycle breakdowns,
// and why the winner wins: where its cycles differ, cause by cause, from the best variant of each
// other family and from the baseline.
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kernels/baselines/espnn/dispatch.h"
#include "kernels/registry.h"
#include "model/support/error.h"
#include "tuner/cli/command.h"
#include "tuner/cli/machine_option.h"
#include "tuner/cli/tune_options.h"
#include "tuner/latency/model_latency.h"
#include "tuner/model_loader.h"
#include "tuner/roofline/roofline.h"
#include "tuner/search/estimate_cache.h"
#include "tuner/tune/layer_tuning.h"

namespace pietune::tuner::cli {
namespace {

struct ExplainOptions {
  std::string model;
  int layer = -1;
  int top = 5;
  bool json = false;
  bool no_db = false;
  TuneCliOptions tune;
};


std::string breakdown_text(const model::Cost& c) {
  std::string text;
  for (const model::CostCause& cause : model::kCostCauses)
    if (c.*cause.field != 0) text += fmt::format("{}{} {:.0f}", text.empty() ? "" : ", ", cause.label, c.*cause.field);
  return text;
}

// "saves 1200 cycles: issue -900, data stall -400, cache miss +100".
std::string difference_text(const model::Cost& winner, const model::Cost& other) {
  std::string parts;
  for (const model::CostCause& cause : model::kCostCauses) {
    const double d = winner.*cause.field - other.*cause.field;
    if (std::abs(d) >= 0.5) parts += fmt::format("{}{} {:+.0f}", parts.empty() ? "" : ", ", cause.label, d);
  }
  return fmt::format("saves {:.0f} cycles ({:.2f}x): {}", other.cycles - winner.cycles,
                     winner.cycles > 0 ? other.cycles / winner.cycles : 0.0, parts.empty() ? "no difference" : parts);
}

int run_explain(const ExplainOptions& o) {
  const TuneOptions options = tune_options(o.tune);
  const kernels::Model model = load_model(o.model);
  if (o.top < 1) throw InputError(fmt::format("--top: {}: must be at least 1", o.top));
  const kernels::Layer& layer = layer_with_index(model, o.layer, o.model, "--layer");
  const model::Machine machine = load_machine_option(o.tune.machine);
  std::optional<costdb::Database> db;
  if (!o.no_db) db.emplace(open_database(o.tune.db, costdb::Access::kReadWriteIfPossible));
  EstimateCache cache(db ? &*db : nullptr, machine, options.placement);
  const LayerTuning t =
      tune_layer(layer, {.search = {.budget = options.budget, .seed = options.seed}, .sram_limit_bytes = options.sram_limit_bytes},
                 cache);
  cache.flush();

  // Per family: the best estimate, or why it could not be used.
  std::map<std::string, const VariantEstimate*> best_of;
  for (const VariantEstimate& e : t.ranked) best_of.emplace(e.variant.family, &e);
  nlohmann::ordered_json j = {{"layer", layer.index}, {"op", layer.op_name}, {"covered", t.covered},
                              {"strategy", t.strategy}, {"families", nlohmann::ordered_json::array()}};
  std::string text = fmt::format("layer {} {} {} -> {}, {} MACs\n", layer.index, layer.op_name,
                                 kernels::shape_to_string(layer.input().shape),
                                 kernels::shape_to_string(layer.output().shape), layer.macs());
  // What stock esp-tflite-micro with esp-nn runs on this layer, and why.
  const kernels::espnn::EspnnPath espnn = kernels::espnn::espnn_path(layer);
  text += "esp-nn runs: " + kernels::espnn::espnn_path_text(espnn) + "\n";
  j["espnn_path"] = {{"kernel", espnn.kernel}, {"reason", espnn.reason}, {"ansi_c_fallback", espnn.ansi_c_fallback}};
  if (!t.covered) {
    text += fmt::format("no kernel family covers {}: it runs as the reference op and pietune does not estimate it\n",
                        layer.op_name);
    j["reason"] = "no kernel family covers " + layer.op_name;
  } else {
    text += fmt::format("families considered ({} legal variants, {} estimated, search {}):\n", t.legal_count,
                        t.ranked.size(), t.strategy);
  }
  for (const kernels::FamilySpec& f : kernels::all_families()) {
    if (f.op != layer.op) continue;
    const std::string name(f.name);
    nlohmann::ordered_json fj = {{"family", name}, {"baseline", f.baseline}};
    if (auto it = best_of.find(name); it != best_of.end()) {
      text += fmt::format("  {:<14} legal   best {} at {:.0f} cycles{}\n", name, it->second->variant.name(),
                          it->second->cost.cycles, f.baseline ? " (baseline)" : "");
      fj["best"] = it->second->variant.name();
      fj["cycles"] = it->second->cost.cycles;
    } else {
      for (const IllegalFamily& i : t.illegal_families)
        if (i.family == name) {
          text += fmt::format("  {:<14} illegal [{}] {}\n", name, i.rule, i.reason);
          fj["rule"] = i.rule;
          fj["reason"] = i.reason;
        }
      if (!fj.contains("rule")) text += fmt::format("  {:<14} legal, not reached by the search\n", name);
    }
    j["families"].push_back(fj);
  }
  j["top"] = nlohmann::ordered_json::array();
  if (!t.ranked.empty()) text += fmt::format("top {}:\n", std::min<std::size_t>(t.ranked.size(), o.top));
  for (std::size_t i = 0; i < t.ranked.size() && i < static_cast<std::size_t>(o.top); ++i) {
    const VariantEstimate& e = t.ranked[i];
    text += fmt::format("  {}. {:<50} {:>10.0f} cycles  {:5.2f} MAC/cycle\n     {}\n", i + 1, e.variant.name(),
                        e.cost.cycles, e.cost.cycles > 0 ? static_cast<double>(layer.macs()) / e.cost.cycles : 0.0,
                        breakdown_text(e.cost));
    j["top"].push_back({{"variant", e.variant.name()}, {"cycles", e.cost.cycles}, {"breakdown", estimate_json(e)}});
  }
  if (const VariantEstimate* w = t.chosen()) {
    // The bounds that limit the winner (tuner/roofline/roofline.h).
    const Roofline r = roofline(layer, w->variant, machine, options.placement);
    text += fmt::format("roofline of {}: {}\n", w->variant.name(), roofline_text(r, w->cost.cycles));
    j["roofline"] = roofline_json(r, w->cost.cycles);
    text += fmt::format("why {} wins:\n", w->variant.name());
    j["why"] = nlohmann::ordered_json::array();
    for (const auto& [family, e] : best_of) {
      if (family == w->variant.family) continue;
      const std::string line = fmt::format("against {} ({}): {}", e->variant.name(), family, difference_text(w->cost, e->cost));
      text += "  " + line + "\n";
      j["why"].push_back(line);
    }
    const VariantEstimate* runner = t.ranked.size() > 1 ? &t.ranked[1] : nullptr;
    if (runner && runner->variant.family == w->variant.family) {
      const std::string line =
          runner->cost.cycles == w->cost.cycles
              ? fmt::format("ties with the runner-up {} at {:.0f} cycles; the first by name is taken",
                            runner->variant.name(), w->cost.cycles)
              : fmt::format("against the runner-up {}: {}", runner->variant.name(), difference_text(w->cost, runner->cost));
      text += "  " + line + "\n";
      j["why"].push_back(line);
    }
    if (j["why"].empty()) text += "  it is the only variant estimated\n";
  }
  // The layer as invoke() takes it, three ways (tuner/latency/model_latency.h).
  const LayerLatency latency = layer_latency(layer, t, t.chosen(), machine);
  if (latency.known) {
    text += fmt::format("in invoke(), with {:.0f} cycles of TFLM overhead: stock TFLite Micro {:.0f} cycles, esp-nn "
                        "{:.0f} ({}), pietune {:.0f} ({})\n",
                        machine.tflm_op_overhead_cycles, latency.stock_tflm, latency.espnn, latency.espnn_basis,
                        latency.pietune, latency.pietune_basis);
    j["latency"] = {{"stock_tflm_cycles", latency.stock_tflm}, {"espnn_cycles", latency.espnn},
                    {"pietune_cycles", latency.pietune}, {"espnn_basis", latency.espnn_basis},
                    {"pietune_basis", latency.pietune_basis}};
  }
  std::fputs(o.json ? (j.dump(2) + "\n").c_str() : text.c_str(), stdout);
  return kExitOk;
}

}  // namespace

void register_explain_command(CLI::App& app) {
  auto options = std::make_shared<ExplainOptions>();
  CLI::App* command = add_command(app, "explain",
                                  "Explain one layer's choice: every family considered (legal or why not), the top "
                                  "variants with cycle breakdowns, and why the winner wins",
                                  [options] { return run_explain(*options); });
  command->add_option("MODEL", options->model, "a .tflite model or a JSON layer file")->required();
  command->add_option("--layer", options->layer, "the layer's index (its position in a .tflite model)")->required();
  command->add_option("--top", options->top, "how many variants to list")->capture_default_str();
  command->add_flag("--json", options->json, "print JSON: {layer, op, families, espnn_path, top, roofline, why, latency}");
  CLI::Option* no_db =
      command->add_flag("--no-db", options->no_db, "estimate without reading or writing the cost database");
  // Only what one layer's search reads: --time-limit, --jobs and --verify-cases would do nothing here
  // (explain neither verifies nor runs workers), so they are usage errors rather than ignored.
  add_search_options(command, options->tune);
  no_db->excludes(command->get_option("--db"));
}

}  // namespace pietune::tuner::cli
