// FULLY_CONNECTED family "fc_accx": one ACCX dot product per output unit over the input row
// (name fc_qs8_accx_1p1c_u<U>__pie_<path>_rqscalar).
//
// Weights are re-laid out at emit time as [units][depth rounded up to 16] with zero padding; the
// bias is folded with Σw * (-input_zp) (the kernel multiplies raw input values).
// Input paths: aligned (each input row is copied into a 16-byte aligned scratch row; the bytes
// past the depth meet zero weights) and direct (aligned loads from the input: depth % 16 == 0 and
// a 16-byte aligned input).
// Legality rules: types, weights_zero_point (per-tensor weights with a non-zero zero point: the
// weights offset is not folded), shift_range, direct_depth, unroll, accx_range.
// Constants: [0] weights [units][padded depth] int8, [1] requant table.
#pragma once

#include <optional>

#include "kernels/families/family_support.h"

namespace pietune::kernels::families {

inline constexpr ParamValue kFcAccxPaths[] = {word_value("aligned"), word_value("direct")};

inline constexpr ParamSpec kFcAccxParams[] = {
    {.name = "rows", .role = ParamRole::kTile, .suffix = "p", .domain = kOne, .meaning = "input rows per pass"},
    {.name = "units", .role = ParamRole::kTile, .suffix = "c", .domain = kOne, .meaning = "output units per dot product"},
    {.name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kUnrolls,
     .meaning = "16-byte chunks per inner-loop iteration (loads issued before the MACs)"},
    {.name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kFcAccxPaths,
     .meaning = "aligned: rows copied to an aligned scratch row; direct: aligned loads from the input"},
    {.name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kScalarEpilogue,
     .meaning = kEpilogueMeaning},
};

std::optional<Rejection> fc_accx_legal(const Layer& layer, const Variant& variant);
GeneratedKernel fc_accx_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
