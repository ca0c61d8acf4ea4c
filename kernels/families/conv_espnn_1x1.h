// CONV_2D family "conv_espnn_1x1": the baseline for esp-nn's pointwise kernel
// esp_nn_conv_s8_mult8_1x1_esp32s3 (1x1, pad 0, stride 1, in_ch % 8 == 0: every pointwise layer of
// the MobileNet-style models). Kept to compare against (never the goal).
// Name: conv_qs16_espnn1x1_8p1c_u1__pie_widened_rqespnn (one variant).
//
// Sources (espressif/esp-nn; read to learn the structure, no line copied):
//   src/convolution/esp_nn_conv_s8_mult8_1x1_esp32s3.S        @ 0ec0440a0fdab3dd7cfadb3f41bea634fdc42159
//   src/common/esp_nn_multiply_by_quantized_mult_esp32s3.S    @ 598a8d2e67c5ce82fb153d9442b6e16fd510b1df
//   src/convolution/esp_nn_conv_esp32s3.c, the 2022-23 wrapper (the validation commit's 1x1 branch):
//   with in_ch % 8 == 0 and an 8-byte aligned filter it copies nothing and calls the kernel on the
//   input and filter in place (our constants are 16-byte aligned): no wrapper work is modelled.
//
// Frame as esp-nn's (`entry a1, 160`): the QACC spill area at a1 + 16 and the words esp-nn keeps on
// its stack (input pointer, i_out, loop bounds, bias pointer, offsets, clamps, the rounding term).
// Loop structure, per batch (size = H * W pixels):
//   blocks of 8 pixels (i_out and size - 7 reloaded from the stack, blt):
//     transpose: LOOPGTZ over in_ch / 8: 8 EE.VLD.{L,H}.64.XP (pixel stride in_ch), VZIP.8/16/32,
//       sign-widening (VCMP.LT.S8 + VZIP.8), the input offset added (VADDS.S16, .ST.INCP forms):
//       scratch holds per input channel the 8 pixels as int16 (16 bytes).
//     per output channel (a7 counted against out_ch loaded with l16ui, bne):
//       QACC zeroed; the scratch pointer and both loop bounds reloaded from the stack; 8 filter
//       bytes loaded and widened; 6 VSMULAS.S16.QACC.LD.INCP (one tap broadcast to 8 pixel lanes,
//       the input two channels ahead loaded), blti (in_ch < 16 skips the loop), LOOPGTZ over
//       in_ch / 8 - 1 chunks (2 MACs, next filter bytes, 6 MACs), 2 last VSMULAS.
//       QACC (8 lanes of 40 bits) spilled per half (ST.QACC_?.L.128 + .H.32); lane j's low word
//       read with one l32i at byte 5j and moved into a q register (MOVI.32.Q).
//       Bias: beqz on the bias pointer, VLDBC.32.IP (pointer kept on the stack), VADDS.S32.
//       esp-nn's 4-lane helper esp_nn_multiply_by_quantized_mult_asm_esp32s3 inlined twice (pixels
//       0-3, 4-7): wsr.sar, bltz around VSL.32 (left shift), 4 lanes out (MOVI.32.A), 4 MULSH +
//       4 MULL, the doubling high multiply per lane, lanes back (MOVI.32.Q), bgez around the
//       rounding shift (VCMP.LT.S32, 1 << (e - 1) built in scalar, stored and broadcast with
//       VLDBC.32, VADDS.S32 x2, VSR.32).
//       Output offset and clamp (VLDBC.32 from the stack, VADDS/VMIN/VMAX.S32), VUNZIP.16, one
//       VST.128 to the spill area, 8 l8ui/s8i to the 8 pixels (out_ch bytes apart).
//   leftover pixels (size % 8), one at a time, per output channel: VLD.L.64 of input and filter, both
//     widened, offset added, VMULAS.S16.QACC (8 lane sums), LOOPGTZ over in_ch / 8 - 1; QACC
//     spilled, the low halfwords of the lanes gathered with l8ui/l16ui/s8i/s16i, the high parts
//     from SRCMB.S16.QACC 16, VZIP.16 + VADDS.S32 + MOVI.32.A + adds to one sum; bias; esp-nn's
//     inline scalar requantization (blti around the rounding shift), offset, clamp, one s8i.
//
// Exactness and instruction-mix assumptions (the results are TFLM's; esp-nn's count/shape is kept):
// - Lane reads: esp-nn's l32i take byte offsets 5, 10, 15 (the S3 does unaligned scalar loads in
//   hardware); the IR's l32i offset is a multiple of 4, so an addi forms each unaligned base
//   (3 instructions per half that esp-nn does not have).
// - The doubling high multiply is computed as 2 hi + ((lo >> 30) + 1) >> 1 (srli/addi/srli/addx2),
//   the same value and count as esp-nn's nudge add, carry and src (no literal load needed).
// - esp-nn's data-dependent branches (bltz/bgez/blti on each channel's shift, beqz on the bias
//   pointer, blti in_ch < 16) are resolved per layer at emit time, since generated kernels have no
//   data-dependent control flow: a branch never taken here is kept, one always taken is left out
//   with the code it skips, and with shifts of both signs the shift code is branch-free (SAR =
//   max(shift, 0); a compare threshold of INT32_MIN and a zero addend for right shift 0; TFLM's
//   remainder form in the scalar leftover), a few instructions more than esp-nn's.
// - The helper is inlined: its call8/entry/retw (a few instructions and a window rotation per
//   call) are not priced.
// - Saturation: VADDS.S32 saturates where TFLM's int32 wraps; rule espnn_acc_range keeps the bias
//   add, the rounding add and the output offset add below 2^31 (the left shift is VSL.32, which
//   wraps as TFLM's does), so that no add saturates.
// Legality rules: types, pointwise (1x1, stride 1, pad 0, one group, in_ch % 8 == 0), shift_range,
// espnn_acc_range, scratch.
// Constants: [0] weights [out_c][in_c] int8 (the filter as is), [1] bias int32 [out_c] (its call-block
// word read as 0 when the layer has none: esp-nn's NULL bias), [2] out_mult, [3] out_shift (int32
// per channel). Scratch: the transposed block, 16 * in_ch bytes, plus 32 bytes the pipelined loads
// read past it. Input: 8-byte aligned (EE.VLD.L/H.64 drop the low 3 address bits).
#pragma once

