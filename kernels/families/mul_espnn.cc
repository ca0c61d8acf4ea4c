// mul_espnn: legality and code generation (see the header for the esp-nn structure modelled).
#include "kernels/families/mul_espnn.h"

#include <algorithm>

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

constexpr int kBlock = 8;  // elements per vector iteration; also esp-nn's minimum size for it
constexpr std::int32_t kNudge = 1 << 30;

// Frame slots; the first six are the params buffer's first six words. kOffsetVector is 16 bytes
// at a1 + 64 (LD.QR/ST.QR need a 16-byte multiple).
enum Slot : int {
  kOffset1, kOffset2, kOutOffset, kActMin, kActMax, kRight,
  kSize, kCounter, kOutSpill, kToAdd, kIn1Base, kIn2Base, kOffsetVector, kOutBase = kOffsetVector + 4,
};
constexpr int kParamSlots = kRight + 1;
constexpr int kMultWord = 4 * kParamSlots, kLeftWord = kMultWord + 4, kNudgeWord = kMultWord + 8;
static_assert(codegen::slot_offset(kOffsetVector) % 16 == 0);

// Registers as esp-nn: a12/a10 operand pointers, a9 output, a13 multiplier, a14 left shift, a11
// zero (the leftover's index), a4 the nudge, a15 the params buffer.
constexpr int kMult = 13, kLeft = 14, kIndex = 11, kParams = 15;

void load(codegen::FunctionBuilder& b, int reg, int slot) { codegen::load_slot(b, reg, slot); }
void store(codegen::FunctionBuilder& b, int reg, int slot) { codegen::store_slot(b, reg, slot); }

// One lane: dst = rounded high product of `value` (overwritten) with the multiplier.
void lane(codegen::FunctionBuilder& b, int dst, int hi, int value) {
  emit_mulhi_products(b, hi, value, kMult);
  emit_mulhi_round(b, dst, hi, value, dst);
}

// The four lanes of q `src` requantized into q `dst`, two lanes at a time as esp-nn schedules them.
void emit_lanes(codegen::FunctionBuilder& b, int src, int dst, int shift_first) {
  b.emit(Opcode::kEeMovi32A, {q(src), a(3), imm(2)});
  b.emit(Opcode::kEeMovi32A, {q(src), a(8), imm(3)});
  if (shift_first) b.emit(Opcode::kSsai, {imm(31)});
  lane(b, 2, 6, 3);
  lane(b, 9, 7, 8);
  b.emit(Opcode::kEeMovi32Q, {q(dst), a(2), imm(2)});
  b.emit(Opcode::kEeMovi32Q, {q(dst), a(9), imm(3)});
  b.emit(Opcode::kEeMovi32A, {q(src), a(6), imm(1)});
  lane(b, 3, 7, 6);
  b.emit(Opcode::kEeMovi32A, {q(src), a(5), imm(0)});
  lane(b, 6, 8, 5);
  b.emit(Opcode::kEeMovi32Q, {q(dst), a(3), imm(1)});
  b.emit(Opcode::kEeMovi32Q, {q(dst), a(6), imm(0)});
}

