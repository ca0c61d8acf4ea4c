// Reference int8 SOFTMAX: fixed-point exp of the differences to the row maximum, normalised by a
// fixed-point reciprocal of their sum (see softmax.h for the steps and what they follow).
#include "kernels/reference/softmax.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "kernels/layer_check.h"
#include "kernels/reference/fixed_point.h"
#include "kernels/reference/layer_tensors.h"

namespace pietune::kernels::reference {
namespace {

constexpr int kScaledDiffIntegerBits = 5;
constexpr int kAccumulationIntegerBits = 12;

}  // namespace

SoftmaxParams softmax_params(const Layer& layer, RoundingMode rounding) {
  PIETUNE_CHECK(!layer.inputs.empty() && layer.outputs.size() == 1)
      << layer_label(layer) << " has no input/output";
  return with_layer_context(layer, [&] {
    expect_type(layer.input(), ElementType::kInt8, "input 0");
    expect_type(layer.output(), ElementType::kInt8, "output 0");
    const TensorQuant in = activation_quant(layer.input(), "input 0");
    const TensorQuant out = activation_quant(layer.output(), "output 0");
    if (out.zero_point != -128 || out.scale != 1.0f / 256.0f) {
      throw InputError(
          fmt::format("output quantization (scale {}, zero point {}): int8 softmax needs scale "
                      "1/256 and zero point -128",
                      out.scale, out.zero_point));
    }
    const double max_real = rounding == RoundingMode::kDouble ? 2147483647.0 : 1073741823.0;
    const double real = std::min(static_cast<double>(layer.options.beta) * static_cast<double>(in.scale) *
                                     static_cast<double>(1 << (31 - kScaledDiffIntegerBits)),
                                 max_real);
    if (!(real > 1.0)) {
      throw InputError(
          fmt::format("beta {} times input scale {} gives input multiplier {}, needs more than 1",
                      layer.options.beta, in.scale, real));
    }
    SoftmaxParams p;
    p.rounding = rounding;
    p.input_multiplier = quantize_multiplier(real, rounding);
    PIETUNE_CHECK(p.input_multiplier.shift >= 0) << "shift " << p.input_multiplier.shift << " for " << real;
    const double radius = static_cast<double>((1 << kScaledDiffIntegerBits) - 1) *
                          static_cast<double>(std::int64_t{1} << (31 - kScaledDiffIntegerBits)) /
                          static_cast<double>(std::int64_t{1} << p.input_multiplier.shift);
    p.diff_min = -static_cast<std::int32_t>(std::floor(radius));
    return p;
  });
}

Tensor softmax(const Layer& layer, const Tensor& input, RoundingMode rounding) {
  with_layer_context(layer, [&] { check_layer(layer); });
  const SoftmaxParams p = softmax_params(layer, rounding);
  return with_layer_context(layer, [&] {
    check_runtime_tensor(layer.input(), input, "input 0");
    const std::span<const std::int8_t> x = input.int8();
    const std::size_t depth = input.shape().empty() ? 1 : static_cast<std::size_t>(input.shape().back());
    std::vector<std::int8_t> out(x.size());
    if (depth == 0) return Tensor::from_int8(layer.output().shape, std::move(out));

    // exp of a difference >= diff_min, with 0 integer bits.
    auto exp_of = [&](std::int32_t diff) {
      const std::int32_t rescaled = multiply_by_quantized_multiplier(diff, p.input_multiplier, rounding);
      return exp_on_negative_values(rescaled, kScaledDiffIntegerBits);
    };
    for (std::size_t row = 0; row < x.size() / depth; ++row) {
      const std::span<const std::int8_t> values = x.subspan(row * depth, depth);
      const std::int32_t max = *std::max_element(values.begin(), values.end());
      std::uint32_t sum = 0;  // 12 integer bits; wraps like TFLM's int32 sum
      for (std::int8_t v : values) {
        const std::int32_t diff = v - max;
        if (diff >= p.diff_min) {
          sum += static_cast<std::uint32_t>(rescale_fixed_point(exp_of(diff), 0, kAccumulationIntegerBits));
        }
      }
      const auto sum_raw = static_cast<std::int32_t>(sum);
      int bits_over_unit = 0;
      const std::int32_t scale =
          sum_raw > 0 ? reciprocal(sum_raw, kAccumulationIntegerBits, &bits_over_unit) : 0;
      const int exponent = bits_over_unit + 31 - 8;
      if (sum_raw <= 0 || exponent < 0 || exponent > 31) {
        throw InputError(fmt::format(
            "row {}: {} values too many for an int8 softmax (sum of exponentials {})", row, depth, sum_raw));
      }
      for (std::size_t c = 0; c < depth; ++c) {
        const std::int32_t diff = values[c] - max;
        std::int32_t q = -128;
        if (diff >= p.diff_min) {
          const std::int32_t unsaturated =
              rounding_divide_by_pot(saturating_rounding_doubling_high_mul(scale, exp_of(diff)), exponent);
          q = std::clamp(unsaturated - 128, -128, 127);
        }
        out[row * depth + c] = static_cast<std::int8_t>(q);
      }
    }
    return Tensor::from_int8(layer.output().shape, std::move(out));
  });
}

}  // namespace pietune::kernels::reference
