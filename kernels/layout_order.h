// Reordering a rank-4 activation tensor between NHWC (how the reference and every layer shape
// see it) and the memory order a kernel is called with (GeneratedKernel::layout).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kernels/layer.h"

namespace pietune::kernels {

// The NHWC bytes of a tensor of `shape` (NHWC) in `layout` order; a copy for NHWC or a rank other
// than 4.
std::vector<std::uint8_t> nhwc_to_layout(std::span<const std::uint8_t> nhwc, const std::vector<std::int32_t>& shape,
                                         ActivationLayout layout);
// The inverse: bytes in `layout` order back to NHWC.
std::vector<std::uint8_t> layout_to_nhwc(std::span<const std::uint8_t> bytes, const std::vector<std::int32_t>& shape,
                                         ActivationLayout layout);

}  // namespace pietune::kernels
