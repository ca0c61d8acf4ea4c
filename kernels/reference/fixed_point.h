// gemmlowp-style int32 fixed-point math that TFLM's int8 SOFTMAX is built from, rewritten from the
// behaviour of gemmlowp's fixedpoint.h (Rescale, exp_on_negative_values,
// one_over_one_plus_x_for_x_in_0_1) and TFLM's GetReciprocal.
//
// A value with I integer bits ("Q I.(31-I)") is raw / 2^(31 - I); e.g. with I = 5, raw -2^26 is -1.
// Arithmetic between values is that of gemmlowp: products are
// saturating_rounding_doubling_high_mul (integer bits add), sums wrap.
#pragma once

#include <cstdint>

namespace pietune::kernels::reference {

// x * 2^exponent: exponent > 0 is a left shift saturating at the int32 limits, exponent < 0 is
// rounding_divide_by_pot(x, -exponent). exponent in [-31, 31].
std::int32_t saturating_rounding_multiply_by_pot(std::int32_t x, int exponent);

// The same value moved from `from_integer_bits` to `to_integer_bits` (gemmlowp Rescale).
std::int32_t rescale_fixed_point(std::int32_t raw, int from_integer_bits, int to_integer_bits);

// exp(x) for x <= 0 given with `integer_bits` in [0, 29]; result with 0 integer bits (exp(0) is
// INT32_MAX). Polynomial on [-1/4, 0) around -1/8, then a barrel of exp(-2^k) factors.
std::int32_t exp_on_negative_values(std::int32_t raw, int integer_bits);

// 1 / (1 + x) for x in [0, 1), input and result with 0 integer bits (3 Newton-Raphson steps from
// 48/17 - 32/17 * d, as gemmlowp).
std::int32_t one_over_one_plus_x_for_x_in_0_1(std::int32_t raw);

// TFLM GetReciprocal: for x > 0 with `integer_bits`, returns s with 0 integer bits and sets
// *num_bits_over_unit so that 1/x = s * 2^-num_bits_over_unit (s = 1 / (x normalised to [1, 2))).
std::int32_t reciprocal(std::int32_t raw, int integer_bits, int* num_bits_over_unit);

}  // namespace pietune::kernels::reference
