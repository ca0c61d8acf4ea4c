// A whole model through the reference ops, following tensor ids through the graph: layers run in
// Model::layers order, each reading model inputs, constants (TensorDesc::data) or earlier outputs.
// A layer whose options.layout is NCHW (a layout plan's) writes its rank-4 outputs in NCHW form
// ([N, C, H, W], what a TRANSPOSE [0, 3, 1, 2] of the NHWC tensor gives) and reads its inputs in
// that form; a layout-free tensor (layout_free) is written in NHWC shape (the same bytes) and
// read in either form. The runner and the
// reference ops see NHWC forms; the observer and the graph outputs the stored forms.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "kernels/layer.h"
#include "kernels/reference/requantize.h"
#include "kernels/reference/tensor.h"

namespace pietune::kernels::reference {

// Called after each layer with its outputs (e.g. to compare every intermediate tensor).
using LayerObserver = std::function<void(const Layer& layer, std::span<const Tensor> outputs)>;
// Runs a layer some other way (e.g. a generated kernel in the emulator) given the same inputs the
// reference op would get; nullopt leaves the layer to the reference op.
using LayerRunner =
    std::function<std::optional<std::vector<Tensor>>(const Layer& layer, std::span<const Tensor> inputs)>;

// The descriptions of the graph's input and output tensors (Model::input_ids / output_ids), found
// among the layers' tensors, in the form the graph takes or gives them (NCHW form where the first
// layer reading an input, or the layer writing an output, is an NCHW layer: a layout plan's
// boundary layouts). Throws InputError "graph input tensor <id>: not used by any layer"
// (outputs: "...: not produced by any layer") and, for a model without graph ids (a JSON layer
// file), "no graph inputs (a JSON layer file has no graph)".
std::vector<TensorDesc> model_inputs(const Model& model);
std::vector<TensorDesc> model_outputs(const Model& model);

// Throws InputError for the first layer without a reference op (run_layer.h wording), so that a
// model can be refused before it runs.
void check_model_supported(const Model& model);

// Runs the model on `inputs` (one per Model::input_ids entry, with that tensor's shape and type)
// and returns one tensor per Model::output_ids entry. Throws InputError for unsupported layers
// (before running any), wrong inputs ("input 0: shape <s>, expected <d>"), a layer
// input that is neither a graph input, a constant nor an earlier output, and every op error
// (those name the layer: "layer 3 (CONV_2D): ..."). Messages carry no file name; callers add it.
std::vector<Tensor> run_model(const Model& model, std::span<const Tensor> inputs,
                              RoundingMode rounding = RoundingMode::kDouble,
                              const LayerObserver& observer = {}, const LayerRunner& runner = {});

}  // namespace pietune::kernels::reference
