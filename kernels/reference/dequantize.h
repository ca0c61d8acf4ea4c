// Reference DEQUANTIZE as TFLM's reference_ops::Dequantize: int8 / int16 to float32,
// y = float(scale) * float(x - zero_point) (one float32 multiply, no rounding step).
#pragma once

#include "kernels/layer.h"
#include "kernels/reference/tensor.h"

namespace pietune::kernels::reference {

// Throws InputError (with the layer label) for other types and per-channel or missing input
// quantization.
Tensor dequantize(const Layer& layer, const Tensor& input);

}  // namespace pietune::kernels::reference
