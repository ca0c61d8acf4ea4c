// The text of `pietune inspect`: one row per layer, then the model totals.
//
//   person_detect: 31 layers
//    #  op                 input      output     kernel  stride  padding t/b/l/r  dilation ...
//    0  DEPTHWISE_CONV_2D  1x96x96x1  1x48x48x8  3x3     2x2     SAME 0/1/0/1     1x1      ...
//   ...
//   totals
//     MACs  CONV_2D  14 layers  ...
#pragma once

#include <cstdint>
#include <string>

#include "kernels/layer.h"

namespace pietune::tuner {

// The whole report as text (the CLI prints it). Columns: index, op, input and output shapes,
// kernel, stride, padding with pads (top/bottom/left/right), dilation, activation with its clamp
// bounds, weight quantization (per-channel / per-tensor), MACs, weight bytes. "-" where a column
// does not apply to the op; ops pietune does not model are marked with '*'.
std::string format_inspect_table(const kernels::Model& model);

// 1234567 -> "1,234,567".
std::string group_thousands(std::int64_t value);

}  // namespace pietune::tuner
