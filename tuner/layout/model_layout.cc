// The model side of the layout plan (see the header).
#include "tuner/layout/model_layout.h"

#include <algorithm>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "kernels/layer_check.h"
#include "kernels/layout_order.h"
#include "kernels/registry.h"
#include "model/support/error.h"

namespace pietune::tuner {
namespace {

using kernels::Layer;
using kernels::TensorDesc;

using kernels::nchw_shape;

// The activation tensors a layer reads: its non-constant inputs. Unlike kernel_argument_inputs,
// a layer whose inputs are all constant reads none (a constant is no tensor of the plan's graph).
std::vector<const TensorDesc*> activation_inputs(const Layer& layer) {
  std::vector<const TensorDesc*> inputs;
  for (const TensorDesc& t : layer.inputs)
    if (!t.constant && !t.data) inputs.push_back(&t);
  return inputs;
}

}  // namespace

bool layout_matters(const Layer& layer) {
  for (const TensorDesc* t : activation_inputs(layer))
    if (!kernels::layout_free(*t)) return true;
  for (const TensorDesc& t : layer.outputs)
    if (!kernels::layout_free(t)) return true;
  return false;
}

Layer conversion_layer(const TensorDesc& tensor, ActivationLayout to, int index, int from_id, int to_id) {
  PIETUNE_CHECK(tensor.shape.size() == 4) << kernels::shape_to_string(tensor.shape);
  const bool to_nchw = to == ActivationLayout::kNchw;
  Layer l;
  l.index = index;
  l.op = kernels::OpKind::kTranspose;
  l.op_name = "TRANSPOSE";
  TensorDesc in = tensor;
  in.id = from_id;
  in.constant = false;
  in.data = nullptr;
  if (!to_nchw) in.shape = nchw_shape(tensor.shape);
  TensorDesc out = in;
  out.id = to_id;
  out.shape = to_nchw ? nchw_shape(tensor.shape) : tensor.shape;
  out.name = tensor.name + (to_nchw ? "/nchw" : "/nhwc");
  l.inputs = {in};
  l.outputs = {out};
  l.options.perm = to_nchw ? kernels::kNhwcToNchwPerm : kernels::kNchwToNhwcPerm;
  kernels::complete_layer(l);
  return l;
}

ModelLayoutProblem model_layout_problem(const kernels::Model& model,
                                        const std::function<LayerLayoutCosts(std::size_t)>& layer_costs,
                                        const std::function<double(const Layer&)>& transpose_cycles,
                                        BoundaryLayouts boundary_layouts) {
  if (model.input_ids.empty()) throw InputError("a layout plan needs the model's graph (a JSON layer file has none)");
  ModelLayoutProblem m;
  std::map<int, int> index_of;  // tensor id -> plan tensor
  auto tensor = [&](const TensorDesc& t) {
    auto [it, inserted] = index_of.emplace(t.id, static_cast<int>(m.tensors.size()));
    if (inserted) {
      m.tensors.push_back(t);
      m.tensor_ids.push_back(t.id);
      m.problem.tensors.push_back({.layout_free = kernels::layout_free(t),
                                   .to_nchw_cycles = std::numeric_limits<double>::infinity(),
                                   .to_nhwc_cycles = std::numeric_limits<double>::infinity()});
    }
    return it->second;
  };
  std::vector<bool> next_to_nchw;
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    const Layer& layer = model.layers[i];
    PlanLayer p;
    for (const TensorDesc* t : activation_inputs(layer)) p.inputs.push_back(tensor(*t));
    if (!layer.outputs.empty()) p.output = tensor(layer.output());
    const LayerLayoutCosts costs = layer_costs(i);
    p.nhwc_cycles = costs.nhwc;
    p.nchw_cycles = layout_matters(layer) ? costs.nchw : costs.nhwc;
    next_to_nchw.resize(m.tensors.size(), false);
    if (layout_matters(layer) && costs.nchw) {
      for (int t : p.inputs) next_to_nchw[static_cast<std::size_t>(t)] = true;
      if (p.output >= 0) next_to_nchw[static_cast<std::size_t>(p.output)] = true;
    }
    m.problem.layers.push_back(std::move(p));
  }
  next_to_nchw.resize(m.tensors.size(), false);
  auto boundary = [&](int id, const char* what, ActivationLayout layout) {
    const auto it = index_of.find(id);
    if (it == index_of.end()) throw InputError(fmt::format("graph {} tensor {}: not used by any layer", what, id));
    if (layout == ActivationLayout::kNchw) next_to_nchw[static_cast<std::size_t>(it->second)] = true;
    return PlanProblem::Boundary{.tensor = it->second, .layout = layout};
  };
  for (int id : model.input_ids) m.problem.inputs.push_back(boundary(id, "input", boundary_layouts.input));
  for (int id : model.output_ids) m.problem.outputs.push_back(boundary(id, "output", boundary_layouts.output));
  for (std::size_t t = 0; t < m.tensors.size(); ++t) {
    PlanTensor& pt = m.problem.tensors[t];
    if (pt.layout_free || !next_to_nchw[t]) continue;
    pt.to_nchw_cycles = transpose_cycles(conversion_layer(m.tensors[t], ActivationLayout::kNchw, 0, 0, 1));
    pt.to_nhwc_cycles = transpose_cycles(conversion_layer(m.tensors[t], ActivationLayout::kNhwc, 0, 0, 1));
  }
  return m;
}

