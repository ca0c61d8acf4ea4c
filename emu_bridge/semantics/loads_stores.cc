// Semantics of the standalone PIE loads and stores (facts §4.1): VLD/VST 128/64, VLDBC, LD.128.USAR,
// LDQA, LD/ST.QACC_*, LD/ST.ACCX, LDXQ/STXQ, LD.QR/ST.QR/MV.QR. Every access clears the low bits
// of its width; the base register keeps them and the post-increment is added to the original.
#include "emu_bridge/semantics/dispatch.h"
#include "emu_bridge/semantics/lanes.h"

namespace pietune::emu {
namespace {

using sem::align_down;

// The updated base register: the original `as` plus the immediate (IP) or the AR operand (XP).
enum class Post { kImm, kReg };

template <Post kPost>
std::uint32_t advanced(Cpu& cpu, const Decoded& d, std::uint32_t base, int ad_operand) {
  if constexpr (kPost == Post::kImm) return base + static_cast<std::uint32_t>(d.imm);
  else return base + cpu.ar(d.r[ad_operand]);
}

// qu, as, imm|ad: qu = mem128[as & ~15]; as += imm|ad.
template <Post kPost>
void vld128(Cpu& cpu, const Decoded& d) {
  const std::uint32_t base = cpu.ar(d.r[1]);
  const std::uint32_t next = advanced<kPost>(cpu, d, base, 2);
  const QReg value = sem::load128(cpu, base);
  cpu.ar(d.r[1]) = next;
  cpu.q(d.r[0]) = value;
}

// qv, as, imm|ad: mem128[as & ~15] = qv; as += imm|ad.
template <Post kPost>
void vst128(Cpu& cpu, const Decoded& d) {
  const std::uint32_t base = cpu.ar(d.r[1]);
  const std::uint32_t next = advanced<kPost>(cpu, d, base, 2);
  sem::store128(cpu, base, cpu.q(d.r[0]));
  cpu.ar(d.r[1]) = next;
}

// qu, as, imm|ad: one 64-bit half of qu = mem64[as & ~7]; the other half is kept.
template <Post kPost, int kHalf>
void vld64(Cpu& cpu, const Decoded& d) {
  const std::uint32_t base = cpu.ar(d.r[1]);
  const std::uint32_t next = advanced<kPost>(cpu, d, base, 2);
  std::uint8_t value[8];
  cpu.read<8>(align_down(base, 8), value);
  cpu.ar(d.r[1]) = next;
  std::memcpy(cpu.q(d.r[0]).data() + 8 * kHalf, value, 8);
}

template <Post kPost, int kHalf>
void vst64(Cpu& cpu, const Decoded& d) {
  const std::uint32_t base = cpu.ar(d.r[1]);
  const std::uint32_t next = advanced<kPost>(cpu, d, base, 2);
  cpu.write<8>(align_down(base, 8), cpu.q(d.r[0]).data() + 8 * kHalf);
  cpu.ar(d.r[1]) = next;
}

// qu, as[, imm|ad]: every lane = the element at as (8-bit: unmasked; 16/32-bit: aligned down).
template <typename T>
QReg broadcast(Cpu& cpu, std::uint32_t base) {
  T element;
  cpu.read<sizeof(T)>(align_down(base, sizeof(T)), &element);
  sem::Lanes<T> all;
  all.fill(element);
  QReg value;
  sem::set_lanes<T>(value, all);
  return value;
}

template <typename T>
void vldbc(Cpu& cpu, const Decoded& d) {
  cpu.q(d.r[0]) = broadcast<T>(cpu, cpu.ar(d.r[1]));
}

template <typename T, Post kPost>
void vldbc_post(Cpu& cpu, const Decoded& d) {
  const std::uint32_t base = cpu.ar(d.r[1]);
  const std::uint32_t next = advanced<kPost>(cpu, d, base, 2);
  const QReg value = broadcast<T>(cpu, base);
  cpu.ar(d.r[1]) = next;
  cpu.q(d.r[0]) = value;
}

// qu, as, imm|ad: SAR_BYTE = as[3:0]; qu = mem128[as & ~15]; as += imm|ad.
template <Post kPost>
void ld128_usar(Cpu& cpu, const Decoded& d) {
  const std::uint32_t base = cpu.ar(d.r[1]);
  const std::uint32_t next = advanced<kPost>(cpu, d, base, 2);
  const QReg value = sem::load128(cpu, base);
  cpu.st.sar_byte = base & 15;
  cpu.ar(d.r[1]) = next;
  cpu.q(d.r[0]) = value;
}

// as, imm|ad: the 16 bytes (8-bit forms) or 8 halfwords (16-bit forms) at as & ~15, extended into
// the 20-bit or 40-bit QACC lanes; as += imm|ad.
template <typename T, Post kPost>
void ldqa(Cpu& cpu, const Decoded& d) {
  const std::uint32_t base = cpu.ar(d.r[0]);
  const std::uint32_t next = advanced<kPost>(cpu, d, base, 1);
  const sem::Lanes<T> in = sem::lanes<T>(sem::load128(cpu, base));
  if constexpr (sizeof(T) == 1) {
    std::int32_t* acc = cpu.st.qacc.lanes20();
    for (int i = 0; i < 16; ++i) acc[i] = in[i];
  } else {
    std::int64_t* acc = cpu.st.qacc.lanes40();
    for (int j = 0; j < 8; ++j) acc[j] = in[j];
  }
  cpu.ar(d.r[0]) = next;
}

// as, imm: raw bits [127:0] of one QACC half <-> mem128[as & ~15]; as += imm.
template <bool kHigh>
void ld_qacc_low128(Cpu& cpu, const Decoded& d) {
  const std::uint32_t base = cpu.ar(d.r[0]);
  const QReg value = sem::load128(cpu, base);
  QaccHalf raw = cpu.st.qacc.half(kHigh);
  std::memcpy(raw.data(), value.data(), 16);
  cpu.st.qacc.set_half(kHigh, raw);
  cpu.ar(d.r[0]) = base + static_cast<std::uint32_t>(d.imm);
}

template <bool kHigh>
void st_qacc_low128(Cpu& cpu, const Decoded& d) {
  const std::uint32_t base = cpu.ar(d.r[0]);
  const QaccHalf raw = cpu.st.qacc.half(kHigh);
  cpu.write<16>(align_down(base, 16), raw.data());
  cpu.ar(d.r[0]) = base + static_cast<std::uint32_t>(d.imm);
}

// as, imm: raw bits [159:128] of one QACC half <-> mem32[as & ~3]; as += imm.
template <bool kHigh>
void ld_qacc_high32(Cpu& cpu, const Decoded& d) {
  const std::uint32_t base = cpu.ar(d.r[0]);
  std::uint8_t value[4];
  cpu.read<4>(align_down(base, 4), value);
  QaccHalf raw = cpu.st.qacc.half(kHigh);
  std::memcpy(raw.data() + 16, value, 4);
  cpu.st.qacc.set_half(kHigh, raw);
  cpu.ar(d.r[0]) = base + static_cast<std::uint32_t>(d.imm);
}

template <bool kHigh>
void st_qacc_high32(Cpu& cpu, const Decoded& d) {
  const std::uint32_t base = cpu.ar(d.r[0]);
  const QaccHalf raw = cpu.st.qacc.half(kHigh);
  cpu.write<4>(align_down(base, 4), raw.data() + 16);
  cpu.ar(d.r[0]) = base + static_cast<std::uint32_t>(d.imm);
}

// LDXQ/STXQ address: (as + 4 * qs.u16[sel8]) & ~3 (facts §4.1, TRM/KB; QEMU's "-4" not followed).
std::uint32_t indexed_address(Cpu& cpu, const Decoded& d) {
  const auto index = sem::lane<std::uint16_t>(cpu.q(d.r[1]), d.imm2 & 7);
  return align_down(cpu.ar(d.r[2]) + 4u * index, 4);
}

}  // namespace

PIETUNE_SEMANTICS(EeVld128Ip) { vld128<Post::kImm>(cpu, d); }
PIETUNE_SEMANTICS(EeVld128Xp) { vld128<Post::kReg>(cpu, d); }
PIETUNE_SEMANTICS(EeVst128Ip) { vst128<Post::kImm>(cpu, d); }
PIETUNE_SEMANTICS(EeVst128Xp) { vst128<Post::kReg>(cpu, d); }
PIETUNE_SEMANTICS(EeVldL64Ip) { vld64<Post::kImm, 0>(cpu, d); }
PIETUNE_SEMANTICS(EeVldL64Xp) { vld64<Post::kReg, 0>(cpu, d); }
PIETUNE_SEMANTICS(EeVldH64Ip) { vld64<Post::kImm, 1>(cpu, d); }
PIETUNE_SEMANTICS(EeVldH64Xp) { vld64<Post::kReg, 1>(cpu, d); }
PIETUNE_SEMANTICS(EeVstL64Ip) { vst64<Post::kImm, 0>(cpu, d); }
PIETUNE_SEMANTICS(EeVstL64Xp) { vst64<Post::kReg, 0>(cpu, d); }
PIETUNE_SEMANTICS(EeVstH64Ip) { vst64<Post::kImm, 1>(cpu, d); }
PIETUNE_SEMANTICS(EeVstH64Xp) { vst64<Post::kReg, 1>(cpu, d); }

PIETUNE_SEMANTICS(EeVldbc8) { vldbc<std::uint8_t>(cpu, d); }
PIETUNE_SEMANTICS(EeVldbc8Ip) { vldbc_post<std::uint8_t, Post::kImm>(cpu, d); }
PIETUNE_SEMANTICS(EeVldbc8Xp) { vldbc_post<std::uint8_t, Post::kReg>(cpu, d); }
PIETUNE_SEMANTICS(EeVldbc16) { vldbc<std::uint16_t>(cpu, d); }
PIETUNE_SEMANTICS(EeVldbc16Ip) { vldbc_post<std::uint16_t, Post::kImm>(cpu, d); }
PIETUNE_SEMANTICS(EeVldbc16Xp) { vldbc_post<std::uint16_t, Post::kReg>(cpu, d); }
PIETUNE_SEMANTICS(EeVldbc32) { vldbc<std::uint32_t>(cpu, d); }
PIETUNE_SEMANTICS(EeVldbc32Ip) { vldbc_post<std::uint32_t, Post::kImm>(cpu, d); }
PIETUNE_SEMANTICS(EeVldbc32Xp) { vldbc_post<std::uint32_t, Post::kReg>(cpu, d); }

PIETUNE_SEMANTICS(EeLd128UsarIp) { ld128_usar<Post::kImm>(cpu, d); }
PIETUNE_SEMANTICS(EeLd128UsarXp) { ld128_usar<Post::kReg>(cpu, d); }

PIETUNE_SEMANTICS(EeLdqaU8128Ip) { ldqa<std::uint8_t, Post::kImm>(cpu, d); }
PIETUNE_SEMANTICS(EeLdqaU8128Xp) { ldqa<std::uint8_t, Post::kReg>(cpu, d); }
PIETUNE_SEMANTICS(EeLdqaS8128Ip) { ldqa<std::int8_t, Post::kImm>(cpu, d); }
PIETUNE_SEMANTICS(EeLdqaS8128Xp) { ldqa<std::int8_t, Post::kReg>(cpu, d); }
PIETUNE_SEMANTICS(EeLdqaU16128Ip) { ldqa<std::uint16_t, Post::kImm>(cpu, d); }
PIETUNE_SEMANTICS(EeLdqaU16128Xp) { ldqa<std::uint16_t, Post::kReg>(cpu, d); }
PIETUNE_SEMANTICS(EeLdqaS16128Ip) { ldqa<std::int16_t, Post::kImm>(cpu, d); }
PIETUNE_SEMANTICS(EeLdqaS16128Xp) { ldqa<std::int16_t, Post::kReg>(cpu, d); }

PIETUNE_SEMANTICS(EeLdQaccLL128Ip) { ld_qacc_low128<false>(cpu, d); }
PIETUNE_SEMANTICS(EeLdQaccHL128Ip) { ld_qacc_low128<true>(cpu, d); }
PIETUNE_SEMANTICS(EeLdQaccLH32Ip) { ld_qacc_high32<false>(cpu, d); }
PIETUNE_SEMANTICS(EeLdQaccHH32Ip) { ld_qacc_high32<true>(cpu, d); }
PIETUNE_SEMANTICS(EeStQaccLL128Ip) { st_qacc_low128<false>(cpu, d); }
PIETUNE_SEMANTICS(EeStQaccHL128Ip) { st_qacc_low128<true>(cpu, d); }
PIETUNE_SEMANTICS(EeStQaccLH32Ip) { st_qacc_high32<false>(cpu, d); }
PIETUNE_SEMANTICS(EeStQaccHH32Ip) { st_qacc_high32<true>(cpu, d); }

// as, imm: ACCX = low 40 bits of mem64[as & ~7]; as += imm.
PIETUNE_SEMANTICS(EeLdAccxIp) {
  const std::uint32_t base = cpu.ar(d.r[0]);
  std::uint64_t value;
  cpu.read<8>(align_down(base, 8), &value);
  cpu.st.set_accx(static_cast<std::int64_t>(value & kAccxMask));
  cpu.ar(d.r[0]) = base + static_cast<std::uint32_t>(d.imm);
}

// as, imm: mem64[as & ~7] = ACCX zero-extended from 40 bits (as QEMU; the upper 24 bits on silicon
// are unverified, facts §10.9); as += imm.
PIETUNE_SEMANTICS(EeStAccxIp) {
  const std::uint32_t base = cpu.ar(d.r[0]);
  const std::uint64_t value = cpu.st.accx_raw();
  cpu.write<8>(align_down(base, 8), &value);
  cpu.ar(d.r[0]) = base + static_cast<std::uint32_t>(d.imm);
}

// qu, qs, as, sel4, sel8: qu.u32[sel4] = mem32[(as + 4 * qs.u16[sel8]) & ~3]; other lanes kept.
PIETUNE_SEMANTICS(EeLdxq32) {
  std::uint32_t value;
  cpu.read<4>(indexed_address(cpu, d), &value);
  sem::set_lane<std::uint32_t>(cpu.q(d.r[0]), d.imm & 3, value);
}

// qv, qs, as, sel4, sel8: mem32[(as + 4 * qs.u16[sel8]) & ~3] = qv.u32[sel4].
PIETUNE_SEMANTICS(EeStxq32) {
  const auto value = sem::lane<std::uint32_t>(cpu.q(d.r[0]), d.imm & 3);
  cpu.write<4>(indexed_address(cpu, d), &value);
}

// qu, as, imm: qu = mem128[(as & ~15) + imm]; no update. Masked like every PIE access (facts §4.1).
PIETUNE_SEMANTICS(LdQr) {
  const std::uint32_t addr = align_down(cpu.ar(d.r[1]), 16) + static_cast<std::uint32_t>(d.imm);
  cpu.q(d.r[0]) = sem::load128(cpu, addr);
}

PIETUNE_SEMANTICS(StQr) {
  const std::uint32_t addr = align_down(cpu.ar(d.r[1]), 16) + static_cast<std::uint32_t>(d.imm);
  sem::store128(cpu, addr, cpu.q(d.r[0]));
}

PIETUNE_SEMANTICS(MvQr) { cpu.q(d.r[0]) = cpu.q(d.r[1]); }

}  // namespace pietune::emu
