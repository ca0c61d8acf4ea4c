// DEPTHWISE_CONV_2D family "dwconv_s16": the 16-bit path, 8 channels per group of 40-bit QACC
// lanes, one output pixel at a time (name dwconv_qs16_qacc_1p8c_u1__pie_widened_<epilogue>).
//
// Dataflow: the input is copied into scratch widened to int16 with the input offset added
// (x - input_zp, -255..255), bordered with 0 (a skipped tap's x - zp), each input channel written
// depth-multiplier times so lane oc meets input channel oc / multiplier, each pixel padded to a
// multiple of 8 channels (16 bytes): scalar l8ui/sext/add/s16i per input byte (widened), or, for
// multiplier 1, channels a multiple of 16 and a 16-byte aligned input, 16 bytes per step as esp-nn
// widens (vwiden: EE.VCMP.LT.S8 sign bytes, EE.VZIP.8, EE.VADDS.S16 of the offset). Per output pixel and
// group of 8 channels: EE.ZERO.QACC, one EE.VMULAS.S16.QACC per tap (8 lanes of 40 bits) whose
// fused .LD.XP form loads the next tap (address steps in registers: next column, next filter row),
// then either (rqscalar) the low 32 bits of each lane are read with RUR.QACC_* (ssai/src across
// words), and per output the bias, the scalar requantization, the clamp and one s8i; or (rqvec)
// QACC starts from the bias and the 8 lanes are requantized together by the vectorised exact
// epilogue (codegen/requant_vector.h). The 40-bit lanes never
// saturate for real kernels, so there is no 20-bit lane-range rule: this family is legal where
// dwconv_qacc is rejected for qacc_lane_range. Sums beyond int32 wrap in the low 32 bits exactly
// as the reference's int32 accumulator.
// Legality rules: types, depth_multiplier (up to 64 copies per input value in the staging loop),
// shift_range, vwiden_channels, qacc40_range (Σ|w| * 255 per channel inside the 40-bit lanes),
// scratch; rqvec adds
// rqvec_shift, rqvec_multiplier and rqvec_acc_range (|bias| + 255 Σ|w| inside int32).
// Constants: [0] weights [groups][taps][8] int16, [1] requant table (bias only: the input offset
// is already in the staged values), or per group the bias as a QACC image and the rqvec block,
// [2] the rqvec vectors. Scratch: the widened, bordered input, then a QACC save area (rqvec).
#pragma once

#include <optional>

#include "kernels/families/family_support.h"

namespace pietune::kernels::families {

inline constexpr ParamValue kDwconvS16Channels[] = {number_value(8)};
inline constexpr ParamValue kDwconvS16Paths[] = {word_value("widened"), word_value("vwiden")};

inline constexpr ParamSpec kDwconvS16Params[] = {
    {.name = "pixels", .role = ParamRole::kTile, .suffix = "p", .domain = kOne, .meaning = "output pixels per pass"},
    {.name = "channels", .role = ParamRole::kTile, .suffix = "c", .domain = kDwconvS16Channels,
     .meaning = "channels per QACC group (one 40-bit lane each)"},
    {.name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kOne,
     .meaning = "taps are straight-line code; no further unrolling"},
    {.name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kDwconvS16Paths,
     .meaning = "widened: int16 scratch copy with the input offset added, bordered with 0, channels padded to 8, "
                "value by value; vwiden: the same copy 16 bytes per step (vcmp.lt.s8 + vzip.8 + vadds.s16)"},
    {.name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kVectorEpilogues,
     .meaning = kVectorEpilogueMeaning},
};

std::optional<Rejection> dwconv_s16_legal(const Layer& layer, const Variant& variant);
GeneratedKernel dwconv_s16_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