void emit_vector_iteration(codegen::FunctionBuilder& b, int right) {
  store(b, 9, kOutSpill);
  b.emit(Opcode::kLdQr, {q(4), a(1), imm(codegen::slot_offset(kOffsetVector))});
  b.emit(Opcode::kEeVldL64Ip, {q(2), a(12), imm(8)});
  b.emit(Opcode::kMovi, {a(7), imm(16)});
  b.emit(Opcode::kEeVldH64Ip, {q(2), a(10), imm(8)});
  b.emit(Opcode::kWsrSar, {a(7)});
  // One widening for both operands: q2 operand 0, q5 operand 1, as s16.
  b.emit(Opcode::kEeVcmpLtS8, {q(5), q(2), q(1)});
  b.emit(Opcode::kEeVzip8, {q(2), q(5)});
  b.emit(Opcode::kEeVaddsS16, {q(5), q(5), q(7)});
  b.emit(Opcode::kEeVaddsS16, {q(4), q(2), q(4)});
  // Exact products: high halves (SAR 16) and low halves (SAR 0) zipped to s32 lanes q2, q3.
  b.emit(Opcode::kEeVmulS16, {q(3), q(4), q(5)});
  b.emit(Opcode::kWsrSar, {a(kIndex)});
  b.emit(Opcode::kEeVmulS16, {q(2), q(4), q(5)});
  b.emit(Opcode::kWsrSar, {a(kLeft)});
  b.emit(Opcode::kEeVzip16, {q(2), q(3)});
  b.emit(Opcode::kEeVsl32, {q(6), q(2)});
  b.emit(Opcode::kSsai, {imm(31)});
  emit_lanes(b, 6, 2, false);
  b.emit(Opcode::kWsrSar, {a(kLeft)});
  b.emit(Opcode::kEeVsl32, {q(4), q(3)});
  emit_lanes(b, 4, 0, true);
  // Rounding right shift, its half recomputed per iteration.
  load(b, 5, kRight);
  b.emit(Opcode::kMovi, {a(7), imm(1)});
  const model::Label skip = b.new_label("skip_shift");
  b.emit(Opcode::kBlti, {a(5), imm(1), model::target(skip)});
  if (right > 0) {
    b.emit(Opcode::kEeVcmpLtS32, {q(5), q(2), q(1)});
    b.emit(Opcode::kEeVcmpLtS32, {q(6), q(0), q(1)});
    b.emit(Opcode::kAddi, {a(8), a(5), imm(-1)});
    b.emit(Opcode::kSsl, {a(8)});
    b.emit(Opcode::kSll, {a(7), a(7)});
    store(b, 7, kToAdd);
    slot_address(b, 8, kToAdd);
    b.emit(Opcode::kEeVldbc32, {q(4), a(8)});
    b.emit(Opcode::kWsrSar, {a(5)});
    b.emit(Opcode::kEeVaddsS32, {q(5), q(4), q(5)});
    b.emit(Opcode::kEeVaddsS32, {q(5), q(2), q(5)});
    b.emit(Opcode::kEeVsr32, {q(2), q(5)});
    b.emit(Opcode::kWsrSar, {a(5)});
    b.emit(Opcode::kEeVaddsS32, {q(5), q(4), q(6)});
    b.emit(Opcode::kEeVaddsS32, {q(5), q(0), q(5)});
    b.emit(Opcode::kEeVsr32, {q(0), q(5)});
  }
  b.bind(skip);
  // Output offset and clamp in vectors, pack, store.
  slot_address(b, 8, kActMax);
  b.emit(Opcode::kEeVldbc32, {q(4), a(8)});
  slot_address(b, 5, kOutOffset);
  b.emit(Opcode::kEeVldbc32, {q(6), a(5)});
  slot_address(b, 7, kActMin);
  b.emit(Opcode::kEeVaddsS32, {q(0), q(0), q(6)});
  b.emit(Opcode::kEeVaddsS32, {q(2), q(2), q(6)});
  b.emit(Opcode::kEeVldbc32, {q(6), a(7)});
  b.emit(Opcode::kEeVminS32, {q(0), q(0), q(4)});
  b.emit(Opcode::kEeVminS32, {q(2), q(2), q(4)});
  b.emit(Opcode::kEeVmaxS32, {q(0), q(0), q(6)});
  b.emit(Opcode::kEeVmaxS32, {q(2), q(2), q(6)});
  b.emit(Opcode::kEeVunzip16, {q(2), q(0)});
  b.emit(Opcode::kEeVunzip8, {q(2), q(0)});
  load(b, 7, kCounter);
  load(b, 9, kOutSpill);
  load(b, 3, kSize);
  b.emit(Opcode::kEeVstL64Ip, {q(2), a(9), imm(8)});
  b.emit(Opcode::kAddi, {a(7), a(7), imm(kBlock)});
  store(b, 7, kCounter);
}

// One leftover element at index a11.
void emit_leftover_element(codegen::FunctionBuilder& b, int right) {
  b.emit(Opcode::kSsl, {a(kLeft)});
  load(b, 8, kOffset1);
  load(b, 10, kIn2Base);
  load(b, 12, kIn1Base);
  b.emit(Opcode::kAdd, {a(10), a(kIndex), a(10)});
  b.emit(Opcode::kAdd, {a(12), a(kIndex), a(12)});
  b.emit(Opcode::kL8ui, {a(12), a(12), imm(0)});
  b.emit(Opcode::kL8ui, {a(10), a(10), imm(0)});
  b.emit(Opcode::kSext, {a(12), a(12), imm(7)});
  b.emit(Opcode::kAdd, {a(12), a(12), a(8)});
  load(b, 8, kOffset2);
  b.emit(Opcode::kSext, {a(10), a(10), imm(7)});
  b.emit(Opcode::kAdd, {a(10), a(10), a(8)});
  b.emit(Opcode::kMull, {a(10), a(12), a(10)});
  load(b, 9, kRight);
  b.emit(Opcode::kSll, {a(10), a(10)});
  b.emit(Opcode::kMulsh, {a(3), a(10), a(kMult)});
  b.emit(Opcode::kMull, {a(8), a(10), a(kMult)});
  b.emit(Opcode::kSsai, {imm(31)});
  emit_mulhi_round(b, 3, 3, 8, 6);
  const model::Label skip = b.new_label("skip_shift");
  b.emit(Opcode::kBlti, {a(9), imm(1), model::target(skip)});
  if (right > 0) {
    b.emit(Opcode::kAddi, {a(6), a(9), imm(-1)});
    b.emit(Opcode::kSsl, {a(6)});
    b.emit(Opcode::kMovi, {a(7), imm(1)});
    b.emit(Opcode::kSll, {a(7), a(7)});
    b.emit(Opcode::kExtui, {a(8), a(3), imm(31), imm(1)});
    b.emit(Opcode::kSub, {a(3), a(3), a(8)});  // esp-nn adds the sign bit here (see the header)
    b.emit(Opcode::kAdd, {a(3), a(3), a(7)});
    b.emit(Opcode::kSsr, {a(9)});
    b.emit(Opcode::kSra, {a(3), a(3)});
  }
  b.bind(skip);
  load(b, 6, kOutOffset);
  load(b, 8, kActMax);
  load(b, 7, kActMin);
  b.emit(Opcode::kAdd, {a(3), a(3), a(6)});
  b.emit(Opcode::kMin, {a(8), a(8), a(3)});
  load(b, 3, kOutBase);
  b.emit(Opcode::kMax, {a(8), a(8), a(7)});
  b.emit(Opcode::kAdd, {a(3), a(kIndex), a(3)});
  b.emit(Opcode::kS8i, {a(8), a(3), imm(0)});
  b.emit(Opcode::kAddi, {a(kIndex), a(kIndex), imm(1)});
}

}  // namespace

