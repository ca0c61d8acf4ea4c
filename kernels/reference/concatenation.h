// Reference CONCATENATION as TFLM's concatenation.cc: the inputs' values copied side by side
// along the axis, without requantization even when the inputs' quantization differs from the
// output's (TFLM's int8 path copies bytes), and only without a fused activation (as TFLM).
#pragma once

#include <span>

#include "kernels/layer.h"
#include "kernels/reference/tensor.h"

namespace pietune::kernels::reference {

// `inputs` are the layer's inputs in order, any one tensor type shared by all and the output.
// Throws InputError (with the layer label) for a fused activation other than NONE and mismatched
// tensors.
Tensor concatenation(const Layer& layer, std::span<const Tensor> inputs);

}  // namespace pietune::kernels::reference
