// The 16-bit depthwise rules (see the header).
#include "kernels/families/depthwise_s16_rules.h"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "kernels/codegen/requant_vector.h"

namespace pietune::kernels::families {
namespace {

// Σ|w| over the taps of channel c (weights [1, kh, kw, out_c]).
std::int64_t abs_weight_sum(const std::vector<std::int8_t>& w, const ConvGeometry& g, int c) {
  std::int64_t sum = 0;
  for (std::int64_t t = 0; t < g.taps(); ++t) sum += std::abs(int{w[static_cast<std::size_t>(t * g.out_c + c)]});
  return sum;
}

}  // namespace

std::optional<Rejection> check_qacc40_depthwise(const Layer& layer, const ConvGeometry& g) {
  constexpr std::int64_t kLaneMax = (std::int64_t{1} << 39) - 1;
  const bool have_data = layer.weights->data != nullptr;
  const std::vector<std::int8_t> w = have_data ? weights_int8(layer) : std::vector<std::int8_t>{};
  for (int c = 0; c < g.out_c; ++c) {
    const std::int64_t abs_sum = have_data ? abs_weight_sum(w, g, c) : 128 * g.taps();
    if (255 * abs_sum > kLaneMax)
      return Rejection{"qacc40_range", fmt::format("channel {}: worst-case lane sum {} over {} taps exceeds the 40-bit "
                                                   "QACC lane range (sum of |w| = {}, inputs -255..255)",
                                                   c, 255 * abs_sum, g.taps(), abs_sum)};
    if (!have_data) break;  // every channel has the same bound
  }
  return std::nullopt;
}

std::optional<Rejection> check_rqvec_depthwise(const Layer& layer, const ConvGeometry& g,
                                               const reference::ChannelQuantization& qz) {
  std::int64_t worst = 255 * 128 * g.taps() + (std::int64_t{1} << 24);
  if (layer.weights->data) {
    const std::vector<std::int8_t> w = weights_int8(layer);
    const std::vector<std::int32_t> bias = bias_int32(layer, g.out_c);
    worst = 0;
    for (int c = 0; c < g.out_c; ++c)
      worst = std::max(worst, std::abs(std::int64_t{bias[static_cast<std::size_t>(c)]}) + 255 * abs_weight_sum(w, g, c));
  }
  return codegen::rqvec_problem(qz, worst);
}

}  // namespace pietune::kernels::families
