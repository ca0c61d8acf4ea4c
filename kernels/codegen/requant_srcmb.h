// The power-of-two requantization epilogue for 16 channels in the 20-bit QACC lanes: EE.SRCMB.S8.QACC
// instead of a scalar multiply per output. Exact with TFLM's default double rounding.
//
// When every channel's multiplier is exactly 2^30 (a real scale of exactly 2^(shift-1)) with one
// common shift s, TFLM computes, from the accumulator x (bias and offsets included):
//   y = SaturatingRoundingDoublingHighMul(x << max(s,0), 2^30) = floor((x + 1) / 2)  (s <= 0)
//   z = RoundingDivideByPOT(y, e = -s): ties away from zero, i.e. floor((y + 2^(e-1) - [y < 0]) / 2^e)
// SRCMB shifts right with floor, so z needs a rounding term that depends on the sign of y:
//   s = 1:  z = x                     preload corr + zp_out,        SRCMB 0
//   s = 0:  z = floor((x + 1) / 2)    preload corr + 1 + 2 zp_out,  SRCMB 1
//   s < 0:  preload corr + 1; SRCMB 1 leaves y in QACC and clamp8(y) in a q register, whose sign
//           is y's; EE.VCMP.LT.S8 against zero gives -1 in the lanes with y < 0, and one
//           EE.VMULAS.S8.QACC of that mask with ones subtracts [y < 0]; a few MACs of constant
//           vectors add P = 2^(e-1) + 2^e zp_out (127 * 127 per MAC at most); SRCMB e then gives
//           clamp8(z + zp_out) in one instruction for all 16 lanes.
// Then EE.VMAX.S8 / EE.VMIN.S8 apply the fused activation. s >= 2 needs a left shift that SRCMB
// cannot do, and channels with different shifts need different shift amounts: both are rejected.
//
// Constants: the preload, one QACC image per group of 16 channels (codegen/qacc_image.h); and
// kSrcmbVectorBytes of vectors (ones, activation min, activation max, then the P factors: 127s,
// ±127s, ±r, R with P = 127 (k * 127 + r) * sign + R).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kernels/codegen/emit.h"
#include "kernels/reference/channel_quantization.h"
#include "kernels/variant.h"

namespace pietune::kernels::codegen {

inline constexpr int kSrcmbVectorBytes = 112;  // seven 16-byte vectors

// Range of the partial sums of one channel's MACs (raw inputs times its weights), before the
// preload is added.
struct LaneSpan {
  std::int64_t low = 0, high = 0;
};

// Why the epilogue cannot serve the layer (rules "srcmb_power_of_two", "srcmb_shift",
// "srcmb_lane_range"), or nullopt. corrections[c] is the accumulator correction (bias, folded
// offsets); spans[c] the range of channel c's MAC partial sums.
std::optional<Rejection> srcmb_problem(const reference::ChannelQuantization& q, std::span<const std::int32_t> corrections,
                                       std::span<const LaneSpan> spans);

// The constant buffers (see the file comment); the layer must pass srcmb_problem.
std::vector<std::uint8_t> srcmb_preloads(const reference::ChannelQuantization& q, std::span<const std::int32_t> corrections);
std::vector<std::uint8_t> srcmb_vectors(const reference::ChannelQuantization& q);

// After the MACs: requantizes the 16 lanes into q2 (clobbers q2..q7, QACC and address registers
// tmp and tmp2), reading the vectors at address register `vectors` (kept).
void emit_srcmb_epilogue(FunctionBuilder& b, const reference::ChannelQuantization& q, int vectors, int tmp, int tmp2);

// Stores the first `lanes` bytes of q register `value` at address register `out` + 0..lanes-1,
// which may be unaligned (EE.MOVI.32.A per word, then s8i and shifts); clobbers `tmp`. With a
// `stride` other than 1 the bytes go `stride` apart instead and `out` advances by lanes * stride
// (stride_tmp clobbered when the stride needs a register).
void emit_store_lanes(FunctionBuilder& b, int value, int lanes, int out, int tmp, std::int32_t stride = 1,
                      int stride_tmp = -1);

}  // namespace pietune::kernels::codegen
