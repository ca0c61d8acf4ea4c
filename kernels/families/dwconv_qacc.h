// DEPTHWISE_CONV_2D family "dwconv_qacc": 16 channels per QACC lane group, one output pixel at a
// time (name dwconv_qs8_qacc_1p16c_u1__pie_<path>_rqscalar).
//
// Per output pixel and group of 16 channels: EE.ZERO.QACC; per tap an aligned load of the 16
// input channels and of the 16 weights, EE.VMULAS.S8.QACC (16 lanes of 20 bits); then each lane is
// read with RUR.QACC_* (codegen/qacc_lanes.h), corrected, requantized by the scalar epilogue and
// stored. A last group of fewer than 16 channels runs the same code with fewer lanes.
// Input paths: aligned (zero-point bordered scratch, pixels padded to 16-byte blocks, each input
// channel written depth-multiplier times so lane oc meets input channel oc / multiplier; the bias
// is folded with Σ(taps) w * (-input_zp), so border pixels add nothing, as the reference's skipped
// taps) and direct (aligned loads from the input: multiplier 1, channels % 16 == 0, no border,
// input 16-byte aligned).
// Legality rules: types, depth_multiplier (direct: 1; aligned: up to 64), shift_range, qacc_lane_range (the lanes
// saturate at -2^19..2^19-1: with raw inputs in -128..127 the worst case of every partial sum of
// a channel is 127 * Σ(w > 0) + 128 * Σ|w < 0| upward and 128 * Σ(w > 0) + 127 * Σ|w < 0|
// downward, from the layer's weights, or 128 * 127 per tap without weight data), direct_channels,
// direct_padding, scratch.
// Constants: [0] weights [groups][taps][16] int8, [1] requant table.
#pragma once

#include <optional>

#include "kernels/families/family_support.h"

namespace pietune::kernels::families {

inline constexpr ParamValue kDwconvQaccPaths[] = {word_value("aligned"), word_value("direct")};

inline constexpr ParamSpec kDwconvQaccParams[] = {
    {.name = "pixels", .role = ParamRole::kTile, .suffix = "p", .domain = kOne, .meaning = "output pixels per pass"},
    {.name = "channels", .role = ParamRole::kTile, .suffix = "c", .domain = kSixteen,
     .meaning = "channels per QACC group (one 20-bit lane each)"},
    {.name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kOne,
     .meaning = "taps are straight-line code; no further unrolling"},
    {.name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kDwconvQaccPaths,
     .meaning = "aligned: zero-point bordered scratch, channels padded to 16; direct: aligned loads from the input"},
    {.name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kScalarEpilogue,
     .meaning = kEpilogueMeaning},
};

std::optional<Rejection> dwconv_qacc_legal(const Layer& layer, const Variant& variant);
GeneratedKernel dwconv_qacc_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
