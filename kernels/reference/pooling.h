// Reference AVERAGE_POOL_2D and MAX_POOL_2D, int8 (TFLM reference_integer_ops pooling;
// tflite_semantics.md §2.6). No requantization: TFLM requires the input and output scales to
// agree within 1e-6 and the zero points to be equal, and so do these functions.
#pragma once

#include "kernels/layer.h"
#include "kernels/reference/tensor.h"

namespace pietune::kernels::reference {

// Each window is clipped to the image (padding taps are not counted). With sum the raw int8
// values of the n in-image taps: avg = (sum + n/2) / n if sum > 0, else (sum - n/2) / n, C
// truncating division (so halves round away from zero); then the activation clamp. Throws
// InputError (with the layer label) for mismatched quantization, non-int8 tensors, and a window
// without any in-image tap.
Tensor average_pool2d(const Layer& layer, const Tensor& input);

// Maximum over the clipped window (starting from -128), then the activation clamp.
Tensor max_pool2d(const Layer& layer, const Tensor& input);

}  // namespace pietune::kernels::reference
