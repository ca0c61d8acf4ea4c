// Semantics of the unaligned funnel and the other shift instructions of the funnel unit (facts
// §4.2, §4.5): EE.SRC.Q(.QUP/.LD.IP/.LD.XP), EE.SRCQ.128.ST.INCP, EE.SRCI/SLCI.2Q, EE.VSL/VSR.32.
// The funnel is ({qs1, qs0} >> 8 * SAR_BYTE)[127:0] with qs0 the low half (silicon-checked).
#include "emu_bridge/semantics/dispatch.h"
#include "emu_bridge/semantics/lanes.h"

namespace pietune::emu {
namespace {

// qu, as, imm|ad, qs0, qs1: qs0 = funnel(qs0, qs1); qu = mem128[as & ~15]; as += imm|ad.
template <bool kXp>
void src_q_ld(Cpu& cpu, const Decoded& d) {
  const std::uint32_t base = cpu.ar(d.r[1]);
  const std::uint32_t next = base + (kXp ? cpu.ar(d.r[2]) : static_cast<std::uint32_t>(d.imm));
  const QReg funnelled = sem::funnel(cpu.q(d.r[3]), cpu.q(d.r[4]), cpu.st.sar_byte);
  const QReg loaded = sem::load128(cpu, base);
  cpu.ar(d.r[1]) = next;
  cpu.q(d.r[3]) = funnelled;
  cpu.q(d.r[0]) = loaded;
}

// qs1, qs0, k: the 256-bit pair {qs1, qs0} shifted by k + 1 bytes, zero filled, written back.
template <bool kLeft>
void shift_pair(Cpu& cpu, const Decoded& d) {
  const std::uint32_t bytes = static_cast<std::uint32_t>(d.imm & 15) + 1;
  std::array<std::uint8_t, 32> pair;
  std::memcpy(pair.data(), cpu.q(d.r[1]).data(), 16);
  std::memcpy(pair.data() + 16, cpu.q(d.r[0]).data(), 16);
  std::array<std::uint8_t, 32> out{};
  for (std::uint32_t i = 0; i < 32; ++i) {
    if constexpr (kLeft) {
      if (i >= bytes) out[i] = pair[i - bytes];
    } else {
      if (i + bytes < 32) out[i] = pair[i + bytes];
    }
  }
  std::memcpy(cpu.q(d.r[1]).data(), out.data(), 16);
  std::memcpy(cpu.q(d.r[0]).data(), out.data() + 16, 16);
}

// qa, qs: four 32-bit lanes shifted by SAR[5:0]; VSL logical left, VSR arithmetic right. Shifts of
// 32 or more (unverified on silicon, facts §10.9) give 0 (left) or the sign fill (right).
template <bool kLeft>
void shift_lanes(Cpu& cpu, const Decoded& d) {
  const std::uint32_t shift = cpu.st.sar & 63;
  sem::Lanes<std::int32_t> v = sem::lanes<std::int32_t>(cpu.q(d.r[1]));
  for (std::int32_t& lane : v) {
    if constexpr (kLeft) {
      lane = static_cast<std::int32_t>(static_cast<std::uint32_t>(static_cast<std::uint64_t>(static_cast<std::uint32_t>(lane)) << shift));
    } else {
      lane = static_cast<std::int32_t>(static_cast<std::int64_t>(lane) >> shift);
    }
  }
  sem::set_lanes<std::int32_t>(cpu.q(d.r[0]), v);
}

}  // namespace

// qa, qs0, qs1.
PIETUNE_SEMANTICS(EeSrcQ) { cpu.q(d.r[0]) = sem::funnel(cpu.q(d.r[1]), cpu.q(d.r[2]), cpu.st.sar_byte); }

// qa, qs0, qs1: qa = funnel(qs0, qs1), then qs0 = qs1 (if qa names qs0, the funnel result stays).
PIETUNE_SEMANTICS(EeSrcQQup) {
  const QReg result = sem::funnel(cpu.q(d.r[1]), cpu.q(d.r[2]), cpu.st.sar_byte);
  cpu.q(d.r[1]) = cpu.q(d.r[2]);
  cpu.q(d.r[0]) = result;
}

PIETUNE_SEMANTICS(EeSrcQLdIp) { src_q_ld<false>(cpu, d); }
PIETUNE_SEMANTICS(EeSrcQLdXp) { src_q_ld<true>(cpu, d); }

// qs0, qs1, as: mem128[as & ~15] = funnel(qs0, qs1); as += 16.
PIETUNE_SEMANTICS(EeSrcq128StIncp) {
  const std::uint32_t base = cpu.ar(d.r[2]);
  sem::store128(cpu, base, sem::funnel(cpu.q(d.r[0]), cpu.q(d.r[1]), cpu.st.sar_byte));
  cpu.ar(d.r[2]) = base + 16;
}

PIETUNE_SEMANTICS(EeSrci2q) { shift_pair<false>(cpu, d); }
PIETUNE_SEMANTICS(EeSlci2q) { shift_pair<true>(cpu, d); }

PIETUNE_SEMANTICS(EeVsl32) { shift_lanes<true>(cpu, d); }
PIETUNE_SEMANTICS(EeVsr32) { shift_lanes<false>(cpu, d); }

}  // namespace pietune::emu
