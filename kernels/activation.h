// Clamp bounds of a fused activation on a quantized output (TFLite CalculateActivationRangeQuantized).
#pragma once

#include <cstdint>

#include "kernels/layer.h"

namespace pietune::kernels {

struct QuantRange {
  std::int32_t min = 0;
  std::int32_t max = 0;
};

// Representable range of a quantized element type: int8 [-128, 127], uint8 [0, 255],
// int16 [-32768, 32767]; int32 and every other type: the int32 limits (no clamp).
QuantRange quantized_range(ElementType type);

// Bounds for `kind` on an output of `type` quantized with (scale, zero_point), exactly as TFLite:
// quantize(f) = zero_point + (int32) round(f / scale), division and round in float (ties away
// from zero; results beyond the int32 range saturate).
//   NONE, TANH, SIGN_BIT -> [qmin, qmax]          RELU -> [max(qmin, zp), qmax]
//   RELU6 -> [max(qmin, zp), min(qmax, quantize(6))]
//   RELU_N1_TO_1 -> [max(qmin, quantize(-1)), min(qmax, quantize(1))]
// Throws pietune::InputError when RELU6 / RELU_N1_TO_1 meet a scale that is not a positive
// finite number ("output scale 0 is not a positive number: RELU6 needs it").
Activation make_activation(ActivationKind kind, ElementType type, float scale,
                           std::int32_t zero_point);

// The same for a layer output: its first scale and zero point. An output without quantization
// gets the type's range (a float output keeps only the kind; an int8/uint8/int16 output without
// quantization takes zero point 0 and throws for RELU6 / RELU_N1_TO_1).
Activation activation_for_output(ActivationKind kind, const TensorDesc& output);

}  // namespace pietune::kernels
