// add_espnn: legality and code generation (see the header for the esp-nn structure modelled).
#include "kernels/families/add_espnn.h"

#include <functional>
#include <utility>

#include "kernels/families/elementwise_support.h"
#include "kernels/reference/add.h"
#include "model/support/error.h"

namespace pietune::kernels::families {
namespace {

using model::a;
using model::imm;
using model::Opcode;
using model::q;

constexpr int kBlock = 8;        // elements per vector iteration
constexpr int kMinVector = 12;   // esp-nn takes the vector path from this size on
constexpr std::int32_t kNudge = 1 << 30;

// Frame slots; the first twelve are the params buffer's first twelve words, in order.
enum Slot : int {
  kOffset1, kOffset2, kLeftShift, kRight1, kRight2, kRightOut, kHalf1, kHalf2, kHalfOut, kOutOffset, kActMin,
  kActMax,
  kSize, kCounter, kOutSpill, kIn1Spill, kIn2Spill, kIn1Base, kIn2Base, kOutBase,
};
constexpr int kParamSlots = kActMax + 1;
// Byte offsets in the params buffer past the slot words.
constexpr int kMult1 = 4 * kParamSlots, kMult2 = kMult1 + 4, kMultOut = kMult1 + 8, kNudgeWord = kMult1 + 12;

// Registers: a6/a7/a8 the three multipliers, a11 the params buffer (esp-nn's literal pool), a14/a10
// the operand pointers and a9 the output pointer in the vector loop (spilled around the lane code).
constexpr int kMultReg1 = 6, kMultReg2 = 7, kMultRegOut = 8, kParams = 11;

void load(codegen::FunctionBuilder& b, int reg, int slot) { codegen::load_slot(b, reg, slot); }
void store(codegen::FunctionBuilder& b, int reg, int slot) { codegen::store_slot(b, reg, slot); }

// The 4 lanes of q `v` replaced by their rounded high products with `mult`, in esp-nn's order: all
// lanes out, three products, one ssai, three roundings with their inserts, the fourth lane last.
// `before_last` runs before the last rounding (esp-nn schedules a parameter reload there).
void emit_lane_mulhi(codegen::FunctionBuilder& b, int v, int mult, const std::function<void()>& before_last = {}) {
  constexpr int lane_reg[4] = {5, 14, 3, 4};  // lanes 0..3
  constexpr int hi[3] = {13, 12, 15};         // for lanes 2, 3, 1
  constexpr int order[3] = {2, 3, 1};
  constexpr int carry = 2;
  for (int lane : {2, 3, 1, 0}) b.emit(Opcode::kEeMovi32A, {q(v), a(lane_reg[lane]), imm(lane)});
  for (int i = 0; i < 3; ++i) emit_mulhi_products(b, hi[i], lane_reg[order[i]], mult);
  b.emit(Opcode::kSsai, {imm(31)});
  emit_mulhi_round(b, hi[0], hi[0], lane_reg[2], carry);
  emit_mulhi_round(b, hi[1], hi[1], lane_reg[3], carry);
  b.emit(Opcode::kEeMovi32Q, {q(v), a(hi[0]), imm(2)});
  emit_mulhi_round(b, hi[2], hi[2], lane_reg[1], carry);
  b.emit(Opcode::kEeMovi32Q, {q(v), a(hi[1]), imm(3)});
  emit_mulhi_products(b, hi[0], lane_reg[0], mult);
  b.emit(Opcode::kEeMovi32Q, {q(v), a(hi[2]), imm(1)});
  if (before_last) before_last();
  emit_mulhi_round(b, hi[0], hi[0], lane_reg[0], carry);
  b.emit(Opcode::kEeMovi32Q, {q(v), a(hi[0]), imm(0)});
}

// esp-nn's `blti shift, 1, skip` around a rounding shift: the block when the shift is positive
// (branch not taken), else a taken branch over nothing (the block never runs).
void emit_if_shift(codegen::FunctionBuilder& b, int shift_reg, int shift, const std::function<void()>& block) {
  const model::Label skip = b.new_label("skip_shift");
  b.emit(Opcode::kBlti, {a(shift_reg), imm(1), model::target(skip)});
  if (shift > 0) block();
  b.bind(skip);
}

// Rounding right shift of two s32 vectors x, y by the shift in `shift_reg`:
// (x - (x < 0) + (1 << (shift - 1))) >> shift, the half from frame slot `half_slot`.
void emit_vector_round_shift(codegen::FunctionBuilder& b, int x, int y, int mask_x, int mask_y, int half_q,
                             int shift_reg, int half_slot, int addr_reg) {
  slot_address(b, addr_reg, half_slot);
  b.emit(Opcode::kEeVcmpLtS32, {q(mask_x), q(x), q(6)});
  b.emit(Opcode::kEeVcmpLtS32, {q(mask_y), q(y), q(6)});
  b.emit(Opcode::kEeVldbc32, {q(half_q), a(addr_reg)});
  b.emit(Opcode::kWsrSar, {a(shift_reg)});
  b.emit(Opcode::kEeVaddsS32, {q(x), q(x), q(mask_x)});
  b.emit(Opcode::kEeVaddsS32, {q(y), q(y), q(mask_y)});
  b.emit(Opcode::kEeVaddsS32, {q(x), q(x), q(half_q)});
  b.emit(Opcode::kEeVaddsS32, {q(y), q(y), q(half_q)});
  b.emit(Opcode::kEeVsr32, {q(x), q(x)});
  b.emit(Opcode::kEeVsr32, {q(y), q(y)});
}

// 8 bytes of one operand (pointer `ptr`) to two s32 vectors lo, hi: widened, offset added (the
// offset slot broadcast into q7), shifted left by SAR (set from `shift_reg` by the caller's order).
void emit_widen_operand(codegen::FunctionBuilder& b, int lo, int hi, int sign8, int offset_slot, int shift_reg) {
  slot_address(b, 15, offset_slot);
  b.emit(Opcode::kEeVldbc16, {q(7), a(15)});
  b.emit(Opcode::kEeVcmpLtS8, {q(sign8), q(lo), q(6)});
  b.emit(Opcode::kWsrSar, {a(shift_reg)});
  b.emit(Opcode::kEeVzip8, {q(lo), q(sign8)});
  b.emit(Opcode::kEeVaddsS16, {q(lo), q(lo), q(7)});
  b.emit(Opcode::kEeVcmpLtS16, {q(hi), q(lo), q(6)});
  b.emit(Opcode::kEeVzip16, {q(lo), q(hi)});
  b.emit(Opcode::kEeVsl32, {q(lo), q(lo)});
  b.emit(Opcode::kEeVsl32, {q(hi), q(hi)});
}

void emit_vector_iteration(codegen::FunctionBuilder& b, const reference::AddParams& p) {
  const int right1 = -p.input1_multiplier.shift, right2 = -p.input2_multiplier.shift;
  const int right_out = -p.output_multiplier.shift;
  // Operand 1: q0 (lanes 0-3), q2 (lanes 4-7).
  load(b, 13, kLeftShift);
  b.emit(Opcode::kEeVldL64Ip, {q(0), a(14), imm(8)});
  store(b, 9, kOutSpill);
  store(b, 14, kIn1Spill);
  emit_widen_operand(b, 0, 2, 5, kOffset1, 13);
  b.emit(Opcode::kL32i, {a(9), a(kParams), imm(kNudgeWord)});  // esp-nn: l32r of the nudge literal
  emit_lane_mulhi(b, 0, kMultReg1);
  emit_lane_mulhi(b, 2, kMultReg1, [&] { load(b, 3, kRight1); });
  emit_if_shift(b, 3, right1, [&] { emit_vector_round_shift(b, 0, 2, 1, 3, 5, 3, kHalf1, 13); });
  // Operand 2: q1, q3.
  b.emit(Opcode::kEeVldL64Ip, {q(1), a(10), imm(8)});
  load(b, 13, kLeftShift);
  store(b, 10, kIn2Spill);
  emit_widen_operand(b, 1, 3, 3, kOffset2, 13);
  emit_lane_mulhi(b, 1, kMultReg2);
  emit_lane_mulhi(b, 3, kMultReg2, [&] { load(b, 14, kRight2); });
  emit_if_shift(b, 14, right2, [&] { emit_vector_round_shift(b, 1, 3, 4, 5, 7, 14, kHalf2, 5); });
  // Sum and output requantization: q0, q1.
  b.emit(Opcode::kEeVaddsS32, {q(0), q(0), q(1)});
  b.emit(Opcode::kEeVaddsS32, {q(1), q(2), q(3)});
  emit_lane_mulhi(b, 0, kMultRegOut);
  emit_lane_mulhi(b, 1, kMultRegOut, [&] { load(b, 14, kRightOut); });
  emit_if_shift(b, 14, right_out, [&] { emit_vector_round_shift(b, 0, 1, 2, 3, 5, 14, kHalfOut, 5); });
  // Output offset and clamp in vectors.
  slot_address(b, 15, kOutOffset);
  b.emit(Opcode::kEeVldbc32, {q(3), a(15)});
  b.emit(Opcode::kEeVaddsS32, {q(0), q(0), q(3)});
  b.emit(Opcode::kEeVaddsS32, {q(1), q(1), q(3)});
  slot_address(b, 13, kActMin);
  slot_address(b, 14, kActMax);
  b.emit(Opcode::kEeVldbc32, {q(3), a(14)});
  b.emit(Opcode::kEeVminS32, {q(0), q(0), q(3)});
  b.emit(Opcode::kEeVminS32, {q(1), q(1), q(3)});
  b.emit(Opcode::kEeVldbc32, {q(3), a(13)});
  b.emit(Opcode::kEeVmaxS32, {q(1), q(1), q(3)});
  b.emit(Opcode::kEeVmaxS32, {q(0), q(0), q(3)});
  // Pack the eight s32 lanes to bytes and store; reload the pointers and the counter.
  load(b, 9, kOutSpill);
  b.emit(Opcode::kEeVunzip16, {q(0), q(1)});
  b.emit(Opcode::kEeVunzip8, {q(0), q(1)});
  load(b, 13, kCounter);
  b.emit(Opcode::kEeVstL64Ip, {q(0), a(9), imm(8)});
  load(b, 15, kSize);
  load(b, 14, kIn1Spill);
  load(b, 10, kIn2Spill);
  b.emit(Opcode::kAddi, {a(13), a(13), imm(kBlock)});
  store(b, 13, kCounter);
}

// Scalar rounding shift of `x` by the shift in `shift_reg` (esp-nn's leftover form).
void emit_scalar_round_shift(codegen::FunctionBuilder& b, int x, int shift_reg, int half_slot, int t0, int t1) {
  load(b, t0, half_slot);
  b.emit(Opcode::kExtui, {a(t1), a(x), imm(31), imm(1)});
  b.emit(Opcode::kSsr, {a(shift_reg)});
  b.emit(Opcode::kSub, {a(t0), a(t0), a(t1)});
  b.emit(Opcode::kAdd, {a(x), a(x), a(t0)});
  b.emit(Opcode::kSra, {a(x), a(x)});
}

// One leftover element at index a2.
void emit_leftover_element(codegen::FunctionBuilder& b, const reference::AddParams& p) {
  load(b, 3, kOffset1);
  load(b, 12, kOffset2);
  load(b, 10, kIn2Base);
  load(b, 14, kIn1Base);
  b.emit(Opcode::kAdd, {a(10), a(2), a(10)});
  b.emit(Opcode::kAdd, {a(14), a(2), a(14)});
  b.emit(Opcode::kL8ui, {a(14), a(14), imm(0)});
  b.emit(Opcode::kL8ui, {a(10), a(10), imm(0)});
  b.emit(Opcode::kSext, {a(14), a(14), imm(7)});
  b.emit(Opcode::kSext, {a(10), a(10), imm(7)});
  b.emit(Opcode::kAdd, {a(10), a(10), a(12)});
  b.emit(Opcode::kAdd, {a(14), a(14), a(3)});
  load(b, 12, kLeftShift);
  b.emit(Opcode::kSsl, {a(12)});
  b.emit(Opcode::kSll, {a(10), a(10)});
  b.emit(Opcode::kSll, {a(14), a(14)});
  b.emit(Opcode::kL32i, {a(12), a(kParams), imm(kNudgeWord)});
  for (const auto& [value, mult] : {std::pair{14, kMultReg1}, std::pair{10, kMultReg2}}) {
    b.emit(Opcode::kMulsh, {a(13), a(value), a(mult)});
    b.emit(Opcode::kMull, {a(9), a(value), a(mult)});
    b.emit(Opcode::kSsai, {imm(31)});
    emit_mulhi_round(b, value, 13, 9, 3);
  }
  load(b, 12, kRight1);
  load(b, 13, kRight2);
  emit_if_shift(b, 12, -p.input1_multiplier.shift, [&] { emit_scalar_round_shift(b, 14, 12, kHalf1, 3, 9); });
  emit_if_shift(b, 13, -p.input2_multiplier.shift, [&] { emit_scalar_round_shift(b, 10, 13, kHalf2, 3, 9); });
  b.emit(Opcode::kL32i, {a(12), a(kParams), imm(kNudgeWord)});
  load(b, 13, kRightOut);
  b.emit(Opcode::kAdd, {a(10), a(10), a(14)});
  b.emit(Opcode::kMulsh, {a(3), a(10), a(kMultRegOut)});
  b.emit(Opcode::kMull, {a(10), a(10), a(kMultRegOut)});
  b.emit(Opcode::kSsai, {imm(31)});
  emit_mulhi_round(b, 12, 3, 10, 9);
  load(b, 9, kOutOffset);
  emit_if_shift(b, 13, -p.output_multiplier.shift, [&] { emit_scalar_round_shift(b, 12, 13, kHalfOut, 3, 14); });
  b.emit(Opcode::kAdd, {a(9), a(9), a(12)});
  load(b, 13, kActMax);
  load(b, 12, kActMin);
  b.emit(Opcode::kMin, {a(13), a(13), a(9)});
  load(b, 9, kOutBase);
  b.emit(Opcode::kMax, {a(13), a(13), a(12)});
  b.emit(Opcode::kAdd, {a(9), a(2), a(9)});
  b.emit(Opcode::kS8i, {a(13), a(9), imm(0)});
  load(b, 12, kSize);
  b.emit(Opcode::kAddi, {a(2), a(2), imm(1)});
}

std::vector<std::int32_t> param_words(const Layer& layer, const reference::AddParams& p) {
  const auto half = [](const reference::QuantizedMultiplier& m) { return m.shift < 0 ? 1 << (-m.shift - 1) : 0; };
  return {p.input1_offset,
          p.input2_offset,
          p.left_shift,
          -p.input1_multiplier.shift,
          -p.input2_multiplier.shift,
          -p.output_multiplier.shift,
          half(p.input1_multiplier),
          half(p.input2_multiplier),
          half(p.output_multiplier),
          p.output_offset,
          activation_min(layer),
          activation_max(layer),
          p.input1_multiplier.multiplier,
          p.input2_multiplier.multiplier,
          p.output_multiplier.multiplier,
          kNudge};
}

}  // namespace

std::optional<Rejection> add_espnn_legal(const Layer& layer, const Variant& /*variant*/) {
  PIETUNE_CHECK(layer.op == OpKind::kAdd) << to_string(layer.op);
  if (auto r = check_elementwise(layer)) return r;
  if (auto r = espnn_broadcast_rejection(elementwise_operands(layer), "add")) return r;
  try {
    (void)reference::add_params(layer);
  } catch (const InputError& e) {
    return Rejection{"multiplier_range", e.what()};
  }
  return std::nullopt;
}

GeneratedKernel add_espnn_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!add_espnn_legal(layer, variant)) << variant.name();
  const reference::AddParams p = reference::add_params(layer);
  const ElementwiseOperands ops = elementwise_operands(layer);
  const std::int32_t count = espnn_element_count(ops);

  GeneratedKernel k = espnn_elementwise_kernel(layer, variant, ops, param_words(layer, p));

  codegen::FunctionBuilder b(k.symbol);
  // Entry: parameters to the stack, multipliers to registers, pointers where esp-nn keeps them.
  emit_espnn_elementwise_entry(b, ops, kParams, kParamSlots, 15);
  b.emit(Opcode::kL32i, {a(kMultReg1), a(kParams), imm(kMult1)});
  b.emit(Opcode::kL32i, {a(kMultReg2), a(kParams), imm(kMult2)});
  b.emit(Opcode::kL32i, {a(kMultRegOut), a(kParams), imm(kMultOut)});
  store(b, 2, kIn1Base);
  store(b, 5, kIn2Base);
  store(b, 3, kOutBase);
  b.emit(Opcode::kMov, {a(14), a(2)});
  b.emit(Opcode::kMov, {a(10), a(5)});
  codegen::load_const(b, 12, count);
  store(b, 12, kSize);
  b.emit(Opcode::kMovi, {a(2), imm(0)});

  const model::Label leftover = b.new_label("leftover");
  const model::Label exit = b.new_label("exit");
  const std::int32_t blocks = count >= kMinVector ? count / kBlock : 0;
  const std::int32_t rest = count - blocks * kBlock;
  b.emit(Opcode::kBlti, {a(12), imm(kMinVector), model::target(leftover)});
  if (blocks > 0) {
    emit_espnn_alignment_check(b, 9, 14, 10, leftover);
    load(b, 9, kOutBase);
    b.emit(Opcode::kMovi, {a(13), imm(kBlock)});
    store(b, 13, kCounter);
    b.emit(Opcode::kEeZeroQ, {q(6)});
    const model::Label top = b.new_label("vector");
    b.bind(top);
    emit_vector_iteration(b, p);
    b.emit(Opcode::kBge, {a(15), a(13), model::target(top)}).trip_count = blocks;
    // Leftover start: the counter ran one block past the last.
    load(b, 2, kCounter);
    load(b, 10, kSize);
    b.emit(Opcode::kAddi, {a(2), a(2), imm(-kBlock)});
    b.emit(Opcode::kBge, {a(2), a(10), model::target(exit)});
  }
  b.bind(leftover);
  if (rest > 0) {
    const model::Label top = b.new_label("leftover_element");
    b.bind(top);
    emit_leftover_element(b, p);
    b.emit(Opcode::kBlt, {a(2), a(12), model::target(top)}).trip_count = rest;
  }
  b.bind(exit);
  codegen::emit_epilogue(b);
  k.program = single_function_program(std::move(b).finish());
  return k;
}

}  // namespace pietune::kernels::families
