// NHWC <-> NCHW reordering (see the header).
#include "kernels/layout_order.h"

#include <cstddef>

#include "model/support/error.h"

namespace pietune::kernels {
namespace {

// Calls fn(nhwc_index, nchw_index) for every element of a rank-4 NHWC shape.
template <typename Fn>
void for_each_element(const std::vector<std::int32_t>& shape, Fn&& fn) {
  const std::size_t n = static_cast<std::size_t>(shape[0]), h = static_cast<std::size_t>(shape[1]),
                    w = static_cast<std::size_t>(shape[2]), c = static_cast<std::size_t>(shape[3]);
  for (std::size_t b = 0; b < n; ++b)
    for (std::size_t y = 0; y < h; ++y)
      for (std::size_t x = 0; x < w; ++x)
        for (std::size_t k = 0; k < c; ++k) fn(((b * h + y) * w + x) * c + k, ((b * c + k) * h + y) * w + x);
}

bool reorders(const std::vector<std::int32_t>& shape, ActivationLayout layout) {
  return layout == ActivationLayout::kNchw && shape.size() == 4;
}

}  // namespace

std::vector<std::int32_t> nchw_shape(const std::vector<std::int32_t>& nhwc) {
  PIETUNE_CHECK(nhwc.size() == 4) << nhwc.size();
  return {nhwc[0], nhwc[3], nhwc[1], nhwc[2]};
}

std::vector<std::uint8_t> nhwc_to_layout(std::span<const std::uint8_t> nhwc, const std::vector<std::int32_t>& shape,
                                         ActivationLayout layout) {
  std::vector<std::uint8_t> out(nhwc.begin(), nhwc.end());
  if (!reorders(shape, layout)) return out;
  PIETUNE_CHECK(static_cast<std::int64_t>(nhwc.size()) ==
                std::int64_t{shape[0]} * shape[1] * shape[2] * shape[3]) << nhwc.size();
  for_each_element(shape, [&](std::size_t from, std::size_t to) { out[to] = nhwc[from]; });
  return out;
}

std::vector<std::uint8_t> layout_to_nhwc(std::span<const std::uint8_t> bytes, const std::vector<std::int32_t>& shape,
                                         ActivationLayout layout) {
  std::vector<std::uint8_t> out(bytes.begin(), bytes.end());
  if (!reorders(shape, layout)) return out;
  PIETUNE_CHECK(static_cast<std::int64_t>(bytes.size()) ==
                std::int64_t{shape[0]} * shape[1] * shape[2] * shape[3]) << bytes.size();
  for_each_element(shape, [&](std::size_t to, std::size_t from) { out[to] = bytes[from]; });
  return out;
}

bool can_flatten_nchw(const Layer& layer) {
  if (layer.op != OpKind::kFullyConnected || !layer.weights || layer.weights->shape.size() != 2 ||
      layer.inputs.empty() || layer.input().shape.size() != 4)
    return false;
  const auto& s = layer.input().shape;
  return std::int64_t{s[1]} * s[2] * s[3] == layer.weights->shape[1];
}

bool flattens_nchw(const Layer& layer) {
  return layer.options.layout == ActivationLayout::kNchw && can_flatten_nchw(layer);
}

std::vector<std::int8_t> nchw_weight_columns(std::span<const std::int8_t> weights,
                                             const std::vector<std::int32_t>& input_shape) {
  PIETUNE_CHECK(input_shape.size() == 4) << input_shape.size();
  const std::vector<std::int32_t> image{1, input_shape[1], input_shape[2], input_shape[3]};
  const std::size_t depth = static_cast<std::size_t>(image[1]) * static_cast<std::size_t>(image[2]) *
                            static_cast<std::size_t>(image[3]);
  PIETUNE_CHECK(depth > 0 && weights.size() % depth == 0) << weights.size() << " " << depth;
  std::vector<std::int8_t> out(weights.size());
  for (std::size_t row = 0; row < weights.size(); row += depth)
    for_each_element(image, [&](std::size_t nhwc, std::size_t nchw) { out[row + nchw] = weights[row + nhwc]; });
  return out;
}

}  // namespace pietune::kernels
