// Semantics of accumulator initialisation and read-out (facts §4.4): EE.SRCMB.S8/S16.QACC,
// EE.SRS.ACCX, EE.ZERO.ACCX/QACC/Q, EE.MOV.*.QACC, EE.MOVI.32.A/Q and the RUR/WUR user
// registers ACCX_0/1, QACC_{L,H}_0..4 and SAR_BYTE.
//
// SRCMB and SRS shift arithmetically (floor, no rounding), OVERWRITE the accumulator with the
// shifted value and then saturate the output (TRM §1.8.54/55/58; silicon-checked for SRS).
// Their third operand `sel2` is undocumented (no field in the TRM diagram, the toolchain encodes
// 0 and 1 differently, QEMU ignores it, esp-dsp's one use with sel2 = 1 matches a plain shift):
// it is ignored here, facts §4.4 and gap §10.2.
#include "emu_bridge/semantics/dispatch.h"
#include "emu_bridge/semantics/lanes.h"

namespace pietune::emu {
namespace {

// qu, as, sel2: 16 x 20-bit lanes >> as[4:0]; QACC = shifted; qu.s8[i] = sat8(shifted_i).
void srcmb_s8(Cpu& cpu, const Decoded& d) {
  const std::uint32_t shift = cpu.ar(d.r[1]) & 31;
  std::int32_t* acc = cpu.st.qacc.lanes20();
  sem::Lanes<std::int8_t> out;
  for (int i = 0; i < 16; ++i) {
    acc[i] >>= shift;
    out[i] = sem::saturate<std::int8_t>(acc[i]);
  }
  sem::set_lanes<std::int8_t>(cpu.q(d.r[0]), out);
}

// qu, as, sel2: 8 x 40-bit lanes >> as[5:0]; QACC = shifted; qu.s16[j] = sat16(shifted_j).
void srcmb_s16(Cpu& cpu, const Decoded& d) {
  const std::uint32_t shift = cpu.ar(d.r[1]) & 63;
  std::int64_t* acc = cpu.st.qacc.lanes40();
  sem::Lanes<std::int16_t> out;
  for (int j = 0; j < 8; ++j) {
    acc[j] >>= shift;
    out[j] = sem::saturate<std::int16_t>(acc[j]);
  }
  sem::set_lanes<std::int16_t>(cpu.q(d.r[0]), out);
}

// EE.MOV.{S,U}{8,16}.QACC qs: lanes of qs extended into the QACC lanes of their width.
template <typename T>
void mov_qacc(Cpu& cpu, const Decoded& d) {
  const sem::Lanes<T> in = sem::lanes<T>(cpu.q(d.r[0]));
  if constexpr (sizeof(T) == 1) {
    std::int32_t* acc = cpu.st.qacc.lanes20();
    for (int i = 0; i < 16; ++i) acc[i] = in[i];
  } else {
    std::int64_t* acc = cpu.st.qacc.lanes40();
    for (int j = 0; j < 8; ++j) acc[j] = in[j];
  }
}

template <bool kHigh, int kWord>
void rur_qacc(Cpu& cpu, const Decoded& d) {
  cpu.ar(d.r[0]) = cpu.st.qacc.word(kHigh, kWord);
}

template <bool kHigh, int kWord>
void wur_qacc(Cpu& cpu, const Decoded& d) {
  cpu.st.qacc.set_word(kHigh, kWord, cpu.ar(d.r[0]));
}

}  // namespace

PIETUNE_SEMANTICS(EeSrcmbS8Qacc) { srcmb_s8(cpu, d); }
PIETUNE_SEMANTICS(EeSrcmbS16Qacc) { srcmb_s16(cpu, d); }

// au, as, sel2: t = ACCX >> as[5:0]; ACCX = t; au = clamp(t, -2^31, 2^31 - 1).
PIETUNE_SEMANTICS(EeSrsAccx) {
  const std::uint32_t shift = cpu.ar(d.r[1]) & 63;
  const std::int64_t shifted = cpu.st.accx >> shift;
  cpu.st.accx = shifted;
  cpu.ar(d.r[0]) = static_cast<std::uint32_t>(sem::saturate<std::int32_t>(shifted));
}

PIETUNE_SEMANTICS(EeZeroAccx) { cpu.st.accx = 0; }
PIETUNE_SEMANTICS(EeZeroQacc) { cpu.st.qacc.clear(); }
PIETUNE_SEMANTICS(EeZeroQ) { cpu.q(d.r[0]).fill(0); }

PIETUNE_SEMANTICS(EeMovS8Qacc) { mov_qacc<std::int8_t>(cpu, d); }
PIETUNE_SEMANTICS(EeMovU8Qacc) { mov_qacc<std::uint8_t>(cpu, d); }
PIETUNE_SEMANTICS(EeMovS16Qacc) { mov_qacc<std::int16_t>(cpu, d); }
PIETUNE_SEMANTICS(EeMovU16Qacc) { mov_qacc<std::uint16_t>(cpu, d); }

// qs, au, sel4: au = qs.u32[sel4].
PIETUNE_SEMANTICS(EeMovi32A) { cpu.ar(d.r[1]) = sem::lane<std::uint32_t>(cpu.q(d.r[0]), d.imm & 3); }
// qu, as, sel4: qu.u32[sel4] = as; the other lanes are kept.
PIETUNE_SEMANTICS(EeMovi32Q) { sem::set_lane<std::uint32_t>(cpu.q(d.r[0]), d.imm & 3, cpu.ar(d.r[1])); }

// ACCX_0 = ACCX[31:0]; ACCX_1 = ACCX[39:32], zero-extended on read, low 8 bits used on write.
PIETUNE_SEMANTICS(RurAccx0) { cpu.ar(d.r[0]) = static_cast<std::uint32_t>(cpu.st.accx_raw()); }
PIETUNE_SEMANTICS(RurAccx1) { cpu.ar(d.r[0]) = static_cast<std::uint32_t>(cpu.st.accx_raw() >> 32); }
PIETUNE_SEMANTICS(WurAccx0) {
  const std::uint64_t raw = (cpu.st.accx_raw() & ~std::uint64_t{0xFFFFFFFF}) | cpu.ar(d.r[0]);
  cpu.st.set_accx(static_cast<std::int64_t>(raw));
}
PIETUNE_SEMANTICS(WurAccx1) {
  const std::uint64_t raw = (cpu.st.accx_raw() & 0xFFFFFFFFu) | (std::uint64_t{cpu.ar(d.r[0]) & 0xFFu} << 32);
  cpu.st.set_accx(static_cast<std::int64_t>(raw));
}

PIETUNE_SEMANTICS(RurSarByte) { cpu.ar(d.r[0]) = cpu.st.sar_byte & 15; }
PIETUNE_SEMANTICS(WurSarByte) { cpu.st.sar_byte = cpu.ar(d.r[0]) & 15; }

PIETUNE_SEMANTICS(RurQaccL0) { rur_qacc<false, 0>(cpu, d); }
PIETUNE_SEMANTICS(RurQaccL1) { rur_qacc<false, 1>(cpu, d); }
PIETUNE_SEMANTICS(RurQaccL2) { rur_qacc<false, 2>(cpu, d); }
PIETUNE_SEMANTICS(RurQaccL3) { rur_qacc<false, 3>(cpu, d); }
PIETUNE_SEMANTICS(RurQaccL4) { rur_qacc<false, 4>(cpu, d); }
PIETUNE_SEMANTICS(RurQaccH0) { rur_qacc<true, 0>(cpu, d); }
PIETUNE_SEMANTICS(RurQaccH1) { rur_qacc<true, 1>(cpu, d); }
PIETUNE_SEMANTICS(RurQaccH2) { rur_qacc<true, 2>(cpu, d); }
PIETUNE_SEMANTICS(RurQaccH3) { rur_qacc<true, 3>(cpu, d); }
PIETUNE_SEMANTICS(RurQaccH4) { rur_qacc<true, 4>(cpu, d); }
PIETUNE_SEMANTICS(WurQaccL0) { wur_qacc<false, 0>(cpu, d); }
PIETUNE_SEMANTICS(WurQaccL1) { wur_qacc<false, 1>(cpu, d); }
PIETUNE_SEMANTICS(WurQaccL2) { wur_qacc<false, 2>(cpu, d); }
PIETUNE_SEMANTICS(WurQaccL3) { wur_qacc<false, 3>(cpu, d); }
PIETUNE_SEMANTICS(WurQaccL4) { wur_qacc<false, 4>(cpu, d); }
PIETUNE_SEMANTICS(WurQaccH0) { wur_qacc<true, 0>(cpu, d); }
PIETUNE_SEMANTICS(WurQaccH1) { wur_qacc<true, 1>(cpu, d); }
PIETUNE_SEMANTICS(WurQaccH2) { wur_qacc<true, 2>(cpu, d); }
PIETUNE_SEMANTICS(WurQaccH3) { wur_qacc<true, 3>(cpu, d); }
PIETUNE_SEMANTICS(WurQaccH4) { wur_qacc<true, 4>(cpu, d); }

}  // namespace pietune::emu
