// TFLite Micro's requantization arithmetic: a real multiplier as (int32 multiplier, shift), and the
// fixed-point multiply in its two rounding modes (research/tflite_semantics.md §1).
//
// Meaning of a QuantizedMultiplier: real ~= multiplier * 2^(shift - 31), positive shift = left.
//   quantize_multiplier(0.75)            -> {1610612736, 0}
//   quantize_multiplier(3.0)             -> {1610612736, 2}
//   multiply_by_quantized_multiplier(-6, {1 << 30, -1}, kDouble) == -2   (x * 0.25 = -1.5)
//   multiply_by_quantized_multiplier(-6, {1 << 30, -1}, kSingle) == -1
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace pietune::kernels::reference {

// kDouble: TFLM's default (gemmlowp SaturatingRoundingDoublingHighMul, rounding ties toward +inf at
// bit 31, then RoundingDivideByPOT, ties away from zero). kSingle: a TFLITE_SINGLE_ROUNDING build
// (one rounding of the 64-bit product, ties toward +inf; shifts above 30 are clamped).
enum class RoundingMode { kDouble, kSingle };

// "double" / "single".
const char* to_string(RoundingMode mode);

struct QuantizedMultiplier {
  std::int32_t multiplier = 0;  // 0, or in [2^30, 2^31 - 1]
  int shift = 0;                // exponent; positive = left shift

  bool operator==(const QuantizedMultiplier& other) const = default;
};

// TFLM QuantizeMultiplier: frexp, round(q * 2^31) ties away from zero, q == 1 renormalised,
// shift < -31 flushed to {0, 0}; kSingle also clamps shift > 30 to {2^31 - 1, 30}.
// Throws pietune::InputError "real multiplier: not a finite number >= 0: <value>" otherwise.
QuantizedMultiplier quantize_multiplier(double real, RoundingMode mode = RoundingMode::kDouble);

// gemmlowp SaturatingRoundingDoublingHighMul: floor((a * b + 2^30) / 2^31) computed with the nudge
// and truncating division of the original; INT32_MIN * INT32_MIN saturates to INT32_MAX.
std::int32_t saturating_rounding_doubling_high_mul(std::int32_t a, std::int32_t b);

// gemmlowp RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero.
// exponent in [0, 31] (a bug otherwise).
std::int32_t rounding_divide_by_pot(std::int32_t x, int exponent);

// TFLM MultiplyByQuantizedMultiplier (int32 input). kDouble: left shift (wrapping in 32 bits, as
// the original), saturating_rounding_doubling_high_mul, rounding_divide_by_pot of the right shift.
// kSingle: (x * multiplier + 2^(30 - shift)) >> (31 - shift) in 64 bits; needs shift in
// [-31, 30] (a bug otherwise). The ...SmallerThanOneExp and ...GreaterThanOne variants TFLM uses
// in ADD and SOFTMAX compute the same values as this function for their shift ranges.
std::int32_t multiply_by_quantized_multiplier(std::int32_t x, QuantizedMultiplier m, RoundingMode mode);

// The multipliers of CONV_2D, DEPTHWISE_CONV_2D and per-channel FULLY_CONNECTED, one per output
// channel, as TFLM's PopulateConvolutionQuantizationParams computes them:
//   quantize_multiplier(double(input_scale) * double(filter_scale[c]) / double(output_scale)).
// One filter scale is used for every channel; otherwise filter_scales.size() == channels.
std::vector<QuantizedMultiplier> per_channel_multipliers(float input_scale,
                                                         std::span<const float> filter_scales,
                                                         float output_scale, std::int64_t channels,
                                                         RoundingMode mode);

// The multiplier of a per-tensor FULLY_CONNECTED (TFLM GetQuantizedConvolutionMultipler): the
// product input_scale * filter_scale is taken in float32 and only then widened,
//   quantize_multiplier(double(float(input_scale * filter_scale)) / double(output_scale)),
// which differs from the per-channel formula in the last bits for most scale triples.
QuantizedMultiplier fully_connected_per_tensor_multiplier(float input_scale, float filter_scale,
                                                          float output_scale, RoundingMode mode);

}  // namespace pietune::kernels::reference
