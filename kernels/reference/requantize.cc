// QuantizeMultiplier and MultiplyByQuantizedMultiplier, double and single rounding, written from
// the descriptions in research/tflite_semantics.md §1 and §2.1/§2.3.
#include "kernels/reference/requantize.h"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "model/support/error.h"

namespace pietune::kernels::reference {

const char* to_string(RoundingMode mode) { return mode == RoundingMode::kDouble ? "double" : "single"; }

QuantizedMultiplier quantize_multiplier(double real, RoundingMode mode) {
  if (!std::isfinite(real) || real < 0.0) {
    throw InputError(fmt::format("real multiplier: not a finite number >= 0: {}", real));
  }
  if (real == 0.0) return {};
  int shift = 0;
  const double fraction = std::frexp(real, &shift);  // real = fraction * 2^shift, fraction in [0.5, 1)
  auto fixed = static_cast<std::int64_t>(std::round(fraction * 2147483648.0));
  if (fixed == (std::int64_t{1} << 31)) {  // fraction rounded up to 1.0
    fixed = std::int64_t{1} << 30;
    ++shift;
  }
  if (shift < -31) return {};  // all bits would be shifted out: flushed to zero
  if (mode == RoundingMode::kSingle && shift > 30) {
    return {std::numeric_limits<std::int32_t>::max(), 30};
  }
  return {static_cast<std::int32_t>(fixed), shift};
}

std::int32_t saturating_rounding_doubling_high_mul(std::int32_t a, std::int32_t b) {
  constexpr std::int32_t kMin = std::numeric_limits<std::int32_t>::min();
  if (a == kMin && b == kMin) return std::numeric_limits<std::int32_t>::max();
  const std::int64_t product = std::int64_t{a} * std::int64_t{b};
  const std::int64_t nudge = product >= 0 ? (std::int64_t{1} << 30) : 1 - (std::int64_t{1} << 30);
  return static_cast<std::int32_t>((product + nudge) / (std::int64_t{1} << 31));
}

std::int32_t rounding_divide_by_pot(std::int32_t x, int exponent) {
  PIETUNE_CHECK(exponent >= 0 && exponent <= 31) << "exponent " << exponent;
  const std::int64_t mask = (std::int64_t{1} << exponent) - 1;
  const std::int64_t remainder = std::int64_t{x} & mask;  // two's complement low bits, >= 0
  const std::int64_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return static_cast<std::int32_t>((std::int64_t{x} >> exponent) + (remainder > threshold ? 1 : 0));
}

std::int32_t multiply_by_quantized_multiplier(std::int32_t x, QuantizedMultiplier m, RoundingMode mode) {
  if (mode == RoundingMode::kSingle) {
    PIETUNE_CHECK(m.shift >= -31 && m.shift <= 30)
        << "single rounding needs shift in [-31, 30], got " << m.shift;
    const int total_shift = 31 - m.shift;
    const std::int64_t round = std::int64_t{1} << (total_shift - 1);
    return static_cast<std::int32_t>((std::int64_t{x} * m.multiplier + round) >> total_shift);
  }
  const int left = m.shift > 0 ? m.shift : 0;
  const int right = m.shift > 0 ? 0 : -m.shift;
  // x * 2^left in 32 bits as TFLM computes it, wrapping like the hardware does.
  const std::uint32_t wrapped = left >= 32 ? 0u : static_cast<std::uint32_t>(x) << left;
  const auto shifted = static_cast<std::int32_t>(wrapped);
  return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(shifted, m.multiplier), right);
}

std::vector<QuantizedMultiplier> per_channel_multipliers(float input_scale,
                                                         std::span<const float> filter_scales,
                                                         float output_scale, std::int64_t channels,
                                                         RoundingMode mode) {
  PIETUNE_CHECK(filter_scales.size() == 1 || static_cast<std::int64_t>(filter_scales.size()) == channels)
      << filter_scales.size() << " filter scales for " << channels << " channels";
  std::vector<QuantizedMultiplier> out;
  out.reserve(static_cast<std::size_t>(channels));
  for (std::int64_t c = 0; c < channels; ++c) {
    const float filter_scale = filter_scales[filter_scales.size() == 1 ? 0 : static_cast<std::size_t>(c)];
    const double real = static_cast<double>(input_scale) * static_cast<double>(filter_scale) /
                        static_cast<double>(output_scale);
    out.push_back(quantize_multiplier(real, mode));
  }
  return out;
}

QuantizedMultiplier fully_connected_per_tensor_multiplier(float input_scale, float filter_scale,
                                                          float output_scale, RoundingMode mode) {
  const float product = input_scale * filter_scale;  // rounded to float32, as TFLM does
  return quantize_multiplier(static_cast<double>(product) / static_cast<double>(output_scale), mode);
}

}  // namespace pietune::kernels::reference
