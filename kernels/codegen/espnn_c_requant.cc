// esp-nn's C requantization sequence (see the header).
#include "kernels/codegen/espnn_c_requant.h"

namespace pietune::kernels::codegen {
namespace {

using model::a;
using model::imm;
using model::Opcode;

// l32i at slot_offset without load_slot's kFrameSlots bound: the C frames are larger.
void load(FunctionBuilder& b, int reg, int slot) { b.emit(Opcode::kL32i, {a(reg), a(1), imm(slot_offset(slot))}); }

// gcc's 64-bit add carry into `hi` when the low sum `lo` wrapped below `addend`. gcc branches over
// the carry increment (bgeu); the fast timing mode assumes forward branches not taken, so the carry
// is taken branch-free: carry iff minu(sum, addend) != addend (4 insns). Clobbers a8 and a10.
void add_carry(FunctionBuilder& b, int lo, int hi, int addend) {
  b.emit(Opcode::kMinu, {a(8), a(lo), a(addend)});
  b.emit(Opcode::kXor, {a(8), a(8), a(addend)});
  b.emit(Opcode::kAddi, {a(10), a(hi), imm(1)});
  b.emit(Opcode::kMovnez, {a(hi), a(10), a(8)});
}

}  // namespace

void emit_espnn_c_requant(FunctionBuilder& b, const EspnnCRequantSlots& s) {
  b.emit(Opcode::kSsl, {a(11)});
  b.emit(Opcode::kSll, {a(10), a(10)});  // x * (1 << left_shift), wrapping
  // overflow = x == mult == INT32_MIN: a14 == 0 exactly then
  load(b, 13, s.int_min);
  b.emit(Opcode::kXor, {a(14), a(10), a(13)});
  b.emit(Opcode::kXor, {a(15), a(8), a(13)});
  b.emit(Opcode::kOr, {a(14), a(14), a(15)});
  // nudge 2^30, or 1 - 2^30 when the signs differ (a9: its high word, 0 or -1)
  b.emit(Opcode::kXor, {a(9), a(10), a(8)});
  b.emit(Opcode::kSrai, {a(9), a(9), imm(31)});
  load(b, 11, s.nudge_pos);
  load(b, 13, s.nudge_neg);
  b.emit(Opcode::kMovnez, {a(11), a(13), a(9)});
  b.emit(Opcode::kMull, {a(13), a(10), a(8)});   // product, low word
  b.emit(Opcode::kMulsh, {a(15), a(10), a(8)});  // and high word
  b.emit(Opcode::kAdd, {a(13), a(13), a(11)});
  b.emit(Opcode::kAdd, {a(15), a(15), a(9)});
  add_carry(b, 13, 15, 11);
  // esp_nn_pick_sat_high32_of64: + (2^31 - 1) when negative, then the bits 31..62
  b.emit(Opcode::kSrai, {a(9), a(15), imm(31)});
  b.emit(Opcode::kSrli, {a(11), a(9), imm(1)});
  b.emit(Opcode::kAdd, {a(13), a(13), a(11)});
  add_carry(b, 13, 15, 11);
  b.emit(Opcode::kSsai, {imm(31)});
  b.emit(Opcode::kSrc, {a(10), a(15), a(13)});
  load(b, 8, s.int_max);
  b.emit(Opcode::kMoveqz, {a(10), a(8), a(14)});
  // esp_nn_div_by_power_of_two(a10, right_shift a12)
  b.emit(Opcode::kSsl, {a(12)});
  b.emit(Opcode::kMovi, {a(9), imm(1)});
  b.emit(Opcode::kSll, {a(9), a(9)});
  b.emit(Opcode::kAddi, {a(9), a(9), imm(-1)});  // mask
  b.emit(Opcode::kAnd, {a(11), a(10), a(9)});    // remainder
  b.emit(Opcode::kSsr, {a(12)});
  b.emit(Opcode::kSra, {a(10), a(10)});
  b.emit(Opcode::kSrai, {a(9), a(9), imm(1)});
  b.emit(Opcode::kExtui, {a(13), a(10), imm(31), imm(1)});
  b.emit(Opcode::kAdd, {a(9), a(9), a(13)});  // threshold
  // if (remainder > threshold) result += 1, as a sign bit (both lie in 0..2^31 - 1)
  b.emit(Opcode::kSub, {a(9), a(9), a(11)});
  b.emit(Opcode::kExtui, {a(9), a(9), imm(31), imm(1)});
  b.emit(Opcode::kAdd, {a(10), a(10), a(9)});
  load(b, 8, s.out_offset);
  b.emit(Opcode::kAdd, {a(10), a(10), a(8)});
  load(b, 8, s.act_min);
  b.emit(Opcode::kMax, {a(10), a(10), a(8)});
  load(b, 8, s.act_max);
  b.emit(Opcode::kMin, {a(10), a(10), a(8)});
}

}  // namespace pietune::kernels::codegen