std::optional<Rejection> mul_espnn_legal(const Layer& layer, const Variant& /*variant*/) {
  PIETUNE_CHECK(layer.op == OpKind::kMul) << to_string(layer.op);
  if (auto r = check_elementwise(layer)) return r;
  if (auto r = espnn_broadcast_rejection(elementwise_operands(layer), "multiply")) return r;
  return check_mul_quantization(layer);
}

GeneratedKernel mul_espnn_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!mul_espnn_legal(layer, variant)) << variant.name();
  const reference::MulParams p = reference::mul_params(layer);
  const ElementwiseOperands ops = elementwise_operands(layer);
  const std::int32_t count = espnn_element_count(ops);
  const int left = std::max(p.output_multiplier.shift, 0), right = std::max(-p.output_multiplier.shift, 0);

  GeneratedKernel k = espnn_elementwise_kernel(layer, variant, ops,
                                               {p.input1_offset, p.input2_offset, p.output_offset, activation_min(layer),
                                                activation_max(layer), right, p.output_multiplier.multiplier, left,
                                                kNudge});

  codegen::FunctionBuilder b(k.symbol);
  emit_espnn_elementwise_entry(b, ops, kParams, kParamSlots, 6);
  store(b, 2, kIn1Base);
  store(b, 5, kIn2Base);
  store(b, 3, kOutBase);
  b.emit(Opcode::kMov, {a(12), a(2)});
  b.emit(Opcode::kMov, {a(10), a(5)});
  b.emit(Opcode::kMov, {a(9), a(3)});
  b.emit(Opcode::kL32i, {a(kMult), a(kParams), imm(kMultWord)});
  b.emit(Opcode::kL32i, {a(kLeft), a(kParams), imm(kLeftWord)});
  b.emit(Opcode::kMovi, {a(kIndex), imm(0)});
  codegen::load_const(b, 3, count);
  store(b, 3, kSize);

  const model::Label leftover = b.new_label("leftover");
  const model::Label exit = b.new_label("exit");
  const std::int32_t blocks = count / kBlock;
  const std::int32_t rest = count - blocks * kBlock;
  b.emit(Opcode::kBlti, {a(3), imm(kBlock), model::target(leftover)});
  if (blocks > 0) {
    emit_espnn_alignment_check(b, 6, 12, 10, leftover);
    b.emit(Opcode::kEeZeroQ, {q(1)});
    slot_address(b, 4, kOffset1);
    slot_address(b, 8, kOffset2);
    b.emit(Opcode::kEeVldbc16, {q(0), a(4)});
    b.emit(Opcode::kEeVldbc16, {q(7), a(8)});
    b.emit(Opcode::kL32i, {a(4), a(kParams), imm(kNudgeWord)});  // esp-nn: l32r of the nudge literal
    b.emit(Opcode::kMovi, {a(8), imm(kBlock)});
    b.emit(Opcode::kStQr, {q(0), a(1), imm(codegen::slot_offset(kOffsetVector))});
    store(b, 8, kCounter);
    const model::Label top = b.new_label("vector");
    b.bind(top);
    emit_vector_iteration(b, right);
    b.emit(Opcode::kBge, {a(3), a(7), model::target(top)}).trip_count = blocks;
    b.emit(Opcode::kAddi, {a(kIndex), a(7), imm(-kBlock)});
    b.emit(Opcode::kBge, {a(kIndex), a(3), model::target(exit)});
  }
  b.bind(leftover);
  if (rest > 0) {
    b.emit(Opcode::kSub, {a(8), a(3), a(kIndex)});
    b.zero_overhead_loop(Opcode::kLoopgtz, a(8), rest, [&] { emit_leftover_element(b, right); });
  }
  b.bind(exit);
  codegen::emit_epilogue(b);
  k.program = single_function_program(std::move(b).finish());
  return k;
}

}  // namespace pietune::kernels::families
