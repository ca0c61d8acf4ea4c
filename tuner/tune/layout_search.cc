// The layout search (see the header).
#include "tuner/tune/layout_search.h"

#include <algorithm>

#include "kernels/layout_order.h"
#include "kernels/registry.h"
#include "tuner/latency/reference_cost.h"
#include "tuner/search/estimate_cache.h"
#include "tuner/tune/layer_tuning.h"

namespace pietune::tuner {
namespace {

bool has_nchw_family(kernels::OpKind op) {
  for (const kernels::FamilySpec& f : kernels::all_families()) {
    if (f.op != op) continue;
    for (const kernels::ParamSpec& p : f.params)
      if (p.name == "activations") return true;
  }
  return false;
}

class LayoutCosts {
 public:
  LayoutCosts(const TuneOptions& options, const model::Machine& machine, costdb::Database& db)
      : cache_(&db, machine, options.placement),
        options_{.search = {.budget = options.budget, .seed = options.seed},
                 .sram_limit_bytes = options.sram_limit_bytes} {}

  // The best kernel's cycles; nullopt when no variant fits.
  std::optional<double> kernel_cycles(const kernels::Layer& layer) {
    const LayerTuning t = tune_layer(layer, options_, cache_);
    if (const VariantEstimate* best = t.chosen()) return best->cost.cycles;
    return std::nullopt;
  }

  // The kernel's cycles, else the reference op's, which runs any layer in NHWC (0 for an op of
  // unknown cost: the same in every plan).
  double nhwc_cycles(const kernels::Layer& layer) {
    if (const auto k = kernel_cycles(layer)) return *k;
    const auto r = reference_cost(layer);
    return r ? r->cycles : 0.0;
  }

  LayerLayoutCosts layer(const kernels::Layer& layer) {
    LayerLayoutCosts c;
    c.nhwc = nhwc_cycles(layer);
    if (kernels::layout_agnostic(layer)) {
      c.nchw = c.nhwc;
    } else if ((has_nchw_family(layer.op) && kernels::is_spatial(layer.op)) || kernels::can_flatten_nchw(layer)) {
      kernels::Layer nchw = layer;
      nchw.options.layout = ActivationLayout::kNchw;
      c.nchw = kernel_cycles(nchw);  // no reference op runs NCHW
    }
    return c;
  }

  void flush() { cache_.flush(); }

 private:
  EstimateCache cache_;
  LayerTuningOptions options_;
};

}  // namespace

bool LayoutSearch::mixed() const {
  return std::any_of(plan.layer_layouts.begin(), plan.layer_layouts.end(),
                     [](ActivationLayout l) { return l == ActivationLayout::kNchw; }) ||
         !plan.conversions.empty();
}

LayoutSearch search_layouts(const kernels::Model& model, const TuneOptions& options, const model::Machine& machine,
                            costdb::Database& db, BoundaryLayouts boundary, bool nchw_layers) {
  LayoutCosts costs(options, machine, db);
  LayoutSearch s;
  s.boundary = boundary;
  s.nchw_layers = nchw_layers;
  s.problem = model_layout_problem(
      model,
      [&](std::size_t i) {
        return nchw_layers ? costs.layer(model.layers[i])
                           : LayerLayoutCosts{.nhwc = costs.nhwc_cycles(model.layers[i]), .nchw = std::nullopt};
      },
      // A transpose no kernel takes (elements wider than a byte) runs as the reference op.
      [&](const kernels::Layer& transpose) { return costs.nhwc_cycles(transpose); }, boundary);
  costs.flush();
  s.plan = plan_layouts(s.problem.problem);
  s.all_nhwc = all_nhwc_plan(s.problem.problem);
  s.planned = planned_model(model, s.problem, s.plan);
  for (const kernels::Layer& layer : model.layers) s.layer_indices.push_back(layer.index);
  return s;
}

}  // namespace pietune::tuner
