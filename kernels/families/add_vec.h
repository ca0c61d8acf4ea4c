// ADD family "add_vec": element-wise int8 addition, bit-exact with TFLM's reference ADD
// (name add_qs8_vec_1e_u<unroll>__pie_direct_<epilogue>).
//
// TFLM computes per element clamp(MBQM(MBQM((x1 + o1) << 20, m1) + MBQM((x2 + o2) << 20, m2), m_out)
// + zp_out): three 32-bit multiplies, which PIE cannot do (no 32-bit lane multiply), so the code is
// scalar; the epilogue decides how much of it runs per element:
//   rqtable   each operand has only 256 values: its exact scaled contribution MBQM((x + o) << 20, m)
//             is a 256-entry int32 table built at emit time, indexed by the operand byte (l8ui +
//             addx4 + l32i); per element two lookups, a sum and the output requantization.
//   rqscalar  the three MultiplyByQuantizedMultiplier steps per element (the straight scalar
//             kernel, for comparison), parameters read from a table in the loop.
// Input path direct: byte loads in place, any alignment of both operands and the output. Unroll:
// elements per loop trip (pointer increments shared). A single-element operand is repeated; a
// constant operand is a constant buffer (elementwise_support.h).
// Legality rules: operands, types, broadcast (elementwise_support.h), multiplier_range (TFLM's
// ADD refuses multipliers outside (0, 1)).
// Constants: rqtable [0] contributions: 256 int32 of operand 0 then 256 of operand 1, indexed by
// the operand's byte as unsigned; [1] requant: multiplier, mask, half, clamp low, clamp high (the
// bounds minus the output zero point). rqscalar [0] requant: offset 0, offset 1, then multiplier,
// mask, half of operand 0, operand 1, the output, and the clamp low and high. Then the constant
// operand, if any.
#pragma once

#include <optional>

#include "kernels/families/family_support.h"

namespace pietune::kernels::families {

inline constexpr ParamValue kElementwiseUnrolls[] = {number_value(1), number_value(2)};
inline constexpr ParamValue kDirectPath[] = {word_value("direct")};
inline constexpr ParamValue kAddEpilogues[] = {word_value("rqtable"), word_value("rqscalar")};

inline constexpr ParamSpec kAddVecParams[] = {
    {.name = "elements", .role = ParamRole::kTile, .suffix = "e", .domain = kOne,
     .meaning = "output elements per step (scalar: the requantization has 32-bit multiplies)"},
    {.name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kElementwiseUnrolls,
     .meaning = "elements per loop trip"},
    {.name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kDirectPath,
     .meaning = "direct: byte loads in place, any alignment"},
    {.name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kAddEpilogues,
     .meaning = "rqtable: 256-entry tables of each operand's exact scaled value, one output requantization; "
                "rqscalar: TFLM's three requantizations per element"},
};

std::optional<Rejection> add_vec_legal(const Layer& layer, const Variant& variant);
GeneratedKernel add_vec_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
