// Rules shared by the depthwise families that MAC int16 values (x - input_zp, -255..255) into the
// 40-bit QACC lanes: dwconv_s16 (channels in the lanes) and dwconv_pix (pixels in the lanes).
#pragma once

#include <cstdint>
#include <optional>

#include "kernels/families/family_support.h"

namespace pietune::kernels::families {

// Rule "qacc40_range": every partial sum of a channel, at most 255 * Σ|w| in magnitude, inside a
// 40-bit lane (without weight data |w| = 128 is assumed).
std::optional<Rejection> check_qacc40_depthwise(const Layer& layer, const ConvGeometry& g);

// The rqvec rules (codegen::rqvec_problem) with the accumulator bound |bias| + 255 Σ|w| of the
// worst channel; without constant data |w| = 128 and |bias| < 2^24 are assumed.
std::optional<Rejection> check_rqvec_depthwise(const Layer& layer, const ConvGeometry& g,
                                               const reference::ChannelQuantization& qz);

}  // namespace pietune::kernels::families
