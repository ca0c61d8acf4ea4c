// The layout plan of a model: which activation layout (NHWC or NCHW) each layer runs in, and the
// transposes between them, chosen to minimise the whole model's cycles exactly.
//
// The problem is a graph, not a chain (a residual ADD joins two paths; a tensor may feed several
// layers), so the solver is a dynamic programme over the layers in execution order whose state
// is, for every tensor still to be read, the set of layouts it exists in: produced in its
// layer's layout, plus any layout a transpose has made of it since. A consumer that wants a layout
// the tensor lacks pays that transpose once; later consumers of the same layout read the copy.
// States with equal live sets keep the cheapest; the frontier of the bundled models is a few
// tensors, so the state count stays tiny. The result is the optimum over every assignment of
// layouts to layers, under two modelling assumptions stated here: a layer's cycles depend only
// on its own layout, and a transpose costs the same wherever it is placed between producer and
// consumer.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "kernels/layer.h"

namespace pietune::tuner {

using kernels::ActivationLayout;

struct PlanTensor {
  // The same bytes in both layouts (rank other than 4, or H*W == 1, or C == 1): never transposed.
  bool layout_free = false;
  double to_nchw_cycles = 0;  // the transpose NHWC -> NCHW of this tensor
  double to_nhwc_cycles = 0;  // and back
};

struct PlanLayer {
  std::vector<int> inputs;  // activation tensors read (indices into PlanProblem::tensors)
  int output = -1;          // the tensor written
  std::optional<double> nhwc_cycles, nchw_cycles;  // nullopt: the layer cannot run in that layout
};

struct PlanProblem {
  std::vector<PlanTensor> tensors;
  std::vector<PlanLayer> layers;  // in execution order
  struct Boundary {
    int tensor = -1;
    ActivationLayout layout = ActivationLayout::kNhwc;
  };
  std::vector<Boundary> inputs;   // the model's inputs, in the layout the application gives
  std::vector<Boundary> outputs;  // the model's outputs, in the layout the application wants
};

// One transpose of the plan, made right before layer `before_layer` reads the tensor
// (before_layer == layers.size(): before the model returns an output).
struct PlanConversion {
  int tensor = -1;
  ActivationLayout to = ActivationLayout::kNchw;
  int before_layer = 0;
  double cycles = 0;
};

struct LayoutPlan {
  std::vector<ActivationLayout> layer_layouts;  // one per layer
  std::vector<PlanConversion> conversions;      // in execution order
  double layer_cycles = 0, conversion_cycles = 0;
  double cycles() const { return layer_cycles + conversion_cycles; }
};

// The cheapest plan (ties: the one with NHWC earlier in execution order). InputError when a layer
// can run in no layout, or a tensor is read before it is written.
LayoutPlan plan_layouts(const PlanProblem& problem);

// Every layer in NHWC with the boundary transposes the application's layouts require: the plan a
// model without layout search runs (InputError when a layer cannot run in NHWC).
LayoutPlan all_nhwc_plan(const PlanProblem& problem);

}  // namespace pietune::tuner
