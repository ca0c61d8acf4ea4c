// CONV_2D family "conv_espnn_im2col": the baseline for esp-nn's im2col convolution
// esp_nn_conv_s8_im2col_s3, which esp_nn_conv_s8_esp32s3 runs when filter_wd * in_ch < 16 and
// filter_wd * filter_ht * in_ch >= 16 (first layers of image and audio models: 3x3 over 1-3
// channels). Rebuilt loop by loop; kept to compare against (never the goal).
// Name: conv_qs8_espnnim2col_1p1c_u1__pie_im2col_rqscalar (one variant).
//
// Sources (espressif/esp-nn; read to learn the structure, no line copied):
//   src/convolution/esp_nn_conv_esp32s3.c @ 101704238474f85b830465727a38df32d941dc98
//     (esp_nn_conv_s8_im2col_s3 and its dispatch; the dispatch rows follow d45b843, see
//     kernels/baselines/espnn/dispatch.cc)
//   src/common/esp_nn_dot_s8_esp32s3.S @ 328e7dcb37187d559a7baf620dee6aac1161ca5e
//     (esp_nn_dot_s8_aligned_esp32s3)
//   src/common/common_functions.h @ 72d709023ad8b779b39240078138f9061556393b
//     (esp_nn_multiply_by_quantized_mult, the exact C requantization esp_nn_requantize expands to)
//
// Structure, per batch (esp-tflite-micro calls esp-nn once per batch):
//   setup, per output channel: the C filter-sum loop over the window (LOOPGTZ of l8ui, addi,
//     sext, add), times input_offset, stored to filter_sum[oc] in scratch; memcpy of the filter
//     into an aligned copy (rows of round_up(window, 16) bytes) and memset of its zero tail.
//     Then one memset of the im2col row's tail.
//   out_y -> out_x: per pixel the interior test (is_safe_y && x >= safe_x_start && x < safe_x_end,
//     esp-nn's own bounds with C's truncating division), then
//     fast path: per filter row (a counted loop) memcpy(buf, src, filter_wd * in_ch);
//     slow path: per filter row the in_y tests, then per tap the in_x tests and memcpy(buf, src,
//       in_ch) or memset(buf, pad_val, in_ch); a row outside the image one memset of the row;
//     then per output channel (counted loop): arguments reloaded from the stack,
//     esp_nn_dot_s8_aligned_esp32s3(buf, filter, window_len_aligned) (ee.zero.accx, two beqz,
//     srli, the primed vld pair, addi + beqz, a LOOPGTZ of chunks - 1 fused
//     vmulas.s8.accx.ld.ip + vld, the last vmulas.s8.accx, nop, nop, rur.accx_0), + filter_sum[oc],
//     `if (bias)` + bias[oc], mult and shift loaded, esp_nn_multiply_by_quantized_mult as C
//     compiles it, out_offset and both clamps reloaded from the stack, one s8i, filter += len.
// The rows and columns esp-nn treats alike are emitted alike: edge rows and columns (outside
// esp-nn's interior bounds) one by one with their taps' in/out pattern fixed at emit time, the
// interior rows and columns as loops (frame-slot counters, the C locals gcc spills).
//
// Approximations (the IR has no call8, l32r or data-dependent control flow; results are TFLM's):
//   * Calls are inline: call8 and retw.n are each a `j` to the next instruction (a taken jump's
//     bubble), entry is a nop; the argument moves stay. Values live across a call sit in a2..a7
//     or are reloaded from the frame after it, as gcc must (a8..a15 are the callee's window).
//   * memcpy / memset (libc, not esp-nn; not read) are modelled as their byte path: a copy of the
//     destination, two alignment tests (bbsi) and a LOOPNEZ of 4 (memcpy) or 2 (memset)
//     instructions per byte. These copies are under 16 bytes at arbitrary alignments.
//   * Branches whose direction depends on the pixel (interior test, in_y / in_x tests, bias) are
//     resolved at emit time: a branch that falls through is kept (its target is the next
//     instruction), a taken one is a `j`. Kept branches test values whose direction is known
//     (a8 = 1, a9 = 0 reloaded from the stack per pixel, as gcc reloads the spilled bounds;
//     libc's alignment bbsi on high bits of the count), so the emulator, like the fast mode,
//     never takes them. The loop control of edge pixels emitted one by one
//     (4 instructions each) is left out, and so are the safe-region divisions (once per call).
//   * The slow path's C index arithmetic ((in_y * input_wd + in_x) * in_ch) is one or two adds
//     from the window pointer; gcc's add/mull/add is a few instructions more per tap.
//   * gcc's 64-bit adds in the doubling high multiply branch over the carry increment (bgeu);
//     here each carry is branch-free (minu, xor, addi, movnez: 2 instructions more).
//   * esp-nn's three pointer streams (bias, mult, shift) are one 12-byte entry per channel.
// Exactness: ACCX's low word wraps as TFLM's int32 sum; filter_sum * input_offset + bias wraps
// alike; esp_nn_multiply_by_quantized_mult is TFLM's double rounding, so no range rule is needed.
//
// Legality rules: types, groups (1), dilation (1), window (esp-nn's im2col condition:
// filter_wd * in_ch < 16 and window >= 16), shift_range, safe_region (esp-nn's interior bounds
// must not send a window leaving the image down the fast path: C's truncating division can, on
// images smaller than the filter), scratch.
// Constants: [0] the filter as TFLM holds it [Cout][KH][KW][Cin] int8, [1] per output channel
// {bias (0 without one), multiplier, shift} int32.
// Scratch (esp-nn's layout): filter_sum [Cout] int32 (16-byte rounded), the aligned filter copy
// [Cout][round_up(window, 16)], the im2col row [round_up(window, 16)].
#pragma once

#include <optional>

#include "kernels/families/family_support.h"

namespace pietune::kernels::families {

inline constexpr ParamValue kEspnnIm2colPath[] = {word_value("im2col")};

inline constexpr ParamSpec kConvEspnnIm2colParams[] = {
    {.name = "pixels", .role = ParamRole::kTile, .suffix = "p", .domain = kOne, .meaning = "output pixels per dot product"},
    {.name = "channels", .role = ParamRole::kTile, .suffix = "c", .domain = kOne,
     .meaning = "output channels per dot product (one esp_nn_dot_s8_aligned_esp32s3 call each)"},
    {.name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kOne,
     .meaning = "one fused MAC + load per 16-byte chunk, as esp_nn_dot_s8_aligned_esp32s3's loop"},
    {.name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kEspnnIm2colPath,
     .meaning = "per pixel the window copied (memcpy / memset) into an aligned row zero-padded to 16 bytes"},
    {.name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kScalarEpilogue,
     .meaning = kEpilogueMeaning},
};

std::optional<Rejection> conv_espnn_im2col_legal(const Layer& layer, const Variant& variant);
GeneratedKernel conv_espnn_im2col_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
