// MUL family "mul_espnn": the baseline rebuilt from esp-nn's S3 element-wise multiply,
// esp_nn_mul_elementwise_s8_esp32s3 (espressif/esp-nn, src/basic_math/esp_nn_mul_s8_esp32s3.S, read at
// commit 12129cf04b09af0023127ca7551dc1a363344211; esp-tflite-micro's kernels/esp_nn/mul.cc calls it
// directly for int8 operands of one size, no wrapper work). It is kept to compare against.
// Name: mul_qs8_espnn_8e_u1__pie_aligned_rqlanes (one variant).
//
// Structure, loop by loop (as esp-nn):
//   entry     left shift max(shift, 0) and right shift into registers/stack, the multiplier in a
//             register; the two offsets broadcast to s16 vectors (EE.VLDBC.16), operand 0's spilled
//             to the stack (ST.QR) because the lane code reuses its q register.
//   vector    taken when size >= 8 and both inputs are 16-byte aligned (runtime checks emitted);
//             8 elements per iteration, a counted loop (bge, counter and size in frame slots). Per
//             iteration: LD.QR of the offset, EE.VLD.L.64.IP of operand 0 and EE.VLD.H.64.IP of
//             operand 1 into one q register, one sign widening (EE.VCMP.LT.S8 + EE.VZIP.8) gives
//             both as s16, offsets added (EE.VADDS.S16), the exact 32-bit products from two
//             EE.VMUL.S16 (SAR 16: high halves, SAR 0: low halves) zipped by EE.VZIP.16, the left
//             shift (EE.VSL.32), then per 32-bit lane the scalar high multiply (EE.MOVI.32.A, MULSH +
//             MULL + 4 rounding ops, EE.MOVI.32.Q), then, behind a blti on the right shift, the
//             rounding shift in vectors with 1 << (shift - 1) recomputed per iteration (ssl + sll,
//             stored and broadcast with EE.VLDBC.32); output offset and clamp in vectors, packed with
//             EE.VUNZIP.16 + EE.VUNZIP.8, stored with EE.VST.L.64.IP.
//   leftover  the last size % 8 elements (all when size < 8): a LOOPGTZ, parameters reloaded from
//             the stack per element, one scalar product, left shift (ssl + sll), high multiply,
//             rounding shift with its half recomputed (ssl + sll) behind a blti, offset and clamp.
// Instruction-mix assumptions: as add_espnn.h (SALTU and L32R are not in the ISA table: the rounding
// uses four other ALU ops, the nudge literal an l32i); the half of the vector rounding shift goes
// through a frame slot, which needs one addi for its address (esp-nn stores it at a1 + 0, the
// register save area here). Where esp-nn's arithmetic differs from TFLM: its leftover loop adds the
// sign bit before the rounding shift (x + (x < 0) + half), which rounds negative values off by
// one from TFLM's RoundingDivideByPOT; this kernel subtracts it as the vector path does (same
// instruction count), so the result is TFLM's.
// Legality rules: operands, types, broadcast (equal sizes: esp-tflite-micro broadcasts with the
// reference op), quantization (the reference's parameters), shift_range (-31..31).
// Inputs 16-byte aligned (TFLM's arena; esp-nn's vector condition), output 8-byte aligned.
// Constants: [0] params (int32): offset 0, offset 1, output offset, clamp low, clamp high, right
// shift, multiplier, left shift, nudge 2^30; then the constant operand, if any.
#pragma once

#include <optional>

#include "kernels/families/elementwise_espnn_support.h"

namespace pietune::kernels::families {

inline constexpr ParamSpec kMulEspnnParams[] = {
    {.name = "elements", .role = ParamRole::kTile, .suffix = "e", .domain = kEight,
     .meaning = "elements per vector iteration (two 64-bit loads into one q register, products in s32 lanes)"},
    kEspnnElementwiseUnroll,
    kEspnnElementwiseInputPath,
    kEspnnElementwiseEpilogue,
};

std::optional<Rejection> mul_espnn_legal(const Layer& layer, const Variant& variant);
GeneratedKernel mul_espnn_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
