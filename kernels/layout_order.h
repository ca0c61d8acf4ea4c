// Reordering a rank-4 activation tensor between NHWC (how the reference and every layer shape
// see it) and the memory order a kernel is called with (GeneratedKernel::layout).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kernels/layer.h"

namespace pietune::kernels {

// [N, H, W, C] -> [N, C, H, W]: the shape a rank-4 NHWC tensor has in NCHW form.
std::vector<std::int32_t> nchw_shape(const std::vector<std::int32_t>& nhwc);
// The TRANSPOSE permutations from NHWC form to NCHW form and back.
inline const std::vector<std::int32_t> kNhwcToNchwPerm{0, 3, 1, 2};
inline const std::vector<std::int32_t> kNchwToNhwcPerm{0, 2, 3, 1};

// The NHWC bytes of a tensor of `shape` (NHWC) in `layout` order; a copy for NHWC or a rank other
// than 4.
std::vector<std::uint8_t> nhwc_to_layout(std::span<const std::uint8_t> nhwc, const std::vector<std::int32_t>& shape,
                                         ActivationLayout layout);
// The inverse: bytes in `layout` order back to NHWC.
std::vector<std::uint8_t> layout_to_nhwc(std::span<const std::uint8_t> bytes, const std::vector<std::int32_t>& shape,
                                         ActivationLayout layout);

// FULLY_CONNECTED reads its input as rows of `depth` values in memory order; TFLite flattens an
// NHWC tensor, so a row is (h, w, c). A rank-4 input whose row is one whole image (H*W*C ==
// depth) may also arrive in NCHW form: its row is then (c, h, w), and the kernel takes the
// weights' columns in that order (nchw_weight_columns), which gives the NHWC layer's result.
bool can_flatten_nchw(const Layer& layer);
// The layer is such a FULLY_CONNECTED with options.layout NCHW.
bool flattens_nchw(const Layer& layer);
// Weights [units, depth] with the columns reordered from (h, w, c) to (c, h, w) of `input_shape`
// (NHWC, H*W*C == depth).
std::vector<std::int8_t> nchw_weight_columns(std::span<const std::int8_t> weights,
                                             const std::vector<std::int32_t>& input_shape);

}  // namespace pietune::kernels
