// QACC lane extraction (see the header).
#include "kernels/codegen/qacc_lanes.h"

#include "model/support/error.h"

namespace pietune::kernels::codegen {

using model::a;
using model::imm;
using model::Opcode;

namespace {

Opcode rur_word(bool high, int word) {
  static constexpr Opcode kLow[5] = {Opcode::kRurQaccL0, Opcode::kRurQaccL1, Opcode::kRurQaccL2, Opcode::kRurQaccL3,
                                     Opcode::kRurQaccL4};
  static constexpr Opcode kHigh[5] = {Opcode::kRurQaccH0, Opcode::kRurQaccH1, Opcode::kRurQaccH2, Opcode::kRurQaccH3,
                                      Opcode::kRurQaccH4};
  PIETUNE_CHECK(word >= 0 && word < 5) << word;
  return high ? kHigh[word] : kLow[word];
}

}  // namespace

void emit_qacc_lane(FunctionBuilder& b, int lane, int dst, int tmp) {
  PIETUNE_CHECK(lane >= 0 && lane < 16 && dst != tmp) << lane;
  const bool high = lane >= 8;
  const int bit = 20 * (lane % 8);
  const int word = bit / 32;
  const int intra = bit % 32;
  if (intra + 20 <= 32) {
    b.emit(rur_word(high, word), {a(dst)});
    const int up = 32 - intra - 20;
    if (up > 0) b.emit(Opcode::kSlli, {a(dst), a(dst), imm(up)});
    b.emit(Opcode::kSrai, {a(dst), a(dst), imm(12)});
    return;
  }
  b.emit(rur_word(high, word), {a(tmp)});
  b.emit(rur_word(high, word + 1), {a(dst)});
  b.emit(Opcode::kSsai, {imm(intra)});
  b.emit(Opcode::kSrc, {a(dst), a(dst), a(tmp)});
  b.emit(Opcode::kSext, {a(dst), a(dst), imm(19)});
}

void emit_qacc_wide_lane(FunctionBuilder& b, int lane, int dst, int tmp) {
  PIETUNE_CHECK(lane >= 0 && lane < 8 && dst != tmp) << lane;
  const bool high = lane >= 4;
  const int bit = 40 * (lane % 4);
  const int word = bit / 32;
  const int intra = bit % 32;
  if (intra == 0) {
    b.emit(rur_word(high, word), {a(dst)});
    return;
  }
  b.emit(rur_word(high, word), {a(tmp)});
  b.emit(rur_word(high, word + 1), {a(dst)});
  b.emit(Opcode::kSsai, {imm(intra)});
  b.emit(Opcode::kSrc, {a(dst), a(dst), a(tmp)});
}

}  // namespace pietune::kernels::codegen
