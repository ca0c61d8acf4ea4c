// A model's layout plan in terms of its graph: the plan problem built from the model's tensors and
// per-layer costs, and the planned model the chosen plan becomes.
//
// The planned model is an ordinary kernels::Model, so tuning, emission and `verify MODEL` take it
// like any other: each layer the plan runs in NCHW has options.layout NCHW (its kernels are the
// NCHW variants; an element-wise layer keeps its kernel, which is layout-agnostic), and each
// transpose of the plan is a TRANSPOSE layer of its own ([0, 3, 1, 2] to NCHW, [0, 2, 3, 1]
// back), inserted right before the first layer that reads the converted tensor, with an index
// after the model's last and a new tensor id. The reference semantics are unchanged: run_model
// moves NCHW layers' tensors in NCHW form, so the planned model's outputs equal the model's.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "kernels/layer.h"
#include "tuner/layout/layout_plan.h"

namespace pietune::tuner {

// A layer's cycles in each layout (nullopt: it cannot run in that layout).
struct LayerLayoutCosts {
  std::optional<double> nhwc, nchw;
};

struct ModelLayoutProblem {
  PlanProblem problem;
  std::vector<int> tensor_ids;  // plan tensor index -> model tensor id
  std::vector<kernels::TensorDesc> tensors;  // plan tensor index -> its (NHWC) description
};

// Whether the layer's layout changes anything: false when every activation tensor is layout-free.
bool layout_matters(const kernels::Layer& layer);

// The layouts the application gives the model's inputs in and wants its outputs in (every graph
// input alike, every output alike; a layout-free tensor is the same either way).
struct BoundaryLayouts {
  ActivationLayout input = ActivationLayout::kNhwc;
  ActivationLayout output = ActivationLayout::kNhwc;
};

// The problem for `model` (graph ids required: InputError for a JSON layer file). `layer_costs(i)`
// gives layer i's costs; `transpose_cycles(layer)` the cycles of a TRANSPOSE layer, asked only for
// tensors next to a layer that can run in NCHW or at an NCHW boundary (the other tensors are never
// converted).
ModelLayoutProblem model_layout_problem(const kernels::Model& model,
                                        const std::function<LayerLayoutCosts(std::size_t)>& layer_costs,
                                        const std::function<double(const kernels::Layer&)>& transpose_cycles,
                                        BoundaryLayouts boundary = {});

// The TRANSPOSE layer that converts `tensor` (described NHWC) to `to`, reading tensor id `from_id`
// and writing `to_id`, with layer index `index`.
kernels::Layer conversion_layer(const kernels::TensorDesc& tensor, ActivationLayout to, int index, int from_id,
                                int to_id);

// The model with the plan applied (see the top of this file). Its graph inputs and outputs are in
// the problem's boundary layouts: an NCHW one is the same tensor id in NCHW form.
kernels::Model planned_model(const kernels::Model& model, const ModelLayoutProblem& problem, const LayoutPlan& plan);

}  // namespace pietune::tuner
