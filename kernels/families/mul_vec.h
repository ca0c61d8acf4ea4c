// MUL family "mul_vec": element-wise int8 multiplication, bit-exact with TFLM's reference MUL
// (name mul_qs8_vec_<elements>e_u<unroll>__pie_direct_rqscalar).
//
// TFLM computes per element clamp(MBQM((x1 + o1) * (x2 + o2), m) + zp_out). The product of the
// offset operands (each in -255..255) needs 17 bits; the requantization a 32-bit multiply, which
// PIE lacks, so it stays scalar (mulsh/mull, TFLM double rounding, multipliers in registers).
//   1e   scalar: per element two l8ui + sext + offset, mull, the requantization.
//   16e  vectors for everything before the requantization, 16 elements per block: EE.VLD.128.IP of
//        both operands, sign widening to 16-bit lanes (EE.VCMP.LT.S8 against zero + EE.VZIP.8),
//        the offsets added with EE.VADDS.S16, and the exact 32-bit products from two EE.VMUL.S16
//        (SAR 0: the low 16 bits, SAR 16: the high 16 bits) interleaved by EE.VZIP.16; the 16
//        products go through a 64-byte scratch slot to the scalar requantization. The last
//        count % 16 elements take the 1e code. Both operands 16-byte aligned.
// Input path direct: in place (1e any alignment; 16e aligned vector loads). Unroll: requantized
// elements per loop trip. A single-element operand is repeated (1e only); a constant operand is a
// constant buffer (elementwise_support.h).
// Legality rules: operands, types, broadcast (elementwise_support.h), quantization (the
// reference's parameters), shift_range (multiplier shift up to 31), vector_operands (16e: both
// operands full tensors).
// Constants: [0] requant: multiplier, mask, half, clamp low, clamp high (bounds minus the output
// zero point), offset 0, offset 1; 16e adds [1] offsets: the two offsets as int16 (broadcast with
// EE.VLDBC.16). Then the constant operand, if any.
#pragma once

#include <optional>

#include "kernels/families/add_vec.h"

namespace pietune::kernels::families {

inline constexpr ParamValue kMulElements[] = {number_value(1), number_value(16)};
inline constexpr ParamValue kScalarRequant[] = {word_value("rqscalar")};

inline constexpr ParamSpec kMulVecParams[] = {
    {.name = "elements", .role = ParamRole::kTile, .suffix = "e", .domain = kMulElements,
     .meaning = "elements per step: 1 scalar, 16 widened and multiplied in vectors"},
    {.name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kElementwiseUnrolls,
     .meaning = "requantized elements per loop trip"},
    {.name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kDirectPath,
     .meaning = "direct: in place (1e any alignment, 16e 16-byte aligned vector loads)"},
    {.name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kScalarRequant,
     .meaning = "rqscalar: exact TFLM double rounding per element, multiplier in registers"},
};

std::optional<Rejection> mul_vec_legal(const Layer& layer, const Variant& variant);
GeneratedKernel mul_vec_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
