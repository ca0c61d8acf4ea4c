// add_vec: legality and code generation (see the header).
#include "kernels/families/add_vec.h"

#include <fmt/format.h>

#include "kernels/families/elementwise_support.h"
#include "kernels/reference/add.h"
#include "model/support/error.h"

namespace pietune::kernels::families {
namespace {

using model::a;
using model::imm;
using model::Opcode;

constexpr int kSlotCounter = 0;

// Registers: a2/a5 operands, a3 output, a4 the first table, a6 the second (rqtable) or the
// parameter table (rqscalar); the requantization in a7..a15 as TensorRequantRegs says.
TensorRequantRegs table_regs() {
  TensorRequantRegs g;
  g.acc = 12, g.t0 = 13, g.t1 = 14, g.t2 = 15;
  g.mult = 7, g.mask = 8, g.half = 9, g.low = 10, g.high = 11;
  return g;
}

// TFLM's scaled contribution of every int8 value of one operand, indexed by the byte as unsigned.
std::vector<std::int32_t> contributions(std::int32_t offset, int left_shift, const reference::QuantizedMultiplier& m) {
  std::vector<std::int32_t> table(256);
  for (int u = 0; u < 256; ++u) {
    const std::int32_t x = static_cast<std::int8_t>(static_cast<std::uint8_t>(u));
    table[static_cast<std::size_t>(u)] =
        reference::multiply_by_quantized_multiplier((x + offset) * (1 << left_shift), m, reference::RoundingMode::kDouble);
  }
  return table;
}

GeneratedKernel generate_table(const Layer& layer, const Variant& variant, const reference::AddParams& p,
                               const ElementwiseOperands& ops) {
  const int act_min = activation_min(layer), act_max = activation_max(layer);
  const TensorRequant out = tensor_requant(p.output_multiplier, p.output_offset, act_min, act_max);
  GeneratedKernel k;
  k.symbol = variant.symbol();
  std::vector<std::int32_t> tables = contributions(p.input1_offset, p.left_shift, p.input1_multiplier);
  const std::vector<std::int32_t> second = contributions(p.input2_offset, p.left_shift, p.input2_multiplier);
  tables.insert(tables.end(), second.begin(), second.end());
  k.constants.push_back(words_buffer("contributions", tables));
  std::vector<std::int32_t> words = requant_words(p.output_multiplier);
  words.push_back(act_min - p.output_offset);
  words.push_back(act_max - p.output_offset);
  k.constants.push_back(words_buffer("requant", words));
  if (ops.any_constant()) add_constant_operand(k, layer, ops);

  const TensorRequantRegs g = table_regs();
  codegen::FunctionBuilder b(k.symbol);
  codegen::emit_prologue(b);
  b.emit(Opcode::kL32i, {a(6), a(4), imm(4)});
  for (int w = 0; w < 5; ++w) b.emit(Opcode::kL32i, {a(g.mult + w), a(6), imm(4 * w)});
  emit_operand_pointers(b, ops, 2);
  b.emit(Opcode::kL32i, {a(4), a(4), imm(0)});
  codegen::add_const(b, 6, 4, 1024, 13);
  if (out.right > 0) b.emit(Opcode::kSsai, {imm(out.right)});
  const int unroll = static_cast<int>(variant.number("unroll"));
  emit_element_loop(b, ops, ops.count, unroll, g.acc, kSlotCounter, g.t0, [&](codegen::FunctionBuilder& fb, int e) {
    fb.emit(Opcode::kL8ui, {a(g.t0), a(2), imm(ops.single[0] ? 0 : e)});
    fb.emit(Opcode::kAddx4, {a(g.t0), a(g.t0), a(4)});
    fb.emit(Opcode::kL32i, {a(g.acc), a(g.t0), imm(0)});
    fb.emit(Opcode::kL8ui, {a(g.t1), a(5), imm(ops.single[1] ? 0 : e)});
    fb.emit(Opcode::kAddx4, {a(g.t1), a(g.t1), a(6)});
    fb.emit(Opcode::kL32i, {a(g.t1), a(g.t1), imm(0)});
    fb.emit(Opcode::kAdd, {a(g.acc), a(g.acc), a(g.t1)});
    emit_tensor_requant(fb, g, out);
    fb.emit(Opcode::kS8i, {a(g.acc), a(3), imm(e)});
  });
  codegen::emit_epilogue(b);
  k.program = single_function_program(std::move(b).finish());
  return k;
}

GeneratedKernel generate_scalar(const Layer& layer, const Variant& variant, const reference::AddParams& p,
                                const ElementwiseOperands& ops) {
  const int act_min = activation_min(layer), act_max = activation_max(layer);
  TensorRequant in1 = tensor_requant(p.input1_multiplier, 0, act_min, act_max);
  TensorRequant in2 = tensor_requant(p.input2_multiplier, 0, act_min, act_max);
  TensorRequant out = tensor_requant(p.output_multiplier, p.output_offset, act_min, act_max);
  in1.finish = in2.finish = out.finish = false;
  TensorRequant finish = out;
  finish.finish = true;
  GeneratedKernel k;
  k.symbol = variant.symbol();
  // Word offsets in the parameter table.
  constexpr int kOffsets = 0, kInput1 = 8, kInput2 = 20, kOutput = 32, kBounds = 44;
  std::vector<std::int32_t> words = {p.input1_offset, p.input2_offset};
  for (const reference::QuantizedMultiplier& m : {p.input1_multiplier, p.input2_multiplier, p.output_multiplier})
    for (std::int32_t w : requant_words(m)) words.push_back(w);
  words.push_back(act_min - p.output_offset);
  words.push_back(act_max - p.output_offset);
  k.constants.push_back(words_buffer("requant", words));
  if (ops.any_constant()) add_constant_operand(k, layer, ops);

  // a4 parameter table, a6/a7 the operand offsets, a8..a10 the multiplier of the current step,
  // a11 the scaled operand 0, a12 the accumulator, a13..a15 temporaries.
  TensorRequantRegs g;
  g.acc = 12, g.t0 = 13, g.t1 = 14, g.t2 = 15;
  g.mult = 8, g.mask = 9, g.half = 10, g.low = 8, g.high = 9;
  codegen::FunctionBuilder b(k.symbol);
  codegen::emit_prologue(b);
  emit_operand_pointers(b, ops, 1);
  b.emit(Opcode::kL32i, {a(4), a(4), imm(0)});
  b.emit(Opcode::kL32i, {a(6), a(4), imm(kOffsets)});
  b.emit(Opcode::kL32i, {a(7), a(4), imm(kOffsets + 4)});
  const auto step = [&](codegen::FunctionBuilder& fb, int table_offset, const TensorRequant& r) {
    for (int w = 0; w < 3; ++w) fb.emit(Opcode::kL32i, {a(g.mult + w), a(4), imm(table_offset + 4 * w)});
    if (r.right > 0) fb.emit(Opcode::kSsai, {imm(r.right)});
    emit_tensor_requant(fb, g, r);
  };
  const auto scaled_operand = [&](codegen::FunctionBuilder& fb, int which, int e, int offset_reg, int table_offset,
                                  const TensorRequant& r) {
    emit_load_operand(fb, ops, which, e, g.acc);
    fb.emit(Opcode::kAdd, {a(g.acc), a(g.acc), a(offset_reg)});
    fb.emit(Opcode::kSlli, {a(g.acc), a(g.acc), imm(p.left_shift)});
    step(fb, table_offset, r);
  };
  const int unroll = static_cast<int>(variant.number("unroll"));
  emit_element_loop(b, ops, ops.count, unroll, g.acc, kSlotCounter, g.t0, [&](codegen::FunctionBuilder& fb, int e) {
    scaled_operand(fb, 0, e, 6, kInput1, in1);
    fb.emit(Opcode::kMov, {a(11), a(g.acc)});
    scaled_operand(fb, 1, e, 7, kInput2, in2);
    fb.emit(Opcode::kAdd, {a(g.acc), a(g.acc), a(11)});
    step(fb, kOutput, out);
    if (needs_clamp_registers(finish)) {
      fb.emit(Opcode::kL32i, {a(g.low), a(4), imm(kBounds)});
      fb.emit(Opcode::kL32i, {a(g.high), a(4), imm(kBounds + 4)});
    }
    emit_requant_finish(fb, g, finish);
    fb.emit(Opcode::kS8i, {a(g.acc), a(3), imm(e)});
  });
  codegen::emit_epilogue(b);
  k.program = single_function_program(std::move(b).finish());
  return k;
}

}  // namespace

std::optional<Rejection> add_vec_legal(const Layer& layer, const Variant& /*variant*/) {
  PIETUNE_CHECK(layer.op == OpKind::kAdd) << to_string(layer.op);
  if (auto r = check_elementwise(layer)) return r;
  try {
    (void)reference::add_params(layer);
  } catch (const InputError& e) {
    return Rejection{"multiplier_range", e.what()};
  }
  return std::nullopt;
}

GeneratedKernel add_vec_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!add_vec_legal(layer, variant)) << variant.name();
  const reference::AddParams p = reference::add_params(layer);
  const ElementwiseOperands ops = elementwise_operands(layer);
  return variant.word("epilogue") == "rqtable" ? generate_table(layer, variant, p, ops)
                                               : generate_scalar(layer, variant, p, ops);
}

}  // namespace pietune::kernels::families
