// Reference RESHAPE (tflite_semantics.md §2.7): the values unchanged under the output's shape.
#pragma once

#include "kernels/layer.h"
#include "kernels/reference/tensor.h"

namespace pietune::kernels::reference {

// Any tensor type; the output takes the layer's output shape. Throws InputError (with the layer
// label) when `input` does not match the layer's input.
Tensor reshape(const Layer& layer, const Tensor& input);

}  // namespace pietune::kernels::reference
