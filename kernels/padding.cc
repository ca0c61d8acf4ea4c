// TFLite SAME/VALID output size and pad amounts along one spatial axis.
#include "kernels/padding.h"

#include <algorithm>
#include <limits>

#include "model/support/error.h"

namespace pietune::kernels {
namespace {

constexpr std::int64_t kMaxOperand = std::numeric_limits<std::int32_t>::max();

bool in_range(std::int64_t v) { return v >= 1 && v <= kMaxOperand; }

}  // namespace

std::int64_t effective_kernel_size(std::int64_t kernel, std::int64_t dilation) {
  PIETUNE_CHECK(in_range(kernel) && in_range(dilation)) << "kernel " << kernel << " dilation " << dilation;
  return (kernel - 1) * dilation + 1;
}

AxisPadding compute_axis_padding(std::int64_t input, std::int64_t kernel, std::int64_t stride,
                                 std::int64_t dilation, Padding padding) {
  PIETUNE_CHECK(in_range(input) && in_range(stride))
      << "input " << input << " stride " << stride;
  const std::int64_t effective = effective_kernel_size(kernel, dilation);
  AxisPadding axis;
  if (padding == Padding::kValid) {
    // (input - effective) / stride + 1 rounded toward minus infinity, as TFLite's
    // (input + stride - effective) / stride for the non-negative case.
    const std::int64_t span = input - effective;
    axis.output = span >= 0 ? span / stride + 1 : -((-span + stride - 1) / stride) + 1;
    return axis;
  }
  axis.output = (input + stride - 1) / stride;
  // (output - 1) * stride < input here, so nothing overflows for operands below 2^31.
  const std::int64_t total = std::max<std::int64_t>(0, (axis.output - 1) * stride + effective - input);
  axis.before = total / 2;
  axis.after = total - axis.before;
  return axis;
}

}  // namespace pietune::kernels