kernels::Model planned_model(const kernels::Model& model, const ModelLayoutProblem& problem, const LayoutPlan& plan) {
  kernels::Model out = model;
  out.layers.clear();
  int next_index = 0, next_id = 0;
  for (const Layer& layer : model.layers) {
    next_index = std::max(next_index, layer.index + 1);
    for (const TensorDesc& t : layer.inputs) next_id = std::max(next_id, t.id + 1);
    for (const TensorDesc& t : layer.outputs) next_id = std::max(next_id, t.id + 1);
  }
  std::map<std::pair<int, ActivationLayout>, int> version;  // (tensor id, layout) -> id of that form
  for (const PlanProblem::Boundary& b : problem.problem.inputs)
    version[{problem.tensor_ids[static_cast<std::size_t>(b.tensor)], b.layout}] =
        problem.tensor_ids[static_cast<std::size_t>(b.tensor)];
  auto convert_before = [&](int step) {
    for (const PlanConversion& c : plan.conversions) {
      if (c.before_layer != step) continue;
      const int id = problem.tensor_ids[static_cast<std::size_t>(c.tensor)];
      const ActivationLayout from = c.to == ActivationLayout::kNchw ? ActivationLayout::kNhwc : ActivationLayout::kNchw;
      const int from_id = version.at({id, from});
      const int to_id = next_id++;
      out.layout_conversions.push_back(next_index);
      out.layers.push_back(
          conversion_layer(problem.tensors[static_cast<std::size_t>(c.tensor)], c.to, next_index++, from_id, to_id));
      version[{id, c.to}] = to_id;
    }
  };
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    convert_before(static_cast<int>(i));
    Layer layer = model.layers[i];
    const ActivationLayout layout = plan.layer_layouts[i];
    if (!layout_matters(layer)) {
      out.layers.push_back(std::move(layer));
      continue;
    }
    layer.options.layout = layout;
    for (TensorDesc& t : layer.inputs)
      if (!t.constant && !t.data && !kernels::layout_free(t)) t.id = version.at({t.id, layout});
    for (const TensorDesc& t : layer.outputs) version[{t.id, layout}] = t.id;
    out.layers.push_back(std::move(layer));
  }
  convert_before(static_cast<int>(model.layers.size()));
  for (std::size_t o = 0; o < out.output_ids.size(); ++o) {
    const auto it = version.find({out.output_ids[o], problem.problem.outputs[o].layout});
    if (it != version.end()) out.output_ids[o] = it->second;
  }
  return out;
}

}  // namespace pietune::tuner
