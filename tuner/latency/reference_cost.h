// What an operator costs when plain C runs it: TFLite Micro's reference kernels (stock TFLM without
// esp-nn), and the ops pietune has no kernel family for (RESHAPE, SOFTMAX, QUANTIZE, ...).
//
// A documented cost per unit of work, not a generated program: cycles per MAC plus cycles per output
// element for the inner-product ops, per window tap for pools, per element or byte for the rest.
// The inner-product, pool and element-wise figures come from esp-nn's README (2023), which times
// its ANSI C versions of each op on the S3 at 240 MHz next to the optimized ones
// (research/espnn_kernel_timings.md): C loops with the reference kernels' structure (per output, the
// taps with offsets added, then the 64-bit MultiplyByQuantizedMultiplier). Where two rows of one
// op exist, the per-MAC and per-output figures are the exact solution of the two; the rest are
// inferred, with the reasoning in `basis`.
#pragma once

#include <optional>
#include <string>

#include "kernels/layer.h"

namespace pietune::tuner {

struct ReferenceCost {
  double cycles = 0;
  std::string basis;  // "ANSI C per MAC 9.0 + per output 149 (esp-nn README rows 1-2)"
};

// nullopt for an op whose cost nobody has measured or derived (UNSUPPORTED: SVDF, LSTM, ...).
std::optional<ReferenceCost> reference_cost(const kernels::Layer& layer);

}  // namespace pietune::tuner