#include <optional>

#include "kernels/families/family_support.h"

namespace pietune::kernels::families {

inline constexpr ParamValue kEspnn1x1Pixels[] = {number_value(8)};
inline constexpr ParamValue kEspnn1x1Paths[] = {word_value("widened")};
inline constexpr ParamValue kEspnn1x1Epilogues[] = {word_value("rqespnn")};

inline constexpr ParamSpec kConvEspnn1x1Params[] = {
    {.name = "pixels", .role = ParamRole::kTile, .suffix = "p", .domain = kEspnn1x1Pixels,
     .meaning = "pixels per block, one 40-bit QACC lane each (leftover pixels one at a time)"},
    {.name = "channels", .role = ParamRole::kTile, .suffix = "c", .domain = kOne,
     .meaning = "output channels per pass over the transposed block"},
    {.name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kOne,
     .meaning = "8 taps per inner-loop iteration, as esp-nn's loop"},
    {.name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kEspnn1x1Paths,
     .meaning = "widened: each block of 8 pixels transposed to int16 with the input offset added, in scratch"},
    {.name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kEspnn1x1Epilogues,
     .meaning = "rqespnn: esp-nn's 4-lane helper (scalar 32x32 multiplies, vector shifts), exact TFLM double "
                "rounding"},
};

std::optional<Rejection> conv_espnn_1x1_legal(const Layer& layer, const Variant& variant);
GeneratedKernel conv_espnn_1x1_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
