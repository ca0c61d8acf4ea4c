// The exact scalar requantization epilogue (TFLM double rounding) with base Xtensa instructions,
// and the per-channel table it reads.
//
// Table: one 24-byte entry per output channel, six little-endian int32 words:
//   +0  bias   the accumulator correction added first (the bias, folded with Σw·(-input_zp) by
//              families that accumulate raw input values)
//   +4  mult   the multiplier m (0 or 2^30..2^31-1)
//   +8  lmul   1 << max(shift, 0): the left shift as a wrapping 32-bit multiply (mull)
//   +12 right  max(-shift, 0), 0..31
//   +16 mask   (1 << right) - 1
//   +20 half   mask >> 1
// Code for one value in `acc` (about 26 instructions):
//   acc += bias; acc = mull(acc, lmul)                         x << left, wrapping as TFLM's int32
//   hi = mulsh(acc, m); lo = mull(acc, m)                      the 64-bit product, split
//   h = 2*hi + lo[31] + lo[30]                                 SaturatingRoundingDoublingHighMul:
//                                                              floor((p + 2^30) / 2^31), exact for
//                                                              m >= 0 (no saturation case exists)
//   ssr right; q = sra(h)                                      RoundingDivideByPOT: floor(h / 2^right)
//   q += ((mask>>1) + (h < 0) - (h & mask)) < 0                + (remainder > threshold)
//   acc = q + output_zp; clamp with max/min (or clamps 7)      both ops never overflow: every term
//                                                              stays inside int32
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kernels/codegen/emit.h"
#include "kernels/reference/channel_quantization.h"

namespace pietune::kernels::codegen {

inline constexpr int kRequantEntryBytes = 24;

// The table for `corrections[c]` (the bias word) and q.multipliers[c]. Each shift must lie in
// -31..31 (requant_shift_problem says why not, for legality rules).
std::vector<std::uint8_t> requant_table(std::span<const std::int32_t> corrections,
                                        const reference::ChannelQuantization& q);

// Empty when every multiplier's shift fits the table, else a reason with numbers
// ("channel 3: multiplier shift 33 outside -31..31").
std::string requant_shift_problem(const reference::ChannelQuantization& q);

struct RequantRegs {
  int acc = 12;    // in: the int32 accumulator; out: the int8 result (sign-extended)
  int t0 = 13, t1 = 14, t2 = 15;  // clobbered
  int table = 6;   // points at an entry (plus entry_offset)
};

// Emits the epilogue for one value; the entry is at table + entry_offset (0..1000, multiple of 4).
void emit_requant_scalar(FunctionBuilder& b, const RequantRegs& r, int entry_offset,
                         const reference::ChannelQuantization& q);

}  // namespace pietune::kernels::codegen
