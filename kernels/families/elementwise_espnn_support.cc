// Shared pieces of the esp-nn element-wise baselines (see the header).
#include "kernels/families/elementwise_espnn_support.h"

#include <cstdint>

#include <fmt/format.h>

#include "model/support/error.h"

namespace pietune::kernels::families {

using model::a;
using model::imm;
using model::Opcode;

void emit_mulhi_products(model::FunctionBuilder& b, int hi, int value, int mult) {
  b.emit(Opcode::kMulsh, {a(hi), a(mult), a(value)});
  b.emit(Opcode::kMull, {a(value), a(mult), a(value)});
}

void emit_mulhi_round(model::FunctionBuilder& b, int dst, int hi, int lo, int tmp) {
  // (hi:lo + 2^30) >> 31 = 2 hi + (lo + 2^30) >> 31 over 33 bits = 2 hi + ((lo >> 30) + 1) >> 1.
  b.emit(Opcode::kExtui, {a(tmp), a(lo), imm(30), imm(2)});
  b.emit(Opcode::kAddi, {a(tmp), a(tmp), imm(1)});
  b.emit(Opcode::kSrli, {a(tmp), a(tmp), imm(1)});
  b.emit(Opcode::kAddx2, {a(dst), a(hi), a(tmp)});
}

std::optional<Rejection> espnn_broadcast_rejection(const ElementwiseOperands& ops, std::string_view verb) {
  for (int i = 0; i < 2; ++i)
    if (ops.single[i])
      return Rejection{"broadcast", fmt::format("input {} has one element against {}: esp-nn's element-wise {} walks "
                                                "two operands of one size (esp-tflite-micro broadcasts with the "
                                                "reference op)",
                                                i, ops.count, verb)};
  return std::nullopt;
}

std::int32_t espnn_element_count(const ElementwiseOperands& ops) {
  PIETUNE_CHECK(ops.count <= INT32_MAX / 2) << ops.count;
  return static_cast<std::int32_t>(ops.count);
}

GeneratedKernel espnn_elementwise_kernel(const Layer& layer, const Variant& variant, const ElementwiseOperands& ops,
                                         const std::vector<std::int32_t>& params) {
  GeneratedKernel k;
  k.symbol = variant.symbol();
  k.input_align_bytes = 16;
  k.output_align_bytes = 8;
  k.constants.push_back(words_buffer("params", params));
  if (ops.any_constant()) add_constant_operand(k, layer, ops);
  return k;
}

void emit_espnn_elementwise_entry(codegen::FunctionBuilder& b, const ElementwiseOperands& ops, int params_reg,
                                  int param_slots, int tmp) {
  codegen::emit_prologue(b);
  b.emit(Opcode::kL32i, {a(params_reg), a(4), imm(0)});
  for (int slot = 0; slot < param_slots; ++slot) {
    b.emit(Opcode::kL32i, {a(tmp), a(params_reg), imm(4 * slot)});
    codegen::store_slot(b, tmp, slot);
  }
  emit_operand_pointers(b, ops, 1);
}

void slot_address(codegen::FunctionBuilder& b, int reg, int slot) {
  b.emit(Opcode::kAddi, {a(reg), a(1), imm(codegen::slot_offset(slot))});
}

void emit_espnn_alignment_check(codegen::FunctionBuilder& b, int tmp, int ptr1, int ptr2, model::Label leftover) {
  b.emit(Opcode::kOr, {a(tmp), a(ptr1), a(ptr2)});
  b.emit(Opcode::kExtui, {a(tmp), a(tmp), imm(0), imm(4)});
  b.emit(Opcode::kBnez, {a(tmp), model::target(leftover)});
}

}  // namespace pietune::kernels::families
