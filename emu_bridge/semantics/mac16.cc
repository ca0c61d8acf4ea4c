// Semantics of the MAC16 option rows (Xtensa ISA RM, MAC16 option): MUL, UMUL, MULA and MULS in
// the AA/AD/DA/DD forms, the MULA.DA/DD.*.LDINC/LDDEC MACs with a load, and LDINC/LDDEC.
// ACC is 40 bits (MachineState::acc, sign-extended); m0..m3 are MachineState::m.
#include "emu_bridge/semantics/dispatch.h"

namespace pietune::emu {
namespace {

enum class Acc { kSet, kAdd, kSub };  // MUL/UMUL: ACC = p; MULA: ACC += p; MULS: ACC -= p
enum class Src { kA, kM };            // a source operand names an AR (a0..a15) or a MAC16 m register

template <Src kSrc>
std::uint32_t source(Cpu& cpu, std::uint8_t reg) {
  if constexpr (kSrc == Src::kA) return cpu.ar(reg);
  else return cpu.st.m[reg & 3];
}

// The 16-bit half of a source, sign- or zero-extended.
template <bool kSigned>
std::int64_t half(std::uint32_t value, bool high) {
  const auto bits = static_cast<std::uint16_t>(high ? value >> 16 : value);
  if constexpr (kSigned) return static_cast<std::int16_t>(bits);
  else return bits;
}

template <Acc kOp, bool kSigned, bool kXHigh, bool kYHigh>
void accumulate(Cpu& cpu, std::uint32_t x, std::uint32_t y) {
  const std::int64_t product = half<kSigned>(x, kXHigh) * half<kSigned>(y, kYHigh);
  if constexpr (kOp == Acc::kSet) cpu.st.set_acc(product);
  else if constexpr (kOp == Acc::kAdd) cpu.st.set_acc(cpu.st.acc + product);
  else cpu.st.set_acc(cpu.st.acc - product);
}

// Operands x, y (assembler order): two ARs, an AR and my, mx and an AR, or mx and my.
template <Acc kOp, bool kSigned, Src kX, Src kY, bool kXHigh, bool kYHigh>
void mac(Cpu& cpu, const Decoded& d) {
  accumulate<kOp, kSigned, kXHigh, kYHigh>(cpu, source<kX>(cpu, d.r[0]), source<kY>(cpu, d.r[1]));
}

// mw, as, mx, at|my: as +/- 4 is loaded into mw and kept in as; ACC += mx * (at|my) from the m
// registers' values before the load. The load goes first: a faulting access changes nothing.
template <Src kY, bool kXHigh, bool kYHigh, int kStep>
void mac_load(Cpu& cpu, const Decoded& d) {
  const std::uint32_t x = source<Src::kM>(cpu, d.r[2]);
  const std::uint32_t y = source<kY>(cpu, d.r[3]);
  const std::uint32_t addr = cpu.ar(d.r[1]) + static_cast<std::uint32_t>(kStep);
  std::uint32_t word;
  cpu.read<4>(addr, &word);
  accumulate<Acc::kAdd, true, kXHigh, kYHigh>(cpu, x, y);
  cpu.st.m[d.r[0] & 3] = word;
  cpu.ar(d.r[1]) = addr;
}

// mw, as: LDINC / LDDEC.
template <int kStep>
void load_m(Cpu& cpu, const Decoded& d) {
  const std::uint32_t addr = cpu.ar(d.r[1]) + static_cast<std::uint32_t>(kStep);
  std::uint32_t word;
  cpu.read<4>(addr, &word);
  cpu.st.m[d.r[0] & 3] = word;
  cpu.ar(d.r[1]) = addr;
}

}  // namespace

// Halves: the first letter is the first source's (.HL = high half of x times low half of y).
PIETUNE_SEMANTICS(MulAaLl) { mac<Acc::kSet, true, Src::kA, Src::kA, false, false>(cpu, d); }
PIETUNE_SEMANTICS(MulAaHl) { mac<Acc::kSet, true, Src::kA, Src::kA, true, false>(cpu, d); }
PIETUNE_SEMANTICS(MulAaLh) { mac<Acc::kSet, true, Src::kA, Src::kA, false, true>(cpu, d); }
PIETUNE_SEMANTICS(MulAaHh) { mac<Acc::kSet, true, Src::kA, Src::kA, true, true>(cpu, d); }
PIETUNE_SEMANTICS(MulAdLl) { mac<Acc::kSet, true, Src::kA, Src::kM, false, false>(cpu, d); }
PIETUNE_SEMANTICS(MulAdHl) { mac<Acc::kSet, true, Src::kA, Src::kM, true, false>(cpu, d); }
PIETUNE_SEMANTICS(MulAdLh) { mac<Acc::kSet, true, Src::kA, Src::kM, false, true>(cpu, d); }
PIETUNE_SEMANTICS(MulAdHh) { mac<Acc::kSet, true, Src::kA, Src::kM, true, true>(cpu, d); }
PIETUNE_SEMANTICS(MulDaLl) { mac<Acc::kSet, true, Src::kM, Src::kA, false, false>(cpu, d); }
PIETUNE_SEMANTICS(MulDaHl) { mac<Acc::kSet, true, Src::kM, Src::kA, true, false>(cpu, d); }
PIETUNE_SEMANTICS(MulDaLh) { mac<Acc::kSet, true, Src::kM, Src::kA, false, true>(cpu, d); }
PIETUNE_SEMANTICS(MulDaHh) { mac<Acc::kSet, true, Src::kM, Src::kA, true, true>(cpu, d); }
PIETUNE_SEMANTICS(MulDdLl) { mac<Acc::kSet, true, Src::kM, Src::kM, false, false>(cpu, d); }
PIETUNE_SEMANTICS(MulDdHl) { mac<Acc::kSet, true, Src::kM, Src::kM, true, false>(cpu, d); }
PIETUNE_SEMANTICS(MulDdLh) { mac<Acc::kSet, true, Src::kM, Src::kM, false, true>(cpu, d); }
PIETUNE_SEMANTICS(MulDdHh) { mac<Acc::kSet, true, Src::kM, Src::kM, true, true>(cpu, d); }

PIETUNE_SEMANTICS(UmulAaLl) { mac<Acc::kSet, false, Src::kA, Src::kA, false, false>(cpu, d); }
PIETUNE_SEMANTICS(UmulAaHl) { mac<Acc::kSet, false, Src::kA, Src::kA, true, false>(cpu, d); }
PIETUNE_SEMANTICS(UmulAaLh) { mac<Acc::kSet, false, Src::kA, Src::kA, false, true>(cpu, d); }
PIETUNE_SEMANTICS(UmulAaHh) { mac<Acc::kSet, false, Src::kA, Src::kA, true, true>(cpu, d); }

PIETUNE_SEMANTICS(MulaAaLl) { mac<Acc::kAdd, true, Src::kA, Src::kA, false, false>(cpu, d); }
PIETUNE_SEMANTICS(MulaAaHl) { mac<Acc::kAdd, true, Src::kA, Src::kA, true, false>(cpu, d); }
PIETUNE_SEMANTICS(MulaAaLh) { mac<Acc::kAdd, true, Src::kA, Src::kA, false, true>(cpu, d); }
PIETUNE_SEMANTICS(MulaAaHh) { mac<Acc::kAdd, true, Src::kA, Src::kA, true, true>(cpu, d); }
PIETUNE_SEMANTICS(MulaAdLl) { mac<Acc::kAdd, true, Src::kA, Src::kM, false, false>(cpu, d); }
PIETUNE_SEMANTICS(MulaAdHl) { mac<Acc::kAdd, true, Src::kA, Src::kM, true, false>(cpu, d); }
PIETUNE_SEMANTICS(MulaAdLh) { mac<Acc::kAdd, true, Src::kA, Src::kM, false, true>(cpu, d); }
PIETUNE_SEMANTICS(MulaAdHh) { mac<Acc::kAdd, true, Src::kA, Src::kM, true, true>(cpu, d); }
PIETUNE_SEMANTICS(MulaDaLl) { mac<Acc::kAdd, true, Src::kM, Src::kA, false, false>(cpu, d); }
PIETUNE_SEMANTICS(MulaDaHl) { mac<Acc::kAdd, true, Src::kM, Src::kA, true, false>(cpu, d); }
PIETUNE_SEMANTICS(MulaDaLh) { mac<Acc::kAdd, true, Src::kM, Src::kA, false, true>(cpu, d); }
PIETUNE_SEMANTICS(MulaDaHh) { mac<Acc::kAdd, true, Src::kM, Src::kA, true, true>(cpu, d); }
PIETUNE_SEMANTICS(MulaDdLl) { mac<Acc::kAdd, true, Src::kM, Src::kM, false, false>(cpu, d); }
PIETUNE_SEMANTICS(MulaDdHl) { mac<Acc::kAdd, true, Src::kM, Src::kM, true, false>(cpu, d); }
PIETUNE_SEMANTICS(MulaDdLh) { mac<Acc::kAdd, true, Src::kM, Src::kM, false, true>(cpu, d); }
PIETUNE_SEMANTICS(MulaDdHh) { mac<Acc::kAdd, true, Src::kM, Src::kM, true, true>(cpu, d); }

PIETUNE_SEMANTICS(MulsAaLl) { mac<Acc::kSub, true, Src::kA, Src::kA, false, false>(cpu, d); }
PIETUNE_SEMANTICS(MulsAaHl) { mac<Acc::kSub, true, Src::kA, Src::kA, true, false>(cpu, d); }
PIETUNE_SEMANTICS(MulsAaLh) { mac<Acc::kSub, true, Src::kA, Src::kA, false, true>(cpu, d); }
PIETUNE_SEMANTICS(MulsAaHh) { mac<Acc::kSub, true, Src::kA, Src::kA, true, true>(cpu, d); }
PIETUNE_SEMANTICS(MulsAdLl) { mac<Acc::kSub, true, Src::kA, Src::kM, false, false>(cpu, d); }
PIETUNE_SEMANTICS(MulsAdHl) { mac<Acc::kSub, true, Src::kA, Src::kM, true, false>(cpu, d); }
PIETUNE_SEMANTICS(MulsAdLh) { mac<Acc::kSub, true, Src::kA, Src::kM, false, true>(cpu, d); }
PIETUNE_SEMANTICS(MulsAdHh) { mac<Acc::kSub, true, Src::kA, Src::kM, true, true>(cpu, d); }
PIETUNE_SEMANTICS(MulsDaLl) { mac<Acc::kSub, true, Src::kM, Src::kA, false, false>(cpu, d); }
PIETUNE_SEMANTICS(MulsDaHl) { mac<Acc::kSub, true, Src::kM, Src::kA, true, false>(cpu, d); }
PIETUNE_SEMANTICS(MulsDaLh) { mac<Acc::kSub, true, Src::kM, Src::kA, false, true>(cpu, d); }
PIETUNE_SEMANTICS(MulsDaHh) { mac<Acc::kSub, true, Src::kM, Src::kA, true, true>(cpu, d); }
PIETUNE_SEMANTICS(MulsDdLl) { mac<Acc::kSub, true, Src::kM, Src::kM, false, false>(cpu, d); }
PIETUNE_SEMANTICS(MulsDdHl) { mac<Acc::kSub, true, Src::kM, Src::kM, true, false>(cpu, d); }
PIETUNE_SEMANTICS(MulsDdLh) { mac<Acc::kSub, true, Src::kM, Src::kM, false, true>(cpu, d); }
PIETUNE_SEMANTICS(MulsDdHh) { mac<Acc::kSub, true, Src::kM, Src::kM, true, true>(cpu, d); }

PIETUNE_SEMANTICS(MulaDaLlLdinc) { mac_load<Src::kA, false, false, 4>(cpu, d); }
PIETUNE_SEMANTICS(MulaDaHlLdinc) { mac_load<Src::kA, true, false, 4>(cpu, d); }
PIETUNE_SEMANTICS(MulaDaLhLdinc) { mac_load<Src::kA, false, true, 4>(cpu, d); }
PIETUNE_SEMANTICS(MulaDaHhLdinc) { mac_load<Src::kA, true, true, 4>(cpu, d); }
PIETUNE_SEMANTICS(MulaDaLlLddec) { mac_load<Src::kA, false, false, -4>(cpu, d); }
PIETUNE_SEMANTICS(MulaDaHlLddec) { mac_load<Src::kA, true, false, -4>(cpu, d); }
PIETUNE_SEMANTICS(MulaDaLhLddec) { mac_load<Src::kA, false, true, -4>(cpu, d); }
PIETUNE_SEMANTICS(MulaDaHhLddec) { mac_load<Src::kA, true, true, -4>(cpu, d); }

PIETUNE_SEMANTICS(MulaDdLlLdinc) { mac_load<Src::kM, false, false, 4>(cpu, d); }
PIETUNE_SEMANTICS(MulaDdHlLdinc) { mac_load<Src::kM, true, false, 4>(cpu, d); }
PIETUNE_SEMANTICS(MulaDdLhLdinc) { mac_load<Src::kM, false, true, 4>(cpu, d); }
PIETUNE_SEMANTICS(MulaDdHhLdinc) { mac_load<Src::kM, true, true, 4>(cpu, d); }
PIETUNE_SEMANTICS(MulaDdLlLddec) { mac_load<Src::kM, false, false, -4>(cpu, d); }
PIETUNE_SEMANTICS(MulaDdHlLddec) { mac_load<Src::kM, true, false, -4>(cpu, d); }
PIETUNE_SEMANTICS(MulaDdLhLddec) { mac_load<Src::kM, false, true, -4>(cpu, d); }
PIETUNE_SEMANTICS(MulaDdHhLddec) { mac_load<Src::kM, true, true, -4>(cpu, d); }
PIETUNE_SEMANTICS(Ldinc) { load_m<4>(cpu, d); }
PIETUNE_SEMANTICS(Lddec) { load_m<-4>(cpu, d); }

}  // namespace pietune::emu
