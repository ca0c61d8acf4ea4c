// The pixel-lane requantization epilogue ("rqpix"): TFLM's exact double rounding for 8 accumulators
// of ONE output channel (8 pixels) in the 40-bit QACC lanes of a 16-bit MAC stream.
//
// The arithmetic is rqvec's (requant_vector.h: the 64-bit product x * M from 16-bit digits with
// MACs and floored SRCMB shifts), but every lane shares the channel, so each per-channel factor is
// one 16-bit lane of a 16-byte channel record, selected by EE.VSMULAS.S16.QACC instead of loaded
// as a vector: one load per channel instead of five, 16 bytes of constants per channel instead of
// 160, no lane masks, one slot whatever the shifts. The record also carries the bias as two digits
// so that the channel's MAC stream starts with the bias as two more taps.
//
// Record lanes (int16): kBiasHigh = -b1 and kBiasLow = b0 with bias = b1 2^16 + b0, b0 in
// [-2^15, 2^15) (the taps: the vector -2^15 twice, the vector 1 once); kMultLow / kMultHigh, the signed digits
// of M = Mh 2^16 + Ml; kRoundHigh = -Rh and kRoundLow = Rl for the rounding term
// R = 2^(r-1) (0 when r = 0) = Rh 2^15 + Rl; kRounds = 1 when r > 0 (the [h < 0] correction of
// RoundingDivideByPOT); kShift = r.
//   h = 2 xh Mh + floor((xh Ml + xl Mh + floor((xl Ml + 2^30) / 2^16)) / 2^15)
//   out = clamp(sat16(floor((h + R - [h < 0] [r > 0]) / 2^r)) + zp_out)
// The zero point is added after the shift (EE.VADDS.S16) rather than folded into R: a dead
// channel's tiny multiplier (shift 27 in vww_96_int8) makes 2^r zp_out too large for two digits.
// Left shifts (TFLM multiplies x by 2^L first, L = shift > 0, r = 0): the epilogue takes the
// digits of x' = x 2^L instead. A layer with any left shift gives every channel a second record
// (kLeftStep = -2^(15-L), kLeftScale = 2^L, kHighShift = 16 - L; L = 0 where the channel shifts
// right), and the epilogue, from the saved x: x'h = floor(x / 2^(16-L)) by SRCMB 16 - L; then
// x - x'h 2^(16-L) - 2^(15-L) = v in [-2^(15-L), 2^(15-L)) by three MACs with kLeftStep; and
// d = x'l - 2^15 = v 2^L by one more (5 instructions and 16 bytes per channel more).
// Preconditions (rqpix_problem): left shifts of at most 15, M < 2^31 - 2^15, |x| 2^L < 2^31 (x'
// does not wrap), bias from -32767 2^16 - 2^15 on (-b1 fits int16).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "kernels/codegen/emit.h"
#include "kernels/reference/channel_quantization.h"
#include "kernels/variant.h"

namespace pietune::kernels::codegen {

inline constexpr int kRecordBytes = 16;
// Record lanes (see the header).
inline constexpr int kBiasHigh = 0, kBiasLow = 1, kMultLow = 2, kMultHigh = 3, kRoundHigh = 4, kRoundLow = 5,
                     kRounds = 6, kShift = 7;

// The shared vectors, in the order a kernel's stream meets them: -2^15, ones, 2^14, the output
// zero point, activation min, activation max (8 int16 lanes each).
inline constexpr int kRqpixVectorBytes = 96;
std::vector<std::uint8_t> rqpix_vectors(const reference::ChannelQuantization& q);

// Why the epilogue cannot serve the layer (rules "rqpix_shift", "rqpix_multiplier",
// "rqpix_acc_range", "rqpix_bias"), or nullopt. bias and max_abs_acc (a bound
// of |x|, bias included) are per channel.
std::optional<Rejection> rqpix_problem(const reference::ChannelQuantization& q, const std::vector<std::int32_t>& bias,
                                       const std::vector<std::int64_t>& max_abs_acc);

// Whether some channel shifts left: then every channel has a second record.
bool rqpix_left_shifts(const reference::ChannelQuantization& q);
inline constexpr int kLeftStep = 0, kLeftScale = 1, kHighShift = 2;

// Channel c's record (16 bytes), and its second record (16 bytes) when the layer shifts left.
std::vector<std::uint8_t> rqpix_record(const reference::ChannelQuantization& q, std::int32_t bias, std::size_t c);
std::vector<std::uint8_t> rqpix_left_record(const reference::ChannelQuantization& q, std::size_t c);

struct RqpixRegs {
  int record_q = 6;      // in: the channel's record (kept)
  int minus_2_15_q = 2;  // in: the vector -2^15 (kept)
  int ones_q = 3;        // in: the vector 1 (kept)
  int vectors = 8;       // in: the shared 2^14, zero point, min, max vectors (advanced past them)
  int record = 15;       // in: the record's address (its kShift lane is read)
  int save = 13;         // in: a 16-byte aligned kQaccImageBytes save area (kept)
  int shift16 = 11, shift15 = 12, shift0 = 14;  // in: 16, 15, 0 (kept); -1: loaded into t0 when used
  int t0 = 10;           // clobbered
  int left_record = -1;  // in (layers with left shifts): the second record's address (advanced past it)
};

// After the channel's MACs (bias taps included): the 8 results as bytes 0..7 of q7. Clobbers
// q0, q1, q4, q5, q7 and QACC. With r.left_record >= 0 the digits are those of x 2^L.
void emit_rqpix_epilogue(FunctionBuilder& b, const RqpixRegs& r);

}  // namespace pietune::kernels::codegen
