// 8x8 byte transposes (see the header).
#include "kernels/codegen/transpose8.h"

namespace pietune::kernels::codegen {

using model::a;
using model::imm;
using model::Opcode;
using model::q;

void emit_transpose8_widen(FunctionBuilder& b) {
  // esp-nn's schedule: the first zips interleaved with the last loads.
  b.emit(Opcode::kMov, {a(9), a(8)});
  b.emit(Opcode::kEeVldL64Xp, {q(0), a(9), a(11)});
  b.emit(Opcode::kEeVldL64Xp, {q(1), a(9), a(11)});
  b.emit(Opcode::kEeVldH64Xp, {q(0), a(9), a(11)});
  b.emit(Opcode::kEeVldH64Xp, {q(1), a(9), a(11)});
  b.emit(Opcode::kEeVldL64Xp, {q(2), a(9), a(11)});
  b.emit(Opcode::kEeVzip8, {q(0), q(1)});
  b.emit(Opcode::kEeVldL64Xp, {q(3), a(9), a(11)});
  b.emit(Opcode::kEeVldH64Xp, {q(2), a(9), a(11)});
  b.emit(Opcode::kEeVldH64Ip, {q(3), a(9), imm(0)});
  b.emit(Opcode::kEeVzip16, {q(0), q(1)});
  b.emit(Opcode::kEeVzip8, {q(2), q(3)});
  b.emit(Opcode::kEeVzip16, {q(2), q(3)});
  // Each VZIP.32 pair leaves channels 0-1 / 2-3 (q0 / q2) or 4-5 / 6-7 (q1 / q3) as 8 bytes each;
  // each register is widened (its sign mask zipped in: two channels of 8 int16) and offset, then
  // stored in channel order.
  auto widen_and_store = [&](int lo, int hi) {
    b.emit(Opcode::kEeVzip32, {q(lo), q(hi)});
    b.emit(Opcode::kEeVcmpLtS8, {q(4), q(hi), q(7)});
    b.emit(Opcode::kEeVzip8, {q(hi), q(4)});
    b.emit(Opcode::kEeVcmpLtS8, {q(6), q(lo), q(7)});
    b.emit(Opcode::kEeVzip8, {q(lo), q(6)});
    b.emit(Opcode::kEeVaddsS16, {q(lo), q(lo), q(5)});
    b.emit(Opcode::kEeVaddsS16StIncp, {q(lo), a(10), q(6), q(6), q(5)});
    b.emit(Opcode::kEeVaddsS16StIncp, {q(6), a(10), q(hi), q(hi), q(5)});
    b.emit(Opcode::kEeVaddsS16StIncp, {q(hi), a(10), q(4), q(4), q(5)});
    b.emit(Opcode::kEeVst128Ip, {q(4), a(10), imm(16)});
  };
  widen_and_store(0, 2);
  widen_and_store(1, 3);
  b.emit(Opcode::kAddiN, {a(8), a(8), imm(8)});
}

void emit_transpose8_bytes(FunctionBuilder& b, int src, int dst, int stride) {
  b.emit(Opcode::kEeVldL64Ip, {q(0), a(src), imm(8)});
  b.emit(Opcode::kEeVldL64Ip, {q(1), a(src), imm(8)});
  b.emit(Opcode::kEeVldH64Ip, {q(0), a(src), imm(8)});
  b.emit(Opcode::kEeVldH64Ip, {q(1), a(src), imm(8)});
  b.emit(Opcode::kEeVldL64Ip, {q(2), a(src), imm(8)});
  b.emit(Opcode::kEeVldL64Ip, {q(3), a(src), imm(8)});
  b.emit(Opcode::kEeVldH64Ip, {q(2), a(src), imm(8)});
  b.emit(Opcode::kEeVldH64Ip, {q(3), a(src), imm(8)});
  b.emit(Opcode::kEeVzip8, {q(0), q(1)});
  b.emit(Opcode::kEeVzip16, {q(0), q(1)});
  b.emit(Opcode::kEeVzip8, {q(2), q(3)});
  b.emit(Opcode::kEeVzip16, {q(2), q(3)});
  b.emit(Opcode::kEeVzip32, {q(0), q(2)});
  b.emit(Opcode::kEeVzip32, {q(1), q(3)});
  for (int reg : {0, 2, 1, 3}) {
    b.emit(Opcode::kEeVstL64Xp, {q(reg), a(dst), a(stride)});
    b.emit(Opcode::kEeVstH64Xp, {q(reg), a(dst), a(stride)});
  }
}

}  // namespace pietune::kernels::codegen
