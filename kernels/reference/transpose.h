// Reference TRANSPOSE as TFLM's transpose.cc: output dimension i is input dimension perm[i]; the
// values move, unchanged (no requantization: TFLite gives input and output the same type).
#pragma once

#include "kernels/layer.h"
#include "kernels/reference/tensor.h"

namespace pietune::kernels::reference {

// Any tensor type of rank 1 to 5. Throws InputError (with the layer label) when the layer has no
// constant permutation or `input` does not match the layer's input.
Tensor transpose(const Layer& layer, const Tensor& input);

// The permuted copy on its own: output[i0, .., ik] = input at the index whose dimension perm[d] is
// i_d. Exposed for the layout conversions (NHWC <-> NCHW) that are transposes too.
Tensor permute(const Tensor& input, const std::vector<std::int32_t>& perm);

}  // namespace pietune::kernels::reference
