// Checks a Layer against what its op implies and fills the options it derives from its tensors.
// Shared by the .tflite reader and the JSON layer loader, so both reject the same impossible layers.
#pragma once

#include <cstdint>
#include <limits>

#include "kernels/layer.h"

namespace pietune::kernels {

inline constexpr int kMaxRank = 8;
inline constexpr std::int64_t kMaxElements = std::numeric_limits<std::int32_t>::max();

// One tensor on its own: rank <= kMaxRank; every dim >= 1 (>= 0 with allow_zero_dims); element
// count <= kMaxElements; quantization: at least one scale, every scale finite and >= 0, zero
// points empty or one per scale and inside the type's range, per-channel scales along a
// dimension < rank with one scale per entry. Throws pietune::InputError "<what>: <value>".
void check_tensor(const TensorDesc& tensor, bool allow_zero_dims);

// A scale the int8 arithmetic multiplies or divides by: finite and above 0 (a 0 makes every
// requantization multiplier 0 or infinite). Throws pietune::InputError "scale <s> is not a
// positive number". The one check behind the layer checks (the activations and weights of every
// op pietune models, so inspect refuses what tune would) and the reference ops.
void check_positive_scale(float scale);

// Fills the derived options of a layer built from tensors and the given options, then checks it:
//   CONV_2D: filter_h/w = weights dims 1, 2; groups = input channels / weights dim 3;
//   DEPTHWISE_CONV_2D: filter_h/w = weights dims 1, 2; depth_multiplier = output / input channels;
//   CONV, DEPTHWISE, pools: pads from padding, input size, kernel, stride, dilation (padding.h);
//   CONCATENATION: negative axis normalised; MEAN: axes normalised, sorted, deduplicated;
//   every op: activation clamp bounds from its kind and the output quantization (activation.h).
// Throws pietune::InputError "<what>: <value>" for the first problem found (callers prefix
// "<file>: layer N: "), e.g. "kernel 5x5 larger than padded input 3x3 (VALID)".
void complete_layer(Layer& layer);

// Checks a complete layer without changing it: tensor counts and ranks for its op, every tensor
// (check_tensor; positive scales on activations and weights), option ranges (stride, dilation, kernel >= 1), channel counts (groups, depth
// multiplier, bias length), kernel against the padded input, the output shape the op implies,
// derived options equal to what complete_layer derives (except the activation bounds, which a
// JSON layer may set by hand; they must lie inside the output type's range).
void check_layer(const Layer& layer);

}  // namespace pietune::kernels
