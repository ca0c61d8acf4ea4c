// CONV_2D family "conv_accx": one output pixel and one output channel per ACCX dot product over
// the input channels of the whole window (STYLE §3 name conv_qs8_accx_1p1c_u<U>__pie_<path>_rqscalar).
//
// Input paths:
//   aligned    the kernel stages the input into a scratch copy bordered with the input zero point
//              (codegen/stage_input.h), each pixel's channels padded to a 16-byte block; every
//              load is an aligned EE.VLD.128.IP. Weights are re-laid out at emit time with the
//              same zero channel padding.
//   unaligned  the same staging without channel padding (pixels packed, Cin bytes each); a window
//              row (KW * Cin contiguous bytes with dilation 1, one tap's Cin bytes otherwise) is one
//              dot-product segment read with EE.LD.128.USAR.IP + EE.SRC.Q.QUP, its weights padded
//              to 16 bytes. Fewer MACs for small Cin, a funnel instruction per chunk.
//   direct     no staging: aligned loads straight from the input tensor. Needs Cin % 16 == 0, no
//              border (every tap inside the image) and a 16-byte aligned input.
// Out-of-image taps: the zero-point border (see stage_input.h); the bias is folded at emit time
// with Σ(all taps) w * (-input_zp), so border pixels add exactly nothing, as the reference's skip.
// Legality rules: types, groups (1 only), shift_range, direct_channels, direct_padding, unroll
// (no more than the 16-byte chunks of one segment), accx_range, scratch.
//
// Constants: [0] weights [Cout][segments][chunks * 16] int8, [1] requant table (requant_scalar.h).
#pragma once

#include <optional>

#include "kernels/families/family_support.h"

namespace pietune::kernels::families {

inline constexpr ParamValue kConvAccxPaths[] = {word_value("aligned"), word_value("unaligned"), word_value("direct")};

inline constexpr ParamSpec kConvAccxParams[] = {
    {.name = "pixels", .role = ParamRole::kTile, .suffix = "p", .domain = kOne, .meaning = "output pixels per dot product"},
    {.name = "channels", .role = ParamRole::kTile, .suffix = "c", .domain = kOne,
     .meaning = "output channels per dot product"},
    {.name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kUnrolls,
     .meaning = "16-byte chunks per inner-loop iteration (loads issued before the MACs)"},
    {.name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kConvAccxPaths,
     .meaning = "aligned: zero-point bordered scratch, channels padded to 16; unaligned: packed scratch, "
                "USAR + SRC.Q loads; direct: aligned loads from the input"},
    {.name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kScalarEpilogue, .meaning = kEpilogueMeaning},
};

std::optional<Rejection> conv_accx_legal(const Layer& layer, const Variant& variant);
GeneratedKernel conv_accx_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
