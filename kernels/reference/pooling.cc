// Reference pooling: one clipped window per output element, average or maximum of raw values.
#include "kernels/reference/pooling.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "kernels/layer_check.h"
#include "kernels/reference/layer_tensors.h"

namespace pietune::kernels::reference {
namespace {

enum class PoolKind { kAverage, kMax };

void check_pool_quantization(const Layer& layer) {
  expect_type(layer.input(), ElementType::kInt8, "input 0");
  expect_type(layer.output(), ElementType::kInt8, "output 0");
  const TensorQuant in = activation_quant(layer.input(), "input 0");
  const TensorQuant out = activation_quant(layer.output(), "output 0");
  if (std::fabs(in.scale - out.scale) > 1e-6f || in.zero_point != out.zero_point) {
    throw InputError(
        fmt::format("output quantization (scale {}, zero point {}) differs from the input's "
                    "(scale {}, zero point {}): pooling does not requantize",
                    out.scale, out.zero_point, in.scale, in.zero_point));
  }
}

Tensor pool(const Layer& layer, const Tensor& input, PoolKind kind) {
  return with_layer_context(layer, [&] {
    check_layer(layer);
    check_runtime_tensor(layer.input(), input, "input 0");
    check_pool_quantization(layer);
    const Shape& in_shape = layer.input().shape;
    const Shape& out_shape = layer.output().shape;
    const int batches = in_shape[0], in_h = in_shape[1], in_w = in_shape[2], depth = in_shape[3];
    const int out_h = out_shape[1], out_w = out_shape[2];
    const LayerOptions& o = layer.options;
    const std::span<const std::int8_t> x = input.int8();

    std::vector<std::int8_t> out;
    out.reserve(static_cast<std::size_t>(shape_element_count(out_shape)));
    for (int b = 0; b < batches; ++b) {
      for (int oy = 0; oy < out_h; ++oy) {
        for (int ox = 0; ox < out_w; ++ox) {
          const int origin_y = oy * o.stride_h - o.pads.top;
          const int origin_x = ox * o.stride_w - o.pads.left;
          const int y_begin = std::max(0, origin_y), y_end = std::min(in_h, origin_y + o.filter_h);
          const int x_begin = std::max(0, origin_x), x_end = std::min(in_w, origin_x + o.filter_w);
          const int taps = std::max(0, y_end - y_begin) * std::max(0, x_end - x_begin);
          if (taps == 0) {
            throw InputError(
                fmt::format("pool window at output ({}, {}, {}) covers no input pixel", b, oy, ox));
          }
          for (int c = 0; c < depth; ++c) {
            std::int32_t sum = 0;
            std::int32_t max = -128;
            for (int iy = y_begin; iy < y_end; ++iy) {
              for (int ix = x_begin; ix < x_end; ++ix) {
                const std::int32_t v = x[((static_cast<std::size_t>(b) * in_h + iy) * in_w + ix) * depth + c];
                sum += v;
                max = std::max(max, v);
              }
            }
            std::int32_t value = max;
            if (kind == PoolKind::kAverage) {
              value = sum > 0 ? (sum + taps / 2) / taps : (sum - taps / 2) / taps;
            }
            out.push_back(static_cast<std::int8_t>(std::clamp(value, o.activation.min, o.activation.max)));
          }
        }
      }
    }
    return Tensor::from_int8(out_shape, std::move(out));
  });
}

}  // namespace

Tensor average_pool2d(const Layer& layer, const Tensor& input) {
  return pool(layer, input, PoolKind::kAverage);
}

Tensor max_pool2d(const Layer& layer, const Tensor& input) { return pool(layer, input, PoolKind::kMax); }

}  // namespace pietune::kernels::reference
