// Reference MEAN: int32 sums over the reduced axes, then a truncating division or a requantization.
#include "kernels/reference/mean.h"

#include <algorithm>
#include <bit>

#include <fmt/format.h>

#include "kernels/activation.h"
#include "kernels/layer_check.h"
#include "kernels/reference/layer_tensors.h"

namespace pietune::kernels::reference {
namespace {

std::vector<std::int32_t> values_of(const Tensor& t) {
  if (t.type() == ElementType::kInt8) return {t.int8().begin(), t.int8().end()};
  return {t.int16().begin(), t.int16().end()};
}

}  // namespace

Tensor mean(const Layer& layer, const Tensor& input, RoundingMode rounding) {
  return with_layer_context(layer, [&] {
    check_layer(layer);
    check_runtime_tensor(layer.input(), input, "input 0");
    const ElementType type = layer.input().type;
    if (type != ElementType::kInt8 && type != ElementType::kInt16) {
      throw InputError(fmt::format("input 0: type {} not supported (int8 or int16)", to_string(type)));
    }
    expect_type(layer.output(), type, "output 0");
    const Shape& in_shape = input.shape();
    const std::vector<std::int32_t>& axes = layer.options.axes;
    if (axes.empty() && layer.output().element_count() != input.element_count()) {
      throw InputError("axis tensor not constant: the reduced axes are unknown");
    }
    const TensorQuant in = activation_quant(layer.input(), "input 0");
    const TensorQuant out = activation_quant(layer.output(), "output 0");

    // Strides of the output over the input's dims: 0 along a reduced axis.
    const std::size_t rank = in_shape.size();
    std::vector<std::int64_t> out_stride(rank, 0);
    std::int64_t reduced_count = 1, step = 1;
    for (std::size_t d = rank; d-- > 0;) {
      if (std::find(axes.begin(), axes.end(), static_cast<std::int32_t>(d)) != axes.end()) {
        reduced_count *= in_shape[d];
      } else {
        out_stride[d] = step;
        step *= in_shape[d];
      }
    }
    const std::int64_t out_count = layer.output().element_count();
    std::vector<std::uint32_t> sums(static_cast<std::size_t>(out_count), 0);  // int32, wrapping
    const std::vector<std::int32_t> x = values_of(input);
    std::vector<std::int64_t> index(rank, 0);
    for (std::size_t i = 0; i < x.size(); ++i) {
      std::int64_t o = 0;
      for (std::size_t d = 0; d < rank; ++d) o += index[d] * out_stride[d];
      sums[static_cast<std::size_t>(o)] += static_cast<std::uint32_t>(x[i]);
      for (std::size_t d = rank; d-- > 0;) {
        if (++index[d] < in_shape[d]) break;
        index[d] = 0;
      }
    }

    std::vector<std::int32_t> result(sums.size(), 0);
    if (reduced_count > 0 && in.scale == out.scale && in.zero_point == out.zero_point) {
      for (std::size_t i = 0; i < sums.size(); ++i) {
        result[i] = static_cast<std::int32_t>(sums[i]) / static_cast<std::int32_t>(reduced_count);
      }
    } else if (reduced_count > 0) {
      QuantizedMultiplier m =
          quantize_multiplier(static_cast<double>(in.scale) / static_cast<double>(out.scale), rounding);
      // Fold 1/n into the multiplier.
      int k = 63 - std::countl_zero(static_cast<std::uint64_t>(reduced_count));
      k = std::min({k, 32, 31 + m.shift});
      m.multiplier = static_cast<std::int32_t>((std::int64_t{m.multiplier} << k) / reduced_count);
      m.shift -= k;
      const QuantRange range = quantized_range(type);
      const auto zp_times_n =
          static_cast<std::uint32_t>(static_cast<std::int64_t>(in.zero_point) * reduced_count);
      for (std::size_t i = 0; i < sums.size(); ++i) {
        const auto centred = static_cast<std::int32_t>(sums[i] - zp_times_n);
        const std::int64_t q =
            std::int64_t{multiply_by_quantized_multiplier(centred, m, rounding)} + out.zero_point;
        result[i] = static_cast<std::int32_t>(std::clamp<std::int64_t>(q, range.min, range.max));
      }
    }
    const Shape& out_shape = layer.output().shape;
    if (type == ElementType::kInt8) return Tensor::from_int8(out_shape, {result.begin(), result.end()});
    return Tensor::from_int16(out_shape, {result.begin(), result.end()});
  });
}

}  // namespace pietune::kernels::reference
