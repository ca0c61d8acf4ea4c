// The 16-bit lane rules (see the header).
#include "kernels/families/s16_lane_rules.h"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "kernels/codegen/requant_pix.h"
#include "kernels/codegen/requant_vector.h"

namespace pietune::kernels::families {

AbsWeightSums depthwise_abs_weight_sums(const Layer& layer, const ConvGeometry& g) {
  if (!layer.weights->data) return AbsWeightSums(static_cast<std::size_t>(g.out_c), 128 * g.taps());
  const std::vector<std::int8_t> w = weights_int8(layer);
  AbsWeightSums sums(static_cast<std::size_t>(g.out_c), 0);
  for (int c = 0; c < g.out_c; ++c)
    for (std::int64_t t = 0; t < g.taps(); ++t)
      sums[static_cast<std::size_t>(c)] += std::abs(int{w[static_cast<std::size_t>(t * g.out_c + c)]});
  return sums;
}

AbsWeightSums conv_abs_weight_sums(const Layer& layer, const ConvGeometry& g) {
  const std::int64_t terms = g.taps() * (g.in_c / layer.options.groups);
  if (!layer.weights->data) return AbsWeightSums(static_cast<std::size_t>(g.out_c), 128 * terms);
  const std::vector<std::int8_t> w = weights_int8(layer);
  AbsWeightSums sums(static_cast<std::size_t>(g.out_c), 0);
  for (int oc = 0; oc < g.out_c; ++oc)
    for (std::int64_t i = 0; i < terms; ++i)
      sums[static_cast<std::size_t>(oc)] += std::abs(int{w[static_cast<std::size_t>(oc * terms + i)]});
  return sums;
}

std::optional<Rejection> check_qacc40_range(const AbsWeightSums& sums, std::int64_t terms, const char* terms_name) {
  constexpr std::int64_t kLaneMax = (std::int64_t{1} << 39) - 1;
  for (std::size_t c = 0; c < sums.size(); ++c)
    if (255 * sums[c] > kLaneMax)
      return Rejection{"qacc40_range", fmt::format("channel {}: worst-case lane sum {} over {} {} exceeds the 40-bit "
                                                   "QACC lane range (sum of |w| = {}, inputs -255..255)",
                                                   c, 255 * sums[c], terms, terms_name, sums[c])};
  return std::nullopt;
}

namespace {

// |bias| + 255 Σ|w| per channel, and the biases (zeros, with |bias| < 2^24 assumed in the bound,
// when the layer has no constant data).
struct AccBounds {
  std::vector<std::int32_t> bias;
  std::vector<std::int64_t> max_abs;
};

AccBounds acc_bounds(const Layer& layer, const AbsWeightSums& sums) {
  const bool have_data = layer.weights->data != nullptr;
  AccBounds b;
  b.bias = have_data ? bias_int32(layer, static_cast<std::int64_t>(sums.size()))
                     : std::vector<std::int32_t>(sums.size(), 0);
  b.max_abs.resize(sums.size());
  for (std::size_t c = 0; c < sums.size(); ++c)
    b.max_abs[c] = (have_data ? std::abs(std::int64_t{b.bias[c]}) : std::int64_t{1} << 24) + 255 * sums[c];
  return b;
}

}  // namespace

std::optional<Rejection> check_rqvec_s16(const Layer& layer, const reference::ChannelQuantization& qz,
                                         const AbsWeightSums& sums) {
  const AccBounds b = acc_bounds(layer, sums);
  return codegen::rqvec_problem(qz, *std::max_element(b.max_abs.begin(), b.max_abs.end()));
}

std::optional<Rejection> check_rqpix_s16(const Layer& layer, const reference::ChannelQuantization& qz,
                                         const AbsWeightSums& sums) {
  const AccBounds b = acc_bounds(layer, sums);
  return codegen::rqpix_problem(qz, b.bias, b.max_abs);
}

}  // namespace pietune::kernels::families
