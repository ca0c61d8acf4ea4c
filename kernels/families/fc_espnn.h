// FULLY_CONNECTED family "fc_espnn": the baseline that rebuilds what esp-nn runs for a fully
// connected layer on the ESP32-S3, loop by loop. One variant; the generator takes the path
// espnn::espnn_path(layer) names. Name: fc_qs8_espnn_1p1c_u2__pie_unaligned_rqscalar.
//
// Sources read (espressif/esp-nn; read to learn, nothing copied):
//   src/fully_connected/esp_nn_fully_connected_esp32s3.c @ 8022c7109b4846e69710726d775d865d2843c597
//     (the C entry of the d45b843 era: the dispatch in kernels/baselines/espnn/dispatch.cc)
//   src/common/esp_nn_dot_s8_esp32s3.S @ 6e2e7163b850de3186395b185b7ba8b990fb28f2 (2x unrolled)
//   src/fully_connected/esp_nn_fully_connected_s8_esp32s3.S @ db4b05470cfed5b3e65ede75086f2640bc5538d1
//     (the ACCX s16 kernel, later renamed esp_nn_fc_s16_esp32s3; the 2022 598a8d2 copy used QACC)
//   src/common/common_functions.h (esp_nn_multiply_by_quantized_mult, the C requantization)
//
// Dot path "esp_nn_dot_s8_unaligned_esp32s3" (filter_offset 0, row_len >= 16), per batch:
//   C pre-pass per output: `if (input_offset)` a scalar filter-sum loop (l8ui/sext/add per byte)
//     and a mull; `if (bias)` + bias[ch]; the correction stored to a stack array (our scratch).
//   C main loop per output: the call esp_nn_dot_s8_unaligned_esp32s3(input, filter + ch*row_len,
//     row_len/16): ee.zero.accx, ld.128.usar prime, srai, a 2x unrolled LOOPGTZ of 8 insns
//     (src.q.qup, vld, vmulas.s8.accx, ld.128.usar, x2), bbci on the odd chunk, the single-chunk
//     block or the two pointer back-ups, movi/nop/ee.srs.accx; then the C scalar tail loop over
//     row_len % 16 bytes, + corrections[ch], esp_nn_multiply_by_quantized_mult compiled as C
//     (shift split, overflow test, sign-chosen nudge, 64-bit adds with their carries,
//     pick_sat_high32, exact esp_nn_div_by_power_of_two), out_offset, clamp with values spilled
//     across the call (reloaded from the stack), one s8i.
// s16 path "esp_nn_fc_s16_esp32s3", per batch: the assembly's prologue (vldbc.16 of both offsets,
//   shifts split once and spilled) and per output: SAR_BYTE = 2 * (filter & 7), a primed
//   vld.l.64 + vcmp.lt.s8 + vzip.8, a LOOPGTZ of row_len/8 10-insn iterations (two vld.l.64, two
//   sign-widenings, two vadds.s16, src.q.qup, vmulas.s16.accx), ee.srs.accx, the 10-insn scalar
//   remainder loop, bias, the assembly's requantization (sll, mulsh/mull with the 2^30 nudge,
//   ssai 31 + src, the "fast" rounding divide under blti), out_offset and clamp reloaded from the
//   stack, and the loop bound reloaded from the stack.
//
// Approximations (the model has no call or l32r, and we must stay TFLM-exact):
//   * The call is inline: call8 and retw.n are each a `j` to the next instruction (the jump
//     penalty), entry is a nop; the argument moves stay.
//   * l32r is an l32i from a frame slot; saltu (not in the model's ISA table) in the assembly's
//     64-bit nudge add is replaced by the 4-insn extui/addx2/extui/add form of the same value.
//   * An odd chunk count > 1 takes esp-nn's single-chunk block after the loop, which at 6e2e716
//     reloads input and filter blocks one chunk too far; we keep its loads (into unused q
//     registers, same addresses and count) but multiply the blocks already loaded, as TFLM needs.
//   * The per-channel s16 kernel (esp_nn_fc_per_ch_s16_esp32s3) is taken to be the per-tensor one
//     with out_mult[ch] / out_shift[ch] loaded and split per output (4 more insns); not read.
//   * Branches: gcc's 64-bit carry (bgeu over an addi) and the rounding `if` are branch-free here
//     (minu/xor/addi/movnez; sub/extui/add), because the fast timing mode assumes forward branches
//     not taken; a conditional branch whose direction the layer fixes (bias null, input_offset 0,
//     even chunk count, row_len >= 8, a per-tensor shift) is a `j` when taken (same bubble).
//   * At 8022c71 the input_offset != 0 pre-pass is a plain C byte loop (4 insns per filter byte,
//     every output, every call): it dominates rows of 128 (ad01). Later esp-nn uses
//     esp_nn_filter_sum_s8_esp32s3 (SIMD) instead; we follow the dispatch's commit.
//   * The C code's register allocation is ours: values live across the call are reloaded from
//     the stack after it (a8..a15 are the callee's window), as gcc must.
// Legality rules: types, row_len (esp-nn takes a uint16), batch_alignment (esp-nn's per-batch
// calls reach an input that is not 16-byte aligned, or for the s16 path not 8-byte aligned:
// esp-nn switches path or reads the wrong bytes), accumulator_range (esp-nn's rounding divide
// adds 2^(R-1) without overflow checks, and ee.srs.accx saturates: exact only for |acc| < 2^30),
// shift_range.
// Constants: [0] weights [units][row_len] int8 exactly as TFLM holds them (+48 bytes so the
// unaligned block reads stay inside), [1] per output {bias, multiplier, shift} int32.
// Scratch: the pre-pass corrections, 4 bytes per output (esp-nn's stack array).
#pragma once

#include <optional>

#include "kernels/families/family_support.h"

namespace pietune::kernels::families {

inline constexpr ParamValue kFcEspnnUnroll[] = {number_value(2)};
inline constexpr ParamValue kFcEspnnPaths[] = {word_value("unaligned")};

inline constexpr ParamSpec kFcEspnnParams[] = {
    {.name = "rows", .role = ParamRole::kTile, .suffix = "p", .domain = kOne, .meaning = "input rows per pass"},
    {.name = "units", .role = ParamRole::kTile, .suffix = "c", .domain = kOne, .meaning = "output units per dot product"},
    {.name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kFcEspnnUnroll,
     .meaning = "two 16-byte chunks per iteration of esp_nn_dot_s8_unaligned_esp32s3's loop"},
    {.name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kFcEspnnPaths,
     .meaning = "filter rows read in place at any alignment (USAR + SRC.Q), the input aligned"},
    {.name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kScalarEpilogue,
     .meaning = kEpilogueMeaning},
};

std::optional<Rejection> fc_espnn_legal(const Layer& layer, const Variant& variant);
GeneratedKernel fc_espnn_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
