// Semantics of the special-register rows (Xtensa ISA RM RSR/WSR/XSR): xsr.sar, the zero-overhead
// loop registers LBEG/LEND/LCOUNT, the MAC16 ACCLO/ACCHI and m0..m3, rsr.ccount; SSA8L/SSA8B; the
// barriers MEMW/EXTW/ISYNC/DSYNC/ESYNC/RSYNC (no effect here); MOVSP.
#include "emu_bridge/semantics/dispatch.h"

namespace pietune::emu {
namespace {

// One special register as RSR reads it and WSR writes it; XSR is a read then a write.
struct Lbeg {
  static std::uint32_t read(const Cpu& cpu) { return cpu.st.lbeg; }
  // The run loop follows LBEG/LEND by decoded index (kNoIndex: not an instruction of the program;
  // a loop-back to such an LBEG faults, an LEND that is no instruction never loops back).
  static void write(Cpu& cpu, std::uint32_t v) {
    cpu.st.lbeg = v;
    cpu.lbeg_index = cpu.index_of_pc(v);
  }
};
struct Lend {
  static std::uint32_t read(const Cpu& cpu) { return cpu.st.lend; }
  static void write(Cpu& cpu, std::uint32_t v) {
    cpu.st.lend = v;
    cpu.lend_index = cpu.index_of_pc(v);
  }
};
struct Lcount {
  static std::uint32_t read(const Cpu& cpu) { return cpu.st.lcount; }
  static void write(Cpu& cpu, std::uint32_t v) { cpu.st.lcount = v; }
};
// ACCLO = ACC[31:0]; ACCHI = ACC[39:32], read sign-extended to 32 bits, written from at[7:0].
struct Acclo {
  static std::uint32_t read(const Cpu& cpu) { return static_cast<std::uint32_t>(cpu.st.acc); }
  static void write(Cpu& cpu, std::uint32_t v) {
    const std::uint64_t high = static_cast<std::uint64_t>(cpu.st.acc) & ~std::uint64_t{0xFFFFFFFF};
    cpu.st.set_acc(static_cast<std::int64_t>(high | v));
  }
};
struct Acchi {
  static std::uint32_t read(const Cpu& cpu) { return static_cast<std::uint32_t>(static_cast<std::int32_t>(cpu.st.acc >> 32)); }
  static void write(Cpu& cpu, std::uint32_t v) {
    const std::uint64_t low = static_cast<std::uint64_t>(cpu.st.acc) & 0xFFFFFFFFu;
    cpu.st.set_acc(static_cast<std::int64_t>((std::uint64_t{v & 0xFFu} << 32) | low));
  }
};
template <int kIndex>
struct Mreg {
  static std::uint32_t read(const Cpu& cpu) { return cpu.st.m[kIndex]; }
  static void write(Cpu& cpu, std::uint32_t v) { cpu.st.m[kIndex] = v; }
};
// SAR: six bits, as wsr.sar writes them.
struct Sar {
  static std::uint32_t read(const Cpu& cpu) { return cpu.st.sar & 63; }
  static void write(Cpu& cpu, std::uint32_t v) { cpu.st.sar = v & 63; }
};

// at is operand 0 of every form.
template <typename Reg>
void rsr(Cpu& cpu, const Decoded& d) {
  cpu.ar(d.r[0]) = Reg::read(cpu);
}
template <typename Reg>
void wsr(Cpu& cpu, const Decoded& d) {
  Reg::write(cpu, cpu.ar(d.r[0]));
}
template <typename Reg>
void xsr(Cpu& cpu, const Decoded& d) {
  const std::uint32_t old = Reg::read(cpu);
  Reg::write(cpu, cpu.ar(d.r[0]));
  cpu.ar(d.r[0]) = old;
}

}  // namespace

PIETUNE_SEMANTICS(XsrSar) { xsr<Sar>(cpu, d); }
PIETUNE_SEMANTICS(RsrLbeg) { rsr<Lbeg>(cpu, d); }
PIETUNE_SEMANTICS(WsrLbeg) { wsr<Lbeg>(cpu, d); }
PIETUNE_SEMANTICS(XsrLbeg) { xsr<Lbeg>(cpu, d); }
PIETUNE_SEMANTICS(RsrLend) { rsr<Lend>(cpu, d); }
PIETUNE_SEMANTICS(WsrLend) { wsr<Lend>(cpu, d); }
PIETUNE_SEMANTICS(XsrLend) { xsr<Lend>(cpu, d); }
PIETUNE_SEMANTICS(RsrLcount) { rsr<Lcount>(cpu, d); }
PIETUNE_SEMANTICS(WsrLcount) { wsr<Lcount>(cpu, d); }
PIETUNE_SEMANTICS(XsrLcount) { xsr<Lcount>(cpu, d); }
PIETUNE_SEMANTICS(RsrAcclo) { rsr<Acclo>(cpu, d); }
PIETUNE_SEMANTICS(WsrAcclo) { wsr<Acclo>(cpu, d); }
PIETUNE_SEMANTICS(XsrAcclo) { xsr<Acclo>(cpu, d); }
PIETUNE_SEMANTICS(RsrAcchi) { rsr<Acchi>(cpu, d); }
PIETUNE_SEMANTICS(WsrAcchi) { wsr<Acchi>(cpu, d); }
PIETUNE_SEMANTICS(XsrAcchi) { xsr<Acchi>(cpu, d); }
PIETUNE_SEMANTICS(RsrM0) { rsr<Mreg<0>>(cpu, d); }
PIETUNE_SEMANTICS(WsrM0) { wsr<Mreg<0>>(cpu, d); }
PIETUNE_SEMANTICS(XsrM0) { xsr<Mreg<0>>(cpu, d); }
PIETUNE_SEMANTICS(RsrM1) { rsr<Mreg<1>>(cpu, d); }
PIETUNE_SEMANTICS(WsrM1) { wsr<Mreg<1>>(cpu, d); }
PIETUNE_SEMANTICS(XsrM1) { xsr<Mreg<1>>(cpu, d); }
PIETUNE_SEMANTICS(RsrM2) { rsr<Mreg<2>>(cpu, d); }
PIETUNE_SEMANTICS(WsrM2) { wsr<Mreg<2>>(cpu, d); }
PIETUNE_SEMANTICS(XsrM2) { xsr<Mreg<2>>(cpu, d); }
PIETUNE_SEMANTICS(RsrM3) { rsr<Mreg<3>>(cpu, d); }
PIETUNE_SEMANTICS(WsrM3) { wsr<Mreg<3>>(cpu, d); }
PIETUNE_SEMANTICS(XsrM3) { xsr<Mreg<3>>(cpu, d); }
// CCOUNT: the instructions executed before this one (MachineState::ccount), not cycles.
PIETUNE_SEMANTICS(RsrCcount) { cpu.ar(d.r[0]) = cpu.st.ccount; }

// SSA8L: SAR = 8 * as[1:0]; SSA8B: SAR = 32 - 8 * as[1:0].
PIETUNE_SEMANTICS(Ssa8l) { cpu.st.sar = (cpu.ar(d.r[0]) & 3u) << 3; }
PIETUNE_SEMANTICS(Ssa8b) { cpu.st.sar = 32u - ((cpu.ar(d.r[0]) & 3u) << 3); }

// Ordering barriers: execution here is in order and one instruction at a time.
PIETUNE_SEMANTICS(Memw) {}
PIETUNE_SEMANTICS(Extw) {}
PIETUNE_SEMANTICS(Isync) {}
PIETUNE_SEMANTICS(Dsync) {}
PIETUNE_SEMANTICS(Esync) {}
PIETUNE_SEMANTICS(Rsync) {}

// movsp at, as: at = as when a live frame is in one of the three quads below WindowBase; else
// the Alloca exception (its handler moves the caller's spilled save area), not emulated: a fault.
PIETUNE_SEMANTICS(Movsp) {
  const MachineState& st = cpu.st;
  bool live = false;
  for (std::uint32_t k = 1; k <= 3; ++k) live = live || ((st.window_start >> ((st.window_base - k) & 15)) & 1u) != 0;
  if (!live)
    cpu.fault(FaultKind::kUnsupported,
              "movsp with the caller's frame spilled (WindowStart clear below WindowBase): the Alloca exception is not "
              "emulated");
  cpu.ar(d.r[0]) = cpu.ar(d.r[1]);
}

}  // namespace pietune::emu
