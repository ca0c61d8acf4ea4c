// TFLite SAME/VALID output sizes and pad amounts (tensorflow/lite/kernels/padding.h rules), with dilation.
#pragma once

#include <cstdint>

#include "kernels/layer.h"

namespace pietune::kernels {

// One spatial axis. TFLite puts the odd pixel of SAME padding after the input (bottom/right):
// total = max(0, (output - 1) * stride + effective_kernel - input), before = total / 2,
// after = total - before. VALID never pads.
struct AxisPadding {
  std::int64_t output = 0;  // SAME: ceil(input / stride); VALID: (input - effective) / stride + 1
  std::int64_t before = 0;  // top or left
  std::int64_t after = 0;   // bottom or right
};

// (kernel - 1) * dilation + 1.
std::int64_t effective_kernel_size(std::int64_t kernel, std::int64_t dilation);

// Output size and pads along one axis. Requires input, kernel, stride, dilation in [1, 2^31 - 1]
// (a bug otherwise). VALID with an effective kernel larger than the input gives output < 1;
// callers report that as bad input.
AxisPadding compute_axis_padding(std::int64_t input, std::int64_t kernel, std::int64_t stride,
                                 std::int64_t dilation, Padding padding);

}  // namespace pietune::kernels
