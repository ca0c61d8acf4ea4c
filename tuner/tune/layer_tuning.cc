// One layer's search and ranking.
#include "tuner/tune/layer_tuning.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "kernels/registry.h"

namespace pietune::tuner {

bool is_baseline(const kernels::Variant& variant) {
  const kernels::FamilySpec* family = kernels::find_family(variant.family);
  return family != nullptr && family->baseline;
}

LayerTuning tune_layer(const kernels::Layer& layer, const LayerTuningOptions& options, EstimateCache& cache) {
  LayerTuning t;
  t.layer_index = layer.index;
  for (const kernels::FamilySpec& f : kernels::all_families())
    if (f.op == layer.op) t.covered = true;
  if (!t.covered) return t;

  kernels::Enumeration e = kernels::enumerate_variants(layer);
  t.rejected = e.rejected;
  t.legal_count = static_cast<int>(e.legal.size());
  const SearchResult found =
      search_layer(e.legal, is_baseline, options.search, [&](const kernels::Variant& v) { return cache.get(layer, v); });
  t.strategy = found.strategy;
  for (const VariantEstimate& est : found.estimates) {
    if (est.scratch_bytes > options.sram_limit_bytes) {
      t.rejected.push_back({est.variant, {"sram_limit", fmt::format("scratch {} bytes exceeds --sram-limit {} bytes",
                                                                    est.scratch_bytes, options.sram_limit_bytes)}});
      continue;
    }
    t.ranked.push_back(est);
  }
  std::sort(t.ranked.begin(), t.ranked.end(), [](const VariantEstimate& a, const VariantEstimate& b) {
    if (a.cost.cycles != b.cost.cycles) return a.cost.cycles < b.cost.cycles;
    return a.variant.name() < b.variant.name();
  });
  // The baseline is what esp-nn runs: its fastest baseline variant with the code in flash (the
  // ranked estimates place every candidate, baselines included, where pietune would emit it).
  for (const VariantEstimate& est : t.ranked) {
    if (!is_baseline(est.variant)) continue;
    VariantEstimate espnn = cache.get(layer, est.variant, true);
    if (!t.baseline || espnn.cost.cycles < t.baseline->cost.cycles) t.baseline = std::move(espnn);
  }
  // A layer a layout plan runs in NCHW: esp-nn runs the model's NHWC layer (no baseline takes NCHW).
  if (layer.options.layout != kernels::ActivationLayout::kNhwc && !kernels::layout_agnostic(layer)) {
    kernels::Layer nhwc = layer;
    nhwc.options.layout = kernels::ActivationLayout::kNhwc;
    for (const kernels::FamilySpec& f : kernels::all_families()) {
      if (!f.baseline || f.op != layer.op) continue;
      for (const kernels::Variant& v : kernels::candidate_variants(f, nhwc)) {
        if (kernels::check_legal(f, nhwc, v)) continue;
        VariantEstimate espnn = cache.get(nhwc, v, true);
        if (!t.baseline || espnn.cost.cycles < t.baseline->cost.cycles) t.baseline = std::move(espnn);
      }
    }
  }

  std::set<std::string> usable;
  for (const VariantEstimate& est : t.ranked) usable.insert(est.variant.family);
  std::set<std::string> listed;
  for (const kernels::RejectedVariant& r : t.rejected)
    if (!usable.contains(r.variant.family) && listed.insert(r.variant.family).second)
      t.illegal_families.push_back({r.variant.family, r.rejection.rule, r.rejection.reason});
  return t;
}

}  // namespace pietune::tuner
