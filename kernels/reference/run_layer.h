// One layer through the reference op for its kind: the dispatcher the model runner and the
// verifiers share.
#pragma once

#include <span>
#include <vector>

#include "kernels/layer.h"
#include "kernels/reference/requantize.h"
#include "kernels/reference/tensor.h"

namespace pietune::kernels::reference {

// Whether a reference op exists for `op` (every OpKind but kUnsupported).
bool has_reference_op(OpKind op);

// Throws InputError "layer <i>: operator not supported by the reference ops: <op_name>" for a
// layer without a reference op (SVDF, UNIDIRECTIONAL_SEQUENCE_LSTM, ...).
void check_reference_supported(const Layer& layer);

// Runs `layer` on `inputs`, one tensor per Layer::inputs entry in order (constant inputs too),
// each with its description's shape and type; returns one tensor per Layer::outputs entry.
// Throws InputError naming the layer for unsupported layers, a wrong input count, and the op's
// own errors.
std::vector<Tensor> run_layer(const Layer& layer, std::span<const Tensor> inputs,
                              RoundingMode rounding = RoundingMode::kDouble);

}  // namespace pietune::kernels::reference
