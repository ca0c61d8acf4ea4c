// mul_vec: legality and code generation (see the header).
#include "kernels/families/mul_vec.h"

#include <fmt/format.h>

#include "kernels/families/elementwise_support.h"
#include "kernels/families/mul_support.h"
#include "kernels/reference/mul.h"
#include "model/support/error.h"

namespace pietune::kernels::families {
namespace {

using model::a;
using model::imm;
using model::Opcode;
using model::q;

constexpr int kSlotBlocks = 0, kSlotTail = 1, kSlotParams = 2;
constexpr int kBlock = 16;

// Byte offsets in the requant buffer.
constexpr int kWordMult = 0, kWordOffset0 = 20, kWordOffset1 = 24;

// a6..a10 multiplier, mask, half, clamp low and high; a12 the accumulator, a13..a15 temporaries.
TensorRequantRegs requant_regs() {
  TensorRequantRegs g;
  g.acc = 12, g.t0 = 13, g.t1 = 14, g.t2 = 15;
  g.mult = 6, g.mask = 7, g.half = 8, g.low = 9, g.high = 10;
  return g;
}

// One element the scalar way: (x0 + o0) * (x1 + o1), requantized, stored at output offset e.
void emit_scalar_element(codegen::FunctionBuilder& b, const ElementwiseOperands& ops, const TensorRequant& r,
                         int offset0_reg, int offset1_reg, int e) {
  const TensorRequantRegs g = requant_regs();
  emit_load_operand(b, ops, 0, e, g.t0);
  b.emit(Opcode::kAdd, {a(g.t0), a(g.t0), a(offset0_reg)});
  emit_load_operand(b, ops, 1, e, g.acc);
  b.emit(Opcode::kAdd, {a(g.acc), a(g.acc), a(offset1_reg)});
  b.emit(Opcode::kMull, {a(g.acc), a(g.acc), a(g.t0)});
  emit_tensor_requant(b, g, r);
  b.emit(Opcode::kS8i, {a(g.acc), a(3), imm(e)});
}

// 16 elements from a2/a5 (advanced by 16) to 16 int32 products at the slot a4 (q5/q6: offsets).
void emit_vector_products(codegen::FunctionBuilder& b) {
  b.emit(Opcode::kEeVld128Ip, {q(0), a(2), imm(16)});
  b.emit(Opcode::kEeVld128Ip, {q(1), a(5), imm(16)});
  b.emit(Opcode::kEeZeroQ, {q(7)});
  // Sign widening: the lane mask (x < 0) becomes each 16-bit lane's high byte.
  b.emit(Opcode::kEeVcmpLtS8, {q(2), q(0), q(7)});
  b.emit(Opcode::kEeVzip8, {q(0), q(2)});
  b.emit(Opcode::kEeVcmpLtS8, {q(3), q(1), q(7)});
  b.emit(Opcode::kEeVzip8, {q(1), q(3)});
  b.emit(Opcode::kEeVaddsS16, {q(0), q(0), q(5)});
  b.emit(Opcode::kEeVaddsS16, {q(2), q(2), q(5)});
  b.emit(Opcode::kEeVaddsS16, {q(1), q(1), q(6)});
  b.emit(Opcode::kEeVaddsS16, {q(3), q(3), q(6)});
  // The 32-bit products as low and high 16-bit halves (VMUL shifts the full product by SAR).
  b.emit(Opcode::kSsai, {imm(0)});
  b.emit(Opcode::kEeVmulS16, {q(4), q(0), q(1)});
  b.emit(Opcode::kEeVmulS16, {q(7), q(2), q(3)});
  b.emit(Opcode::kSsai, {imm(16)});
  b.emit(Opcode::kEeVmulS16, {q(0), q(0), q(1)});
  b.emit(Opcode::kEeVmulS16, {q(2), q(2), q(3)});
  b.emit(Opcode::kEeVzip16, {q(4), q(0)});
  b.emit(Opcode::kEeVzip16, {q(7), q(2)});
  b.emit(Opcode::kMov, {a(11), a(4)});
  for (int r : {4, 0, 7, 2}) b.emit(Opcode::kEeVst128Ip, {q(r), a(11), imm(16)});
  b.emit(Opcode::kMov, {a(11), a(4)});
}

}  // namespace

std::optional<Rejection> mul_vec_legal(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(layer.op == OpKind::kMul) << to_string(layer.op);
  if (auto r = check_elementwise(layer)) return r;
  if (auto r = check_mul_quantization(layer)) return r;
  if (variant.number("elements") == kBlock) {
    const ElementwiseOperands ops = elementwise_operands(layer);
    for (int i = 0; i < 2; ++i)
      if (ops.single[i])
        return Rejection{"vector_operands",
                         fmt::format("input {} has one element against {}: 16-element vector loads need two full "
                                     "operands (the 1e path repeats it)",
                                     i, ops.count)};
  }
  return std::nullopt;
}

GeneratedKernel mul_vec_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!mul_vec_legal(layer, variant)) << variant.name();
  const reference::MulParams p = reference::mul_params(layer);
  const ElementwiseOperands ops = elementwise_operands(layer);
  const bool vector = variant.number("elements") == kBlock;
  const int unroll = static_cast<int>(variant.number("unroll"));
  const int act_min = activation_min(layer), act_max = activation_max(layer);
  const TensorRequant r = tensor_requant(p.output_multiplier, p.output_offset, act_min, act_max);

  GeneratedKernel k;
  k.symbol = variant.symbol();
  std::vector<std::int32_t> words = requant_words(p.output_multiplier);
  words.push_back(act_min - p.output_offset);
  words.push_back(act_max - p.output_offset);
  words.push_back(p.input1_offset);
  words.push_back(p.input2_offset);
  k.constants.push_back(words_buffer("requant", words));
  if (vector) {
    ConstantBuffer offsets{"offsets", std::vector<std::uint8_t>(16, 0)};
    for (int i = 0; i < 2; ++i) {
      const auto o = static_cast<std::uint16_t>(i == 0 ? p.input1_offset : p.input2_offset);
      offsets.bytes[static_cast<std::size_t>(2 * i)] = static_cast<std::uint8_t>(o);
      offsets.bytes[static_cast<std::size_t>(2 * i + 1)] = static_cast<std::uint8_t>(o >> 8);
    }
    k.constants.push_back(std::move(offsets));
    k.scratch_bytes = 4 * kBlock;
    k.input_align_bytes = 16;
  }
  const int operand_word = static_cast<int>(k.constants.size());
  if (ops.any_constant()) add_constant_operand(k, layer, ops);
  const int scratch_word = static_cast<int>(k.constants.size());

  const TensorRequantRegs g = requant_regs();
  codegen::FunctionBuilder b(k.symbol);
  codegen::emit_prologue(b);
  b.emit(Opcode::kL32i, {a(g.t0), a(4), imm(0)});
  codegen::store_slot(b, g.t0, kSlotParams);
  for (int w = 0; w < 5; ++w) b.emit(Opcode::kL32i, {a(g.mult + w), a(g.t0), imm(kWordMult + 4 * w)});
  if (vector) {
    b.emit(Opcode::kL32i, {a(g.t1), a(4), imm(4)});
    b.emit(Opcode::kEeVldbc16Ip, {q(5), a(g.t1), imm(2)});
    b.emit(Opcode::kEeVldbc16, {q(6), a(g.t1)});
    b.emit(Opcode::kL32i, {a(g.t1), a(4), imm(4 * scratch_word)});
  }
  emit_operand_pointers(b, ops, operand_word);
  if (vector) b.emit(Opcode::kMov, {a(4), a(g.t1)});  // a4: the product slot

  const std::int64_t blocks = vector ? ops.count / kBlock : 0;
  if (blocks > 0) {
    codegen::slot_loop(b, kSlotBlocks, blocks, g.t0, [&] {
      emit_vector_products(b);
      if (r.right > 0) b.emit(Opcode::kSsai, {imm(r.right)});
      codegen::inner_loop(b, g.acc, kBlock / unroll, [&] {
        for (int e = 0; e < unroll; ++e) {
          b.emit(Opcode::kL32i, {a(g.acc), a(11), imm(4 * e)});
          emit_tensor_requant(b, g, r);
          b.emit(Opcode::kS8i, {a(g.acc), a(3), imm(e)});
        }
        b.emit(Opcode::kAddi, {a(11), a(11), imm(4 * unroll)});
        b.emit(Opcode::kAddi, {a(3), a(3), imm(unroll)});
      });
    });
  }
  // The scalar elements (all of them for 1e, the last count % 16 for 16e): offsets in a4 and a11.
  const std::int64_t rest = ops.count - blocks * kBlock;
  if (rest > 0) {
    codegen::load_slot(b, g.t0, kSlotParams);
    b.emit(Opcode::kL32i, {a(4), a(g.t0), imm(kWordOffset0)});
    b.emit(Opcode::kL32i, {a(11), a(g.t0), imm(kWordOffset1)});
    if (r.right > 0) b.emit(Opcode::kSsai, {imm(r.right)});
    emit_element_loop(b, ops, rest, vector ? 1 : unroll, g.acc, kSlotTail, g.t0,
                      [&](codegen::FunctionBuilder& fb, int e) { emit_scalar_element(fb, ops, r, 4, 11, e); });
  }
  codegen::emit_epilogue(b);
  k.program = single_function_program(std::move(b).finish());
  return k;
}

}  // namespace pietune::kernels::families
