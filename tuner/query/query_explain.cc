// QueryService::explain: the families considered, the top variants and why the winner wins.
#include <algorithm>
#include <array>
#include <utility>

#include <fmt/format.h>

#include "kernels/registry.h"
#include "model/support/error.h"
#include "tuner/query/answer_json.h"
#include "tuner/query/query_service.h"

namespace pietune::tuner {
namespace {


// One sentence per comparison that decides the choice: the winner's figures, the best of another
// family, where it beats the runner-up, and the esp-nn-structured baseline.
std::string why(const kernels::Layer& layer, const LayerTuning& t) {
  const VariantEstimate& w = t.ranked.front();
  const double c = w.cost.cycles;
  std::string text = fmt::format("{} is the fastest of {} variants estimated: {:.0f} cycles, {:.2f} MAC/cycle "
                                 "({:.1f}% of the 16 MAC/cycle peak)",
                                 w.variant.name(), estimated_count(t), c, mac_per_cycle(layer, c),
                                 100 * mac_per_cycle(layer, c) / 16);
  const auto other = std::find_if(t.ranked.begin(), t.ranked.end(),
                                  [&](const VariantEstimate& e) { return e.variant.family != w.variant.family; });
  if (other != t.ranked.end()) {
    text += fmt::format("; the best other family, {}, takes {:.0f} cycles with {} ({:+.1f}%)", other->variant.family,
                        other->cost.cycles, other->variant.name(), 100 * (other->cost.cycles - c) / c);
  } else if (!t.illegal_families.empty()) {
    std::string illegal;
    for (const IllegalFamily& f : t.illegal_families)
      illegal += fmt::format("{}{} ({})", illegal.empty() ? "" : ", ", f.family, f.rule);
    text += fmt::format("; no other family has a legal variant: {}", illegal);
  }
  if (t.ranked.size() > 1) {
    const VariantEstimate& r = t.ranked[1];
    const auto saved = [&](const model::CostCause& cause) { return r.cost.*cause.field - w.cost.*cause.field; };
    const model::CostCause* most = &model::kCostCauses[0];
    for (const model::CostCause& cause : model::kCostCauses)
      if (saved(cause) > saved(*most)) most = &cause;
    if (saved(*most) > 0)
      text += fmt::format("; against the runner-up {} ({:.0f} cycles) it saves most in {} ({:.0f} cycles fewer)",
                          r.variant.name(), r.cost.cycles, most->key, saved(*most));
  }
  if (t.baseline && is_baseline(w.variant)) {
    text += "; the esp-nn-structured baseline itself is the fastest";
  } else if (t.baseline) {
    text += fmt::format("; {:.2f}x faster than the esp-nn-structured baseline {} ({:.0f} cycles)",
                        c > 0 ? t.baseline->cost.cycles / c : 0.0, t.baseline->variant.name(), t.baseline->cost.cycles);
  }
  return text;
}

nlohmann::ordered_json families_json(const kernels::Layer& layer, const LayerTuning& t) {
  nlohmann::ordered_json families = nlohmann::ordered_json::array();
  for (const kernels::FamilySpec& f : kernels::all_families()) {
    if (f.op != layer.op) continue;
    nlohmann::ordered_json entry = {{"family", f.name}, {"summary", f.summary}, {"baseline", f.baseline}};
    const auto illegal = std::find_if(t.illegal_families.begin(), t.illegal_families.end(),
                                      [&](const IllegalFamily& i) { return i.family == f.name; });
    if (illegal != t.illegal_families.end()) {
      entry["legal"] = false;
      entry["rule"] = illegal->rule;
      entry["reason"] = illegal->reason;
    } else {
      entry["legal"] = true;
      const auto n = std::count_if(t.ranked.begin(), t.ranked.end(),
                                   [&](const VariantEstimate& e) { return e.variant.family == f.name; });
      entry["estimated"] = n;
      const auto best = std::find_if(t.ranked.begin(), t.ranked.end(),
                                     [&](const VariantEstimate& e) { return e.variant.family == f.name; });
      if (best != t.ranked.end()) {
        entry["best"] = best->variant.name();
        entry["best_cycles"] = best->cost.cycles;
      }
    }
    families.push_back(std::move(entry));
  }
  return families;
}

}  // namespace

Answer QueryService::explain(const kernels::Layer& layer, int top) {
  if (top < 1) throw InputError(fmt::format("top: {}: must be at least 1", top));
  ++queries_;
  if (!op_covered(layer)) return not_covered(layer);
  const LayerTuning& t = tuning(layer, layer.full_identity());
  nlohmann::ordered_json json = header(layer);
  json["search"] = {{"strategy", t.strategy}, {"legal", t.legal_count}, {"estimated", estimated_count(t)}};
  json["families"] = families_json(layer, t);
  if (t.ranked.empty()) {
    json["legal"] = false;
    return {.status = AnswerStatus::kIllegal, .cycles = 0, .message = no_legal_variant_message(layer, t),
            .json = std::move(json)};
  }
  json["legal"] = true;
  nlohmann::ordered_json ranked = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < t.ranked.size() && i < static_cast<std::size_t>(top); ++i) {
    nlohmann::ordered_json entry = {{"rank", i + 1}};
    add_estimate_json(entry, layer, t.ranked[i]);
    ranked.push_back(std::move(entry));
  }
  json["top"] = std::move(ranked);
  json["winner"] = t.ranked.front().variant.name();
  json["cycles"] = t.ranked.front().cost.cycles;
  json["why"] = why(layer, t);
  return {.status = AnswerStatus::kOk, .cycles = t.ranked.front().cost.cycles, .message = "", .json = std::move(json)};
}

}  // namespace pietune::tuner
