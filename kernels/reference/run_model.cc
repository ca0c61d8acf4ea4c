// Graph walk for run_model: tensors by id, constants from their descriptions, one layer at a time.
#include "kernels/reference/run_model.h"

#include <map>

#include <fmt/format.h>

#include "kernels/layout_order.h"
#include "kernels/reference/layer_tensors.h"
#include "kernels/reference/run_layer.h"
#include "kernels/reference/transpose.h"

namespace pietune::kernels::reference {
namespace {

// The description of tensor `id` as a layer input (consumer) or output (producer), in the form
// that layer stores it (an NCHW layer's rank-4 tensors in NCHW form), or nullopt.
std::optional<TensorDesc> find_tensor(const Model& model, int id, bool as_output) {
  for (const Layer& layer : model.layers) {
    for (const TensorDesc& t : as_output ? layer.outputs : layer.inputs) {
      if (t.id != id) continue;
      TensorDesc stored = t;
      if (layer.options.layout == ActivationLayout::kNchw && t.shape.size() == 4 && !layout_free(t))
        stored.shape = nchw_shape(t.shape);
      return stored;
    }
  }
  return std::nullopt;
}

std::vector<TensorDesc> graph_tensors(const Model& model, const std::vector<int>& ids, bool outputs) {
  if (model.input_ids.empty()) throw InputError("no graph inputs (a JSON layer file has no graph)");
  std::vector<TensorDesc> descs;
  for (int id : ids) {
    std::optional<TensorDesc> t = find_tensor(model, id, outputs);
    if (!t && outputs) t = find_tensor(model, id, false);  // a graph input passed straight through
    if (!t) {
      throw InputError(fmt::format("graph {} tensor {}: {}", outputs ? "output" : "input", id,
                                   outputs ? "not produced by any layer" : "not used by any layer"));
    }
    descs.push_back(*t);
  }
  return descs;
}

// A stored tensor in the form the reference op reads for `desc` (NHWC). An NCHW layer's tensors
// travel in NCHW form ([N, C, H, W], as a TRANSPOSE [0, 3, 1, 2] leaves them) and are permuted
// here; a layout-free tensor is the same bytes in either form, so any layer takes either.
Tensor reference_form(const Tensor& t, const TensorDesc& desc, ActivationLayout layout) {
  if (desc.shape.size() != 4 || t.shape() == desc.shape || t.shape() != nchw_shape(desc.shape)) return t;
  if (layout_free(desc)) return t.with_shape(desc.shape);
  if (layout == ActivationLayout::kNchw) return permute(t, kNchwToNhwcPerm);
  return t;  // an NCHW tensor at an NHWC layer: the shape check names it
}

// The reference op's NHWC output in the form the layer writes it (a layout-free tensor keeps its
// NHWC shape: the same bytes).
Tensor stored_form(const Tensor& t, const TensorDesc& desc, ActivationLayout layout) {
  return layout == ActivationLayout::kNchw && t.shape().size() == 4 && !layout_free(desc)
             ? permute(t, kNhwcToNchwPerm)
             : t;
}

}  // namespace

std::vector<TensorDesc> model_inputs(const Model& model) {
  return graph_tensors(model, model.input_ids, false);
}

std::vector<TensorDesc> model_outputs(const Model& model) {
  return graph_tensors(model, model.output_ids, true);
}

void check_model_supported(const Model& model) {
  for (const Layer& layer : model.layers) check_reference_supported(layer);
}

std::vector<Tensor> run_model(const Model& model, std::span<const Tensor> inputs, RoundingMode rounding,
                              const LayerObserver& observer, const LayerRunner& runner) {
  check_model_supported(model);
  const std::vector<TensorDesc> input_descs = model_inputs(model);
  if (inputs.size() != input_descs.size()) {
    throw InputError(
        fmt::format("{} input tensors given, the model has {}", inputs.size(), input_descs.size()));
  }
  std::map<int, Tensor> values;  // by tensor id
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    check_runtime_tensor(input_descs[i], inputs[i], fmt::format("input {}", i).c_str());
    values.insert_or_assign(model.input_ids[i], inputs[i]);
  }

  for (const Layer& layer : model.layers) {
    std::vector<Tensor> layer_inputs;
    for (std::size_t i = 0; i < layer.inputs.size(); ++i) {
      const TensorDesc& desc = layer.inputs[i];
      const std::string role = fmt::format("input {}", i);
      if (const auto it = values.find(desc.id); desc.id >= 0 && it != values.end()) {
        layer_inputs.push_back(reference_form(it->second, desc, layer.options.layout));
      } else if (desc.data) {
        layer_inputs.push_back(
            with_layer_context(layer, [&] { return constant_tensor(desc, role.c_str()); }));
      } else {
        throw InputError(
            fmt::format("{}: {}: tensor {} is neither a graph input, a constant nor an earlier "
                        "layer's output",
                        layer_label(layer), role, desc.id));
      }
    }
    std::optional<std::vector<Tensor>> replaced;
    if (runner) replaced = runner(layer, layer_inputs);
    std::vector<Tensor> outputs = replaced ? std::move(*replaced) : run_layer(layer, layer_inputs, rounding);
    for (std::size_t j = 0; j < outputs.size() && j < layer.outputs.size(); ++j)
      outputs[j] = stored_form(outputs[j], layer.outputs[j], layer.options.layout);
    if (observer) observer(layer, outputs);
    for (std::size_t j = 0; j < outputs.size(); ++j)
      values.insert_or_assign(layer.outputs[j].id, std::move(outputs[j]));
  }

  std::vector<Tensor> results;
  for (int id : model.output_ids) {
    const auto it = values.find(id);
    if (it == values.end())
      throw InputError(fmt::format("graph output tensor {}: not produced by any layer", id));
    results.push_back(it->second);
  }
  return results;
}

}  // namespace pietune::kernels::reference
