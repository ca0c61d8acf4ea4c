// The vectorised exact requantization epilogue (TFLM double rounding) for 8 accumulators in the
// 40-bit QACC lanes of a 16-bit MAC stream. PIE has no 32x32 multiply; the 64-bit product x * M is
// built from 16-bit signed digits with EE.VMULAS.S16.QACC and floored partial shifts with
// EE.SRCMB.S16.QACC, which keeps the whole 40-bit shifted lane in QACC.
//
// With M >= 0, SaturatingRoundingDoublingHighMul(x, M) = floor((x M + 2^30) / 2^31) for every x
// (the truncating division of the negative branch equals this floor). Write M = Mh 2^16 + Ml and
// x = xh 2^16 + xl with signed 16-bit digits (Ml in [-2^15, 2^15); M < 2^31 - 2^15 keeps Mh
// below 2^15), then
//   h = 2 xh Mh + floor((xh Ml + xl Mh + floor((xl Ml + 2^30) / 2^16)) / 2^15)
// which is the lane sequence: MAC 2^30 and xl Ml; SRCMB 16; MAC xh Ml and xl Mh; SRCMB 15; MAC
// xh Mh twice. The digits of x come from QACC itself: the image is saved (EE.ST.QACC_*), SRCMB 16
// gives xh = floor(x / 2^16) in a q register, the image is restored, two MACs of xh by -2^15
// leave the low part in 0..2^16-1, one more MAC subtracts 2^15 and SRCMB 0 gives it as a signed
// digit d = xl - 2^15 (so xl Ml = d Ml + 2 * 2^14 Ml: two more MACs of constants).
// RoundingDivideByPOT(h, r) ties away from zero: floor((h + 2^(r-1) - [h < 0]) / 2^r). SRCMB 0
// leaves h in QACC and sat16(h), whose sign is h's, in a q register; EE.VCMP.LT.S16 makes the
// mask, one MAC subtracts [h < 0] (r > 0), one MAC adds 2^(r-1) + 2^r zp_out, SRCMB r and the
// activation clamp (EE.VMAX/VMIN.S16) finish. SRCMB shifts every lane alike, so channels with
// different shifts are served in slots: each slot restores h from a saved image, finishes with its
// shift and keeps its lanes (a lane mask, EE.ANDQ / EE.ORQ). A group of 8 runs `slots` slots, the
// most distinct shifts among the groups of the layer. EE.VUNZIP.8 packs the 8 results into bytes.
// 60 instructions for 8 outputs with one slot, 22 more per further slot (its image restore
// included) and 5 to save h once, against about 30 per output for the scalar epilogue.
// Preconditions (rqvec_problem): right shifts of at most 22 (the rounding term must be a product
// of two int16), no left shift, every M below 2^31 - 2^15, |x| < 2^31.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernels/codegen/emit.h"
#include "kernels/reference/channel_quantization.h"
#include "kernels/variant.h"

namespace pietune::kernels::codegen {

// M = high 2^16 + low with signed 16-bit digits (low in [-2^15, 2^15)); high fits int16 for every
// M below kMaxDigitMultiplier. Shared with the pixel-lane epilogue (requant_pix.h).
struct MultiplierDigits {
  std::int16_t high = 0, low = 0;
};
inline constexpr std::int64_t kMaxDigitMultiplier = (std::int64_t{1} << 31) - (std::int64_t{1} << 15);
MultiplierDigits multiplier_digits(std::int32_t m);

// Shared vectors: ones, -2^15, 2^14, activation min and max (8 int16 lanes each).
inline constexpr int kRqvecVectorBytes = 80;

// Why the epilogue cannot serve the layer (rules "rqvec_shift", "rqvec_multiplier",
// "rqvec_acc_range"), or nullopt; max_abs_acc bounds |x| (bias included).
std::optional<Rejection> rqvec_problem(const reference::ChannelQuantization& q, std::int64_t max_abs_acc);

// The most distinct shifts among the groups of 8 channels: the slots every group runs.
int rqvec_slots(const reference::ChannelQuantization& q);
// Bytes of one group's block: the digits, then per slot its shift, rounding factors, tie vector
// and lane mask.
inline constexpr int rqvec_block_bytes(int slots) { return 32 + 80 * slots; }

// The block of channels first..first+7 (zero past the last channel).
std::vector<std::uint8_t> rqvec_block(const reference::ChannelQuantization& q, std::size_t first, int slots);
std::vector<std::uint8_t> rqvec_vectors(const reference::ChannelQuantization& q);
// Per group of 8 channels: the bias as a QACC image (40-bit lanes, the MACs' starting value), then
// the group's block: what a family walks with RqvecRegs::block.
std::vector<std::uint8_t> rqvec_bias_blocks(const std::vector<std::int32_t>& bias, const reference::ChannelQuantization& q);

struct RqvecRegs {
  int block = 6;     // in: the group's block; out: advanced past it
  int vectors = 12;  // in: the shared vectors (kept)
  int save = 13;     // in: a 16-byte aligned kQaccImageBytes save area (kept)
  int t0 = 14, t1 = 15;  // clobbered
};

// After the MACs of one group: the 8 results as bytes 0..7 of q7 (clobbers q0..q7 and QACC).
void emit_rqvec_epilogue(FunctionBuilder& b, int slots, const RqvecRegs& r);

// The end of a group in a family kernel: a12 = vectors and a13 = save area from their frame
// slots, the epilogue with a6 as the block, the first `lanes` results stored at a3, a3 advanced.
// Clobbers a12..a15.
void emit_rqvec_group_end(FunctionBuilder& b, const reference::ChannelQuantization& q, int lanes, int vectors_slot,
                          int save_slot);

}  // namespace pietune::kernels::codegen
