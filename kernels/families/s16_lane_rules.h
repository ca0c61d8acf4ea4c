// Rules shared by the families that MAC int16 values (x - input_zp, -255..255) into the 40-bit
// QACC lanes: dwconv_s16 (channels in the lanes), dwconv_pix, conv_pix and conv_pwpix (pixels in
// the lanes).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "kernels/families/family_support.h"

namespace pietune::kernels::families {

// Σ|w| of every output channel over its products, or 128 x products for every channel when the
// layer has no weight data.
using AbsWeightSums = std::vector<std::int64_t>;

// A depthwise layer's sums (weights [1, kh, kw, out_c], g.taps() products per channel).
AbsWeightSums depthwise_abs_weight_sums(const Layer& layer, const ConvGeometry& g);
// A CONV_2D layer's sums (weights OHWI: each output channel's kh x kw x in_c / groups products
// contiguous).
AbsWeightSums conv_abs_weight_sums(const Layer& layer, const ConvGeometry& g);

// Rule "qacc40_range": every partial sum of a channel, at most 255 x Σ|w| in magnitude, inside a
// 40-bit lane; `terms` products of kind `terms_name` ("taps") per channel.
std::optional<Rejection> check_qacc40_range(const AbsWeightSums& sums, std::int64_t terms, const char* terms_name);

// The rqvec rules (codegen::rqvec_problem) with the accumulator bound |bias| + 255 Σ|w| of the
// worst channel; without constant data |bias| < 2^24 is assumed.
std::optional<Rejection> check_rqvec_s16(const Layer& layer, const reference::ChannelQuantization& qz,
                                         const AbsWeightSums& sums);

// The rqpix rules (codegen::rqpix_problem) with the same accumulator bounds, channel by channel.
std::optional<Rejection> check_rqpix_s16(const Layer& layer, const reference::ChannelQuantization& qz,
                                         const AbsWeightSums& sums);

}  // namespace pietune::kernels::families
