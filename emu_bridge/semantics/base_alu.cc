// Semantics of the base Xtensa ALU rows (Xtensa ISA RM): add/sub and their shifted forms, the
// multiplies, the DIV32 divides, salt/saltu, logic, moves and conditional moves, min/max,
// clamps/sext/extui, nsa/nsau, the SAR
// shifts (ssr/ssl/ssai/wsr.sar/rsr.sar, sll/srl/sra/src) and the immediate shifts, nop.
#include <bit>

#include "emu_bridge/semantics/dispatch.h"
#include "emu_bridge/semantics/lanes.h"

namespace pietune::emu {
namespace {

inline std::int32_t s32(std::uint32_t v) { return static_cast<std::int32_t>(v); }
inline std::uint32_t u32(std::int64_t v) { return static_cast<std::uint32_t>(v); }

// ar, as, at: ar = (as << kShift) + at / (as << kShift) - at.
template <int kShift, bool kSub>
void addx(Cpu& cpu, const Decoded& d) {
  const std::uint32_t scaled = cpu.ar(d.r[1]) << kShift;
  const std::uint32_t at = cpu.ar(d.r[2]);
  cpu.ar(d.r[0]) = kSub ? scaled - at : scaled + at;
}

// ar, as, at: ar = as if the condition holds for at.
template <typename Cond>
void cond_move(Cpu& cpu, const Decoded& d, Cond cond) {
  if (cond(s32(cpu.ar(d.r[2])))) cpu.ar(d.r[0]) = cpu.ar(d.r[1]);
}

}  // namespace

PIETUNE_SEMANTICS(Addi) { cpu.ar(d.r[0]) = cpu.ar(d.r[1]) + static_cast<std::uint32_t>(d.imm); }
PIETUNE_SEMANTICS(AddiN) { cpu.ar(d.r[0]) = cpu.ar(d.r[1]) + static_cast<std::uint32_t>(d.imm); }
PIETUNE_SEMANTICS(Addmi) { cpu.ar(d.r[0]) = cpu.ar(d.r[1]) + static_cast<std::uint32_t>(d.imm); }
PIETUNE_SEMANTICS(Add) { addx<0, false>(cpu, d); }
PIETUNE_SEMANTICS(AddN) { addx<0, false>(cpu, d); }
PIETUNE_SEMANTICS(Addx2) { addx<1, false>(cpu, d); }
PIETUNE_SEMANTICS(Addx4) { addx<2, false>(cpu, d); }
PIETUNE_SEMANTICS(Addx8) { addx<3, false>(cpu, d); }
PIETUNE_SEMANTICS(Sub) { addx<0, true>(cpu, d); }
PIETUNE_SEMANTICS(Subx2) { addx<1, true>(cpu, d); }
PIETUNE_SEMANTICS(Subx4) { addx<2, true>(cpu, d); }
PIETUNE_SEMANTICS(Subx8) { addx<3, true>(cpu, d); }
PIETUNE_SEMANTICS(Neg) { cpu.ar(d.r[0]) = 0u - cpu.ar(d.r[1]); }
// abs of -2^31 wraps to -2^31 (ISA RM).
PIETUNE_SEMANTICS(Abs) {
  const std::uint32_t v = cpu.ar(d.r[1]);
  cpu.ar(d.r[0]) = s32(v) < 0 ? 0u - v : v;
}

// Multiplies: mull low 32 bits; mulsh/muluh high 32 bits of the signed/unsigned 64-bit product;
// mul16s/mul16u: the low 16 bits of both operands, signed/unsigned, 32-bit product.
PIETUNE_SEMANTICS(Mull) { cpu.ar(d.r[0]) = cpu.ar(d.r[1]) * cpu.ar(d.r[2]); }
PIETUNE_SEMANTICS(Mulsh) {
  const std::int64_t p = std::int64_t{s32(cpu.ar(d.r[1]))} * s32(cpu.ar(d.r[2]));
  cpu.ar(d.r[0]) = u32(p >> 32);
}
PIETUNE_SEMANTICS(Muluh) {
  const std::uint64_t p = std::uint64_t{cpu.ar(d.r[1])} * cpu.ar(d.r[2]);
  cpu.ar(d.r[0]) = static_cast<std::uint32_t>(p >> 32);
}
PIETUNE_SEMANTICS(Mul16s) {
  const std::int32_t a = static_cast<std::int16_t>(cpu.ar(d.r[1]));
  const std::int32_t b = static_cast<std::int16_t>(cpu.ar(d.r[2]));
  cpu.ar(d.r[0]) = static_cast<std::uint32_t>(a * b);
}
PIETUNE_SEMANTICS(Mul16u) {
  const std::uint32_t a = cpu.ar(d.r[1]) & 0xFFFFu;
  const std::uint32_t b = cpu.ar(d.r[2]) & 0xFFFFu;
  cpu.ar(d.r[0]) = a * b;
}

// DIV32 (ISA RM QUOS/QUOU/REMS/REMU): ar = as / at or as % at, rounded toward zero; the signed
// quotient of -2^31 / -1 is -2^31 and its remainder 0. A zero divisor is IntegerDivideByZero.
namespace {
template <bool kSigned, bool kRemainder>
void divide(Cpu& cpu, const Decoded& d) {
  const std::uint32_t s = cpu.ar(d.r[1]), t = cpu.ar(d.r[2]);
  if (t == 0) cpu.fault(FaultKind::kDivideByZero, "integer divide by zero (IntegerDivideByZero exception)");
  if constexpr (kSigned) {
    const std::int64_t a = s32(s), b = s32(t);  // 64-bit: -2^31 / -1 does not overflow here
    cpu.ar(d.r[0]) = u32(kRemainder ? a % b : a / b);
  } else {
    cpu.ar(d.r[0]) = kRemainder ? s % t : s / t;
  }
}
}  // namespace

PIETUNE_SEMANTICS(Quos) { divide<true, false>(cpu, d); }
PIETUNE_SEMANTICS(Quou) { divide<false, false>(cpu, d); }
PIETUNE_SEMANTICS(Rems) { divide<true, true>(cpu, d); }
PIETUNE_SEMANTICS(Remu) { divide<false, true>(cpu, d); }
// SALT/SALTU: ar = 1 if as < at (signed / unsigned), else 0.
PIETUNE_SEMANTICS(Salt) { cpu.ar(d.r[0]) = s32(cpu.ar(d.r[1])) < s32(cpu.ar(d.r[2])) ? 1u : 0u; }
PIETUNE_SEMANTICS(Saltu) { cpu.ar(d.r[0]) = cpu.ar(d.r[1]) < cpu.ar(d.r[2]) ? 1u : 0u; }

PIETUNE_SEMANTICS(And) { cpu.ar(d.r[0]) = cpu.ar(d.r[1]) & cpu.ar(d.r[2]); }
PIETUNE_SEMANTICS(Or) { cpu.ar(d.r[0]) = cpu.ar(d.r[1]) | cpu.ar(d.r[2]); }
PIETUNE_SEMANTICS(Xor) { cpu.ar(d.r[0]) = cpu.ar(d.r[1]) ^ cpu.ar(d.r[2]); }
PIETUNE_SEMANTICS(Mov) { cpu.ar(d.r[0]) = cpu.ar(d.r[1]); }
PIETUNE_SEMANTICS(MovN) { cpu.ar(d.r[0]) = cpu.ar(d.r[1]); }
PIETUNE_SEMANTICS(Movi) { cpu.ar(d.r[0]) = static_cast<std::uint32_t>(d.imm); }
PIETUNE_SEMANTICS(MoviN) { cpu.ar(d.r[0]) = static_cast<std::uint32_t>(d.imm); }
PIETUNE_SEMANTICS(Moveqz) { cond_move(cpu, d, [](std::int32_t t) { return t == 0; }); }
PIETUNE_SEMANTICS(Movnez) { cond_move(cpu, d, [](std::int32_t t) { return t != 0; }); }
PIETUNE_SEMANTICS(Movltz) { cond_move(cpu, d, [](std::int32_t t) { return t < 0; }); }
PIETUNE_SEMANTICS(Movgez) { cond_move(cpu, d, [](std::int32_t t) { return t >= 0; }); }

PIETUNE_SEMANTICS(Min) { cpu.ar(d.r[0]) = static_cast<std::uint32_t>(std::min(s32(cpu.ar(d.r[1])), s32(cpu.ar(d.r[2])))); }
PIETUNE_SEMANTICS(Max) { cpu.ar(d.r[0]) = static_cast<std::uint32_t>(std::max(s32(cpu.ar(d.r[1])), s32(cpu.ar(d.r[2])))); }
PIETUNE_SEMANTICS(Minu) { cpu.ar(d.r[0]) = std::min(cpu.ar(d.r[1]), cpu.ar(d.r[2])); }
PIETUNE_SEMANTICS(Maxu) { cpu.ar(d.r[0]) = std::max(cpu.ar(d.r[1]), cpu.ar(d.r[2])); }

// ar, as, t (7..22): clamp as to [-2^t, 2^t - 1].
PIETUNE_SEMANTICS(Clamps) {
  const std::int64_t limit = std::int64_t{1} << d.imm;
  cpu.ar(d.r[0]) = u32(std::clamp<std::int64_t>(s32(cpu.ar(d.r[1])), -limit, limit - 1));
}
// ar, as, t (7..22): sign-extend from bit t.
PIETUNE_SEMANTICS(Sext) { cpu.ar(d.r[0]) = u32(sem::sext(cpu.ar(d.r[1]), d.imm + 1)); }
// ar, at, shift, bits: ar = (at >> shift) & (2^bits - 1).
PIETUNE_SEMANTICS(Extui) {
  const std::uint32_t mask = static_cast<std::uint32_t>((std::uint64_t{1} << d.imm2) - 1);
  cpu.ar(d.r[0]) = (cpu.ar(d.r[1]) >> d.imm) & mask;
}
// at, as: number of redundant sign bits (31 for 0 and -1).
PIETUNE_SEMANTICS(Nsa) {
  const std::uint32_t v = cpu.ar(d.r[1]);
  const std::uint32_t folded = s32(v) < 0 ? ~v : v;
  cpu.ar(d.r[0]) = static_cast<std::uint32_t>(std::countl_zero(folded)) - 1;
}
// at, as: number of leading zeros (32 for 0).
PIETUNE_SEMANTICS(Nsau) { cpu.ar(d.r[0]) = static_cast<std::uint32_t>(std::countl_zero(cpu.ar(d.r[1]))); }

// SAR: ssr writes as[4:0] (bit 5 cleared), ssl writes 32 - as[4:0], ssai the immediate, wsr.sar
// all six bits.
PIETUNE_SEMANTICS(Ssr) { cpu.st.sar = cpu.ar(d.r[0]) & 31; }
PIETUNE_SEMANTICS(Ssl) { cpu.st.sar = 32 - (cpu.ar(d.r[0]) & 31); }
PIETUNE_SEMANTICS(Ssai) { cpu.st.sar = static_cast<std::uint32_t>(d.imm) & 31; }
PIETUNE_SEMANTICS(WsrSar) { cpu.st.sar = cpu.ar(d.r[0]) & 63; }
PIETUNE_SEMANTICS(RsrSar) { cpu.ar(d.r[0]) = cpu.st.sar & 63; }

// Funnel shifts through SAR (0..63) on a 64-bit pair, low 32 bits kept:
// sll {as, 0} >> SAR; srl {0, at} >> SAR; sra {sign(at), at} >> SAR; src {as, at} >> SAR.
PIETUNE_SEMANTICS(Sll) { cpu.ar(d.r[0]) = static_cast<std::uint32_t>((std::uint64_t{cpu.ar(d.r[1])} << 32) >> (cpu.st.sar & 63)); }
PIETUNE_SEMANTICS(Srl) { cpu.ar(d.r[0]) = static_cast<std::uint32_t>(std::uint64_t{cpu.ar(d.r[1])} >> (cpu.st.sar & 63)); }
PIETUNE_SEMANTICS(Sra) { cpu.ar(d.r[0]) = u32(std::int64_t{s32(cpu.ar(d.r[1]))} >> (cpu.st.sar & 63)); }
PIETUNE_SEMANTICS(Src) {
  const std::uint64_t pair = (std::uint64_t{cpu.ar(d.r[1])} << 32) | cpu.ar(d.r[2]);
  cpu.ar(d.r[0]) = static_cast<std::uint32_t>(pair >> (cpu.st.sar & 63));
}
PIETUNE_SEMANTICS(Slli) { cpu.ar(d.r[0]) = cpu.ar(d.r[1]) << (d.imm & 31); }
PIETUNE_SEMANTICS(Srli) { cpu.ar(d.r[0]) = cpu.ar(d.r[1]) >> (d.imm & 31); }
PIETUNE_SEMANTICS(Srai) { cpu.ar(d.r[0]) = u32(s32(cpu.ar(d.r[1])) >> (d.imm & 31)); }

PIETUNE_SEMANTICS(Nop) {}
PIETUNE_SEMANTICS(NopN) {}

}  // namespace pietune::emu
