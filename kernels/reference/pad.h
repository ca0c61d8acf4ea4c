// Reference PAD as TFLM's pad.cc with reference_ops::Pad: the input copied into a larger output,
// the border filled with the pad value (int8: the output zero point; int16 / int32 / float32: 0).
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/layer.h"
#include "kernels/reference/tensor.h"

namespace pietune::kernels::reference {

struct PadParams {
  std::vector<std::int32_t> before;  // per dimension, elements inserted before the input
  std::vector<std::int32_t> after;   // per dimension, elements appended after it
  std::int32_t int8_value = 0;       // the fill of an int8 output (its zero point)
};

// From the layer: a Layer keeps only the spatial pads of a rank-4 tensor (options.pads: top,
// bottom, left, right), so any other padded dimension, and PADV2 (whose constant value the Layer
// does not keep), throw InputError (with the layer label).
PadParams pad_params(const Layer& layer);

// Any tensor type.
Tensor pad(const Layer& layer, const Tensor& input);

}  // namespace pietune::kernels::reference
