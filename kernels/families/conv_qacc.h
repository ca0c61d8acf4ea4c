// CONV_2D family "conv_qacc": 16 output channels in the 20-bit QACC lanes, the input broadcast
// (name conv_qs8_qacc_1p16c_u1__pie_bcast_<weights>_<epilogue>). For small input channel counts.
//
// Per output pixel and group of 16 output channels: EE.ZERO.QACC; for every tap and input channel,
// EE.VLDBC.8.IP broadcasts one input byte to all lanes, a 16-byte load fetches the 16 output
// channels' weights for it, EE.VMULAS.S8.QACC accumulates; then the lanes are read with
// RUR.QACC_* and requantized by the scalar epilogue (rqscalar), or all 16 at once by EE.SRCMB.S8.QACC
// after a preload of the bias and rounding term (srcmb, codegen/requant_srcmb.h). A window row (KW * Cin contiguous bytes with
// dilation 1) is one inner loop. The input is read in place at any alignment (byte loads) unless
// taps leave the image; then it is first copied into a zero-point bordered scratch (packed pixels),
// the bias being folded with Σ(all taps) w * (-input_zp) as in conv_accx.
// Weight layouts (re-laid out at emit time): blk16, blocked by 16 output channels
// ([groups][KH][KW][Cin][16], one sequential stream per group, EE.VLD.128.IP), or hwio
// ([KH][KW][Cin][Cout], TFLite's depthwise order: each group strides through the whole array by
// Cout bytes with EE.VLD.128.XP, touching 16 bytes of every Cout-byte row).
// Legality rules: types, groups (1), hwio_channels (Cout a multiple of 16 for aligned loads),
// shift_range, qacc_lane_range (per output channel over the
// KH * KW * Cin products, from the weights), scratch; srcmb adds srcmb_power_of_two, srcmb_shift
// and srcmb_lane_range (the preload counted in the lane range).
// Constants: [0] weights in the chosen layout, int8, [1] requant table (rqscalar), or
// [1] QACC preloads and [2] SRCMB vectors (srcmb).
#pragma once

#include <optional>

#include "kernels/families/family_support.h"

namespace pietune::kernels::families {

inline constexpr ParamValue kBroadcastPath[] = {word_value("bcast")};
inline constexpr ParamValue kConvQaccWeightLayouts[] = {word_value("blk16"), word_value("hwio")};

inline constexpr ParamSpec kConvQaccParams[] = {
    {.name = "pixels", .role = ParamRole::kTile, .suffix = "p", .domain = kOne, .meaning = "output pixels per pass"},
    {.name = "channels", .role = ParamRole::kTile, .suffix = "c", .domain = kSixteen,
     .meaning = "output channels per QACC group (one 20-bit lane each)"},
    {.name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kOne,
     .meaning = "one broadcast input byte per inner-loop iteration"},
    {.name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kBroadcastPath,
     .meaning = "byte broadcasts (VLDBC.8) in place, or from a zero-point bordered copy when taps leave the image"},
    {.name = "weights", .role = ParamRole::kLayout, .suffix = "", .domain = kConvQaccWeightLayouts,
     .meaning = "weight layout: blk16 (blocked by 16 output channels, sequential) or hwio (Cout contiguous, strided)"},
    {.name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kQaccEpilogues,
     .meaning = kQaccEpilogueMeaning},
};

std::optional<Rejection> conv_qacc_legal(const Layer& layer, const Variant& variant);
GeneratedKernel conv_qacc_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
