// What add_espnn and mul_espnn share: both model esp-nn's S3 element-wise kernels, which have one
// outer shape (8-element vector blocks behind a runtime alignment check, a scalar leftover) and
// one high-product rounding, so the pieces live here once.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "kernels/codegen/emit.h"
#include "kernels/families/elementwise_support.h"
#include "kernels/families/family_support.h"
#include "model/ir/builder.h"

namespace pietune::kernels::families {

inline constexpr ParamValue kEight[] = {number_value(8)};
inline constexpr ParamValue kEspnnElementwisePath[] = {word_value("aligned")};
inline constexpr ParamValue kLaneRequant[] = {word_value("rqlanes")};

// The parameters after "elements" (the same for both families).
inline constexpr ParamSpec kEspnnElementwiseUnroll = {
    .name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kOne,
    .meaning = "one 8-element block per loop trip, as esp-nn"};
inline constexpr ParamSpec kEspnnElementwiseInputPath = {
    .name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kEspnnElementwisePath,
    .meaning = "aligned: 64-bit vector loads of 16-byte aligned inputs, scalar loads for the leftover"};
inline constexpr ParamSpec kEspnnElementwiseEpilogue = {
    .name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kLaneRequant,
    .meaning = "rqlanes: scalar MULSH/MULL per 32-bit lane (moved out of and back into q registers), rounding "
               "shift, offset and clamp in vectors"};

// The exact rounded high product, split as esp-nn splits it.
// MULSH hi, mult, value; MULL value, mult, value (value is overwritten with the low word).
void emit_mulhi_products(model::FunctionBuilder& b, int hi, int value, int mult);
// dst = 2 hi + ((lo >> 30) + 1) >> 1 = (hi:lo + 2^30) >> 31 (four ALU ops, tmp clobbered).
void emit_mulhi_round(model::FunctionBuilder& b, int dst, int hi, int lo, int tmp);

// Rule "broadcast": esp-nn walks two operands of one size; `verb` names the op in the message
// ("add", "multiply").
std::optional<Rejection> espnn_broadcast_rejection(const ElementwiseOperands& ops, std::string_view verb);

// The element count as the kernels' int32 (checked).
std::int32_t espnn_element_count(const ElementwiseOperands& ops);

// The kernel shell: symbol, esp-nn's alignments (inputs 16, output 8), constants [0] the params
// words, then the constant operand if any.
GeneratedKernel espnn_elementwise_kernel(const Layer& layer, const Variant& variant, const ElementwiseOperands& ops,
                                         const std::vector<std::int32_t>& params);

// The function entry: prologue, the params buffer's address (call block word 0) to `params_reg`,
// its first `param_slots` words copied to frame slots 0.. through `tmp`, then the operand
// pointers (emit_operand_pointers, the constant operand at call block word 1).
void emit_espnn_elementwise_entry(codegen::FunctionBuilder& b, const ElementwiseOperands& ops, int params_reg,
                                  int param_slots, int tmp);

// reg = a1 + the frame slot's offset (its address, for broadcast loads).
void slot_address(codegen::FunctionBuilder& b, int reg, int slot);

// esp-nn's runtime alignment check of the two input pointers (never taken here: the inputs are
// 16-byte aligned); tmp clobbered.
void emit_espnn_alignment_check(codegen::FunctionBuilder& b, int tmp, int ptr1, int ptr2, model::Label leftover);

}  // namespace pietune::kernels::families
