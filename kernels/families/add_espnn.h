// ADD family "add_espnn": the baseline rebuilt from esp-nn's S3 element-wise add,
// esp_nn_add_elementwise_s8_esp32s3 (espressif/esp-nn, src/basic_math/esp_nn_add_s8_esp32s3.S, read at
// commit 12129cf04b09af0023127ca7551dc1a363344211; esp-tflite-micro's kernels/esp_nn/add.cc calls it
// directly for int8 operands of one size, no wrapper work). It is kept to compare against.
// Name: add_qs8_espnn_8e_u1__pie_aligned_rqlanes (one variant).
//
// Structure, loop by loop (as esp-nn):
//   entry     esp-nn takes its 16 arguments in registers and on the stack; here the parameter words
//             (offsets, shifts, rounding halves, clamp bounds) are copied from the constant buffer to
//             frame slots, where the loops reload them as esp-nn reloads its stack arguments.
//   vector    taken when size >= 12 and both inputs are 16-byte aligned (the runtime checks are
//             emitted: blti, or + extui + bnez); 8 elements per iteration, a counted loop whose
//             counter, size and pointers live in frame slots (bge back-branch). Per iteration, per
//             operand: EE.VLD.L.64.IP (8 bytes), sign widening to s16 (EE.VCMP.LT.S8 + EE.VZIP.8), the
//             offset added (EE.VLDBC.16 from the stack + EE.VADDS.S16), widening to s32 (EE.VCMP.LT.S16
//             + EE.VZIP.16), left shift 20 (WSR.SAR + EE.VSL.32); then per 32-bit lane the scalar
//             high multiply (EE.MOVI.32.A out, MULSH + MULL + 4 rounding ops, EE.MOVI.32.Q back: PIE has
//             no 32x32 multiply), then the rounding right shift in vectors (EE.VCMP.LT.S32,
//             EE.VLDBC.32 of 1 << (shift - 1), EE.VADDS.S32 twice, EE.VSR.32), skipped by a blti when
//             the shift is 0. The two operands summed (EE.VADDS.S32), the output multiply the same
//             way, output offset and clamp in vectors (EE.VADDS/VMIN/VMAX.S32), packed with
//             EE.VUNZIP.16 + EE.VUNZIP.8, stored with EE.VST.L.64.IP.
//   leftover  the last size % 8 elements (all of them when size < 12): a scalar counted loop (blt)
//             indexing from the base pointers, every parameter reloaded from the stack per element,
//             three scalar high multiplies and three rounding shifts (each behind its blti).
// Instruction-mix assumptions (the timing model's ISA table has neither SALTU nor L32R):
//   - esp-nn rounds the 64-bit product with add nudge + saltu + add carry + src (SAR 31). Here the
//     same four ALU ops compute the same value (2 hi + ((lo >> 30) + 1) >> 1: extui, addi, srli,
//     addx2); each group keeps esp-nn's ssai 31. Both equal TFLM's SaturatingRoundingDoublingHighMul
//     (no saturation case: the multipliers are positive).
//   - esp-nn's l32r of the nudge literal becomes an l32i of the same word from the constant buffer.
//   - A blti whose block can never run (a shift of 0) is emitted taken, to the label after it.
// esp-nn's rounding shift (x + (1 << (s - 1)) - (x < 0)) >> s equals TFLM's RoundingDivideByPOT for
// the ranges ADD produces, so the arithmetic is esp-nn's and bit-exact.
// Legality rules: operands, types (elementwise_support.h), broadcast (equal sizes: esp-tflite-micro
// runs the reference for any broadcast), multiplier_range (TFLM's ADD: multipliers in (0, 1)).
// Inputs 16-byte aligned (TFLM's arena; esp-nn's vector condition), output 8-byte aligned.
// Constants: [0] params (int32): offset 0, offset 1, left shift, right shift 0, 1, out, half 0, 1,
// out, output offset, clamp low, clamp high, multiplier 0, 1, out, nudge 2^30; then the constant
// operand, if any.
#pragma once

#include <optional>

#include "kernels/families/elementwise_espnn_support.h"

namespace pietune::kernels::families {

inline constexpr ParamSpec kAddEspnnParams[] = {
    {.name = "elements", .role = ParamRole::kTile, .suffix = "e", .domain = kEight,
     .meaning = "elements per vector iteration (two 64-bit loads, widened to s32 lanes)"},
    kEspnnElementwiseUnroll,
    kEspnnElementwiseInputPath,
    kEspnnElementwiseEpilogue,
};

std::optional<Rejection> add_espnn_legal(const Layer& layer, const Variant& variant);
GeneratedKernel add_espnn_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
