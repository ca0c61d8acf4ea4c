// The layout search of `tune --layouts plan`: every layer's best kernel in NHWC and, where a family
// takes NCHW, in NCHW; every transpose the plan might need; the exact plan over the model's graph
// (tuner/layout/layout_plan.h) and the planned model that tune then runs like any model.
#pragma once

#include "costdb/costdb.h"
#include "kernels/layer.h"
#include "model/timing/machine.h"
#include "tuner/layout/model_layout.h"
#include "tuner/tune/tune_model.h"

namespace pietune::tuner {

struct LayoutSearch {
  BoundaryLayouts boundary;  // the application's input and output layouts
  bool nchw_layers = true;   // layers could run in NCHW (--layouts plan), or only the boundaries convert
  ModelLayoutProblem problem;
  LayoutPlan plan;      // the cheapest
  LayoutPlan all_nhwc;  // what the model costs without layout search
  kernels::Model planned;
  std::vector<int> layer_indices;  // the model's Layer::index per plan layer
  bool mixed() const;   // some layer runs in NCHW
};

// The estimates go through the cost database like tune's own, so the tuning of the planned model
// that follows reuses them. With `nchw_layers` false every layer stays NHWC and the plan holds
// only the transposes the boundary layouts require. InputError for a model without graph ids.
LayoutSearch search_layouts(const kernels::Model& model, const TuneOptions& options, const model::Machine& machine,
                            costdb::Database& db, BoundaryLayouts boundary = {}, bool nchw_layers = true);

}  // namespace pietune::tuner
