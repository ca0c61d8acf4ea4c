// DEPTHWISE_CONV_2D family "dwconv_espnn_s16": the baseline for esp-nn's five 16-bit depthwise
// paths, rebuilt loop by loop (name dwconv_qs16_espnn_1p8c_u1__pie_widened_rqver1, one variant; the
// loop shape follows the layer's esp-nn path, espnn::espnn_path).
//
// Sources read (espressif/esp-nn; learned from, no line copied):
//   src/convolution/esp_nn_depthwise_conv_s8_esp32s3.c @ 1017042 (the C wrapper: which kernel, the
//     s8->s16 copies into scratch, the channel padding of the ch_mult 1, ch % 8 != 0 path);
//   src/convolution/esp_nn_depthwise_conv_s16_{mult1,mult1_3x3,mult4,mult8}_esp32s3.S @ 598a8d2;
//   src/common/esp_nn_multiply_by_quantized_mult_ver1_esp32s3.S @ 598a8d2 (the 4-lane requant).
// The dispatch (which of the five kernels) is kernels/baselines/espnn/dispatch.cc's (d45b843).
//
// Wrapper, on every call, into scratch: the filter converted to int16 (esp_nn_s8_to_s16: 16 bytes
// per step, vld + vcmp.lt.s8 + vzip.8 + 2 vst, scalar tail) and the whole input converted to int16
// with the input offset added (the same plus 2 vadds.s16); no spatial padding: the kernels clip
// the window. ch_mult 1 with ch % 8 != 0: C loops pad the channels to 8 (memsets, one scalar copy
// per element), the kernel writes a padded output into scratch and a C loop compacts it.
// Kernel loops (all five): out_y, out_x (per pixel the clipped filter columns and the bias / mult /
// shift pointers reloaded from the stack), channel group (mult1: 8 channels; mult8/mult4: per input
// channel, per 8 / 4 multiplier lanes), EE.ZERO.QACC, per in-image filter row an address setup
// from stack values (3 mull) and the taps: mult1 LOOPGTZ { vld.128.xp input, vld.128.xp filter,
// vmulas.s16.qacc }; mult8/mult4 LOOPGTZ { mov, vldbc.16 input, vld.128 / vld.l.64 filter, 2 add,
// vmulas.s16.qacc }; the 3x3 kernels the three taps straight-line with their clip branches. Then the
// low 32 bits of the 40-bit lanes: QACC_L/H spilled to the stack, the low halves gathered with
// l8ui/l16ui + s8i/s16i, the high halves by srcmb.s16.qacc (shift 16), vzip.16; the bias added
// with unaligned vld + src.q.qup + vadds.s32; esp_nn_multiply_by_quantized_mult_ver1 per 4 lanes;
// vadds out_offset, vmin/vmax, vunzip.16/.8, vst.l.64 (mult4: movi.32.a + 4 s8i).
// Approximations (all keep TFLM's result exact): the ver1 helper is inlined (no call8/entry/retw),
// its saltu carry (not in the model's ISA) becomes the equivalent (hi:lo) >> 31 + lo[30], one ALU
// op fewer per lane; the pixel clipping is resolved at emit time (fast mode needs static trip
// counts): pixels with equal clipped windows share a loop, the bound arithmetic stays as
// instructions; the per-row address setup is our own sequence with esp-nn's instruction count;
// mult8_3x3 (its .S not read) is modelled as mult1_3x3's row loop with mult8's broadcast taps;
// batches of an image that is not a 16-byte multiple widen in scalar code (unaligned source).
// Legality rules: types, shift_range, acc_range (255 Σ|w| + |bias| inside int32: saturating
// vadds.s32 and the 32-bit lane read must not differ from TFLM's wrapping int32), scratch.
// Constants: [0] filter int8 (TFLM order), [1] bias int32, [2] multipliers, [3] shifts (padded to
// the lanes, 16 bytes over), [4] out_offset, act_min, act_max. Scratch: int16 filter, int16 input,
// (padded channels) the padded output.
#pragma once

#include <optional>

#include "kernels/families/family_support.h"

namespace pietune::kernels::families {

inline constexpr ParamValue kDwconvEspnnS16Channels[] = {number_value(8)};
inline constexpr ParamValue kDwconvEspnnS16Paths[] = {word_value("widened")};
inline constexpr ParamValue kDwconvEspnnS16Epilogues[] = {word_value("rqver1")};

inline constexpr ParamSpec kDwconvEspnnS16Params[] = {
    {.name = "pixels", .role = ParamRole::kTile, .suffix = "p", .domain = kOne, .meaning = "output pixels per pass"},
    {.name = "channels", .role = ParamRole::kTile, .suffix = "c", .domain = kDwconvEspnnS16Channels,
     .meaning = "40-bit QACC lanes per group (mult4 uses 4 of them)"},
    {.name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kOne,
     .meaning = "taps in a LOOPGTZ per filter row (straight-line in the 3x3 kernels), as esp-nn"},
    {.name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kDwconvEspnnS16Paths,
     .meaning = "widened: filter and input converted to int16 into scratch on every call (offset added)"},
    {.name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kDwconvEspnnS16Epilogues,
     .meaning = "rqver1: esp-nn's 4-lane esp_nn_multiply_by_quantized_mult_ver1 (scalar 32x32 multiplies)"},
};

std::optional<Rejection> dwconv_espnn_s16_legal(const Layer& layer, const Variant& variant);
GeneratedKernel dwconv_espnn_s16_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
