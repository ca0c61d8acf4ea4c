// Fixed-point exp, 1/(1+x) and reciprocal for SOFTMAX, with every step's rounding as gemmlowp's.
#include "kernels/reference/fixed_point.h"

#include <bit>
#include <limits>

#include "kernels/reference/requantize.h"
#include "model/support/error.h"

namespace pietune::kernels::reference {
namespace {

constexpr std::int32_t kInt32Max = std::numeric_limits<std::int32_t>::max();
constexpr std::int32_t kInt32Min = std::numeric_limits<std::int32_t>::min();

// gemmlowp adds and subtracts raw values without saturation; wrap instead of overflowing.
std::int32_t add(std::int32_t a, std::int32_t b) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) + static_cast<std::uint32_t>(b));
}
std::int32_t sub(std::int32_t a, std::int32_t b) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) - static_cast<std::uint32_t>(b));
}
std::int32_t mul(std::int32_t a, std::int32_t b) { return saturating_rounding_doubling_high_mul(a, b); }

// (a + b) / 2 rounded to nearest, halves away from zero (gemmlowp RoundingHalfSum).
std::int32_t rounding_half_sum(std::int32_t a, std::int32_t b) {
  const std::int64_t sum = std::int64_t{a} + b;
  return static_cast<std::int32_t>((sum + (sum >= 0 ? 1 : -1)) / 2);
}

// exp(a) for a in [-1/4, 0), a and the result with 0 integer bits: exp(-1/8) * (1 + x + x^2/2 +
// x^3/6 + x^4/24) with x = a + 1/8.
std::int32_t exp_on_interval_minus_quarter_to_zero(std::int32_t a) {
  constexpr std::int32_t kExpMinusOneEighth = 1895147668;  // exp(-1/8)
  constexpr std::int32_t kOneThird = 715827883;
  const std::int32_t x = add(a, std::int32_t{1} << 28);  // + 1/8
  const std::int32_t x2 = mul(x, x);
  const std::int32_t x3 = mul(x2, x);
  const std::int32_t x4 = mul(x2, x2);
  const std::int32_t x4_over_4 = rounding_divide_by_pot(x4, 2);
  const std::int32_t poly = rounding_divide_by_pot(add(mul(add(x4_over_4, x3), kOneThird), x2), 1);
  return add(kExpMinusOneEighth, mul(kExpMinusOneEighth, add(x, poly)));
}

}  // namespace

std::int32_t saturating_rounding_multiply_by_pot(std::int32_t x, int exponent) {
  PIETUNE_CHECK(exponent >= -31 && exponent <= 31) << "exponent " << exponent;
  if (exponent <= 0) return rounding_divide_by_pot(x, -exponent);
  const std::int64_t threshold = (std::int64_t{1} << (31 - exponent)) - 1;
  if (x > threshold) return kInt32Max;
  if (x < -threshold) return kInt32Min;
  return static_cast<std::int32_t>(std::int64_t{x} * (std::int64_t{1} << exponent));
}

std::int32_t rescale_fixed_point(std::int32_t raw, int from_integer_bits, int to_integer_bits) {
  return saturating_rounding_multiply_by_pot(raw, from_integer_bits - to_integer_bits);
}

std::int32_t exp_on_negative_values(std::int32_t raw, int integer_bits) {
  PIETUNE_CHECK(integer_bits >= 0 && integer_bits <= 29) << "integer bits " << integer_bits;
  const int fractional_bits = 31 - integer_bits;
  // Split a = (a mod 1/4) - 1/4 - remainder: the first part lands in [-1/4, 0).
  const std::int32_t one_quarter = std::int32_t{1} << (fractional_bits - 2);
  const std::int32_t a_mod_quarter_minus_quarter = sub(raw & (one_quarter - 1), one_quarter);
  std::int32_t result = exp_on_interval_minus_quarter_to_zero(
      rescale_fixed_point(a_mod_quarter_minus_quarter, integer_bits, 0));
  const std::int32_t remainder = sub(a_mod_quarter_minus_quarter, raw);  // a multiple of 1/4, >= 0

  // exp(-2^k) with 0 integer bits, k = -2 .. 4; one factor per set bit of the remainder.
  struct Factor {
    int exponent;
    std::int32_t multiplier;
  };
  constexpr Factor kFactors[] = {{-2, 1672461947}, {-1, 1302514674}, {0, 790015084}, {1, 290630308},
                                 {2, 39332535},    {3, 720401},      {4, 242}};
  for (const Factor& f : kFactors) {
    if (integer_bits <= f.exponent) continue;
    const int bit = fractional_bits + f.exponent;
    if ((static_cast<std::uint32_t>(remainder) >> bit) & 1u) result = mul(result, f.multiplier);
  }
  if (integer_bits > 5) {  // below -32 the result is 0
    const std::int32_t minus_32 = -(std::int32_t{1} << (36 - integer_bits));
    if (raw < minus_32) result = 0;
  }
  return raw == 0 ? kInt32Max : result;
}

std::int32_t one_over_one_plus_x_for_x_in_0_1(std::int32_t raw) {
  // Newton-Raphson on d = (1 + x) / 2 in [1/2, 1), iterate with 2 integer bits.
  constexpr std::int32_t kFortyEightOverSeventeen = 1515870810;
  constexpr std::int32_t kMinusThirtyTwoOverSeventeen = -1010580540;
  constexpr std::int32_t kOneWithTwoIntegerBits = std::int32_t{1} << 29;
  const std::int32_t half_denominator = rounding_half_sum(raw, kInt32Max);
  std::int32_t x = add(kFortyEightOverSeventeen, mul(half_denominator, kMinusThirtyTwoOverSeventeen));
  for (int i = 0; i < 3; ++i) {
    const std::int32_t one_minus_dx = sub(kOneWithTwoIntegerBits, mul(half_denominator, x));
    x = add(x, rescale_fixed_point(mul(x, one_minus_dx), 4, 2));
  }
  // The iterate approximates 1 / d = 2 / (1 + input) with 2 integer bits; half of it, relabelled
  // with 1 integer bit, is moved to 0 integer bits.
  return rescale_fixed_point(x, 1, 0);
}

std::int32_t reciprocal(std::int32_t raw, int integer_bits, int* num_bits_over_unit) {
  PIETUNE_CHECK(raw > 0) << "reciprocal of " << raw;
  const int headroom_plus_one = std::countl_zero(static_cast<std::uint32_t>(raw));
  *num_bits_over_unit = integer_bits - headroom_plus_one;
  // raw normalised so its top set bit is at 2^31, i.e. 1 + x with x in [0, 1); keep x.
  const auto shifted_minus_one = static_cast<std::int32_t>(
      (static_cast<std::uint32_t>(raw) << headroom_plus_one) - (std::uint32_t{1} << 31));
  return one_over_one_plus_x_for_x_in_0_1(shifted_minus_one);
}

}  // namespace pietune::kernels::reference
