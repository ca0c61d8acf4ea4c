// Semantics of the multiply-accumulate family (facts §4.3): EE.VMULAS.{S,U}{8,16}.{ACCX,QACC} in all
// fused forms (.LD.IP/.LD.XP, .QUP, .LDBC.INCP) and EE.VSMULAS.*. Saturation: ACCX at
// [-2^39, 2^39-1] (unsigned [0, 2^40-1]) once per instruction on the sum of all lane products;
// QACC per lane, 20-bit lanes at [-2^19, 2^19-1] (unsigned [0, 0xFFFFF]) for 8-bit operands,
// 40-bit lanes for 16-bit operands. Every source (qx, qy, qs0, qs1, SAR_BYTE, as) is read before
// anything is written: a fused load into a multiplied register, or into qs1, uses the old value.
#include "emu_bridge/semantics/dispatch.h"
#include "emu_bridge/semantics/lanes.h"

namespace pietune::emu {
namespace {

enum class Acc { kAccx, kQacc };
enum class Load {
  kNone,    // qx, qy
  kIp,      // qu, as, imm, qx, qy[, qs0, qs1]: qu = mem128[as & ~15], as += imm
  kXp,      // qu, as, ad, qx, qy[, qs0, qs1]: as += ad
  kBcIncp,  // qu, as, qx, qy[, qs0, qs1]: qu = broadcast of the element at as, as += element size
  kIncp,    // qu, as, qx, qy, sel: qu = mem128[as & ~15], as += 16 (VSMULAS)
};

constexpr std::int32_t kQacc20Min = -(1 << 19);
constexpr std::int32_t kQacc20Max = (1 << 19) - 1;
constexpr std::int32_t kQacc20Mask = 0xFFFFF;

template <typename T>
constexpr bool kSigned = std::is_signed_v<T>;

// Adds the lane products x_i * y_i (or x_i * y_sel for `kScalar`) to the accumulator.
template <typename T, Acc kAcc, bool kScalar>
inline void accumulate(MachineState& st, const QReg& qx, const QReg& qy, int sel) {
  const sem::Lanes<T> x = sem::lanes<T>(qx);
  sem::Lanes<T> y = sem::lanes<T>(qy);
  constexpr int n = sem::kLanes<T>;
  if constexpr (kScalar) {
    const T chosen = y[static_cast<std::size_t>(sel & (n - 1))];
    y.fill(chosen);
  }
  if constexpr (kAcc == Acc::kAccx) {
    std::int64_t sum = 0;
    if constexpr (sizeof(T) == 1) {
      std::int32_t s32 = 0;  // 16 products of at most 2^16: no overflow
      for (int i = 0; i < n; ++i) s32 += static_cast<std::int32_t>(x[i]) * static_cast<std::int32_t>(y[i]);
      sum = s32;
    } else {
      for (int i = 0; i < n; ++i) sum += static_cast<std::int64_t>(x[i]) * static_cast<std::int64_t>(y[i]);
    }
    if constexpr (kSigned<T>) {
      st.accx = std::clamp(st.accx + sum, kAccxMin, kAccxMax);
    } else {
      const std::uint64_t total = st.accx_raw() + static_cast<std::uint64_t>(sum);
      st.set_accx(static_cast<std::int64_t>(std::min<std::uint64_t>(total, kAccxMask)));
    }
  } else if constexpr (sizeof(T) == 1) {
    std::int32_t* acc = st.qacc.lanes20();
    for (int i = 0; i < n; ++i) {
      const std::int32_t product = static_cast<std::int32_t>(x[i]) * static_cast<std::int32_t>(y[i]);
      if constexpr (kSigned<T>) {
        acc[i] = std::clamp(acc[i] + product, kQacc20Min, kQacc20Max);
      } else {
        const std::int32_t u = std::min((acc[i] & kQacc20Mask) + product, kQacc20Mask);
        acc[i] = static_cast<std::int32_t>(static_cast<std::uint32_t>(u) << 12) >> 12;
      }
    }
  } else {
    std::int64_t* acc = st.qacc.lanes40();
    for (int j = 0; j < n; ++j) {
      const std::int64_t product = static_cast<std::int64_t>(x[j]) * static_cast<std::int64_t>(y[j]);
      if constexpr (kSigned<T>) {
        acc[j] = std::clamp(acc[j] + product, kAccxMin, kAccxMax);
      } else {
        const std::uint64_t total = (static_cast<std::uint64_t>(acc[j]) & kAccxMask) + static_cast<std::uint64_t>(product);
        acc[j] = sem::sext(std::min<std::uint64_t>(total, kAccxMask), 40);
      }
    }
  }
}

template <typename T, Acc kAcc, Load kLoad, bool kQup, bool kScalar = false>
inline void vmulas(Cpu& cpu, const Decoded& d) {
  MachineState& st = cpu.st;
  if constexpr (kLoad == Load::kNone) {
    accumulate<T, kAcc, kScalar>(st, st.q[d.r[0] & 7], st.q[d.r[1] & 7], d.imm);
  } else {
    constexpr bool kWide = kLoad == Load::kIp || kLoad == Load::kXp;
    constexpr int kX = kWide ? 3 : 2;
    // Read every source first.
    const QReg x = cpu.q(d.r[kX]);
    const QReg y = cpu.q(d.r[kX + 1]);
    const std::uint32_t base = cpu.ar(d.r[1]);
    std::uint32_t next = base;
    QReg loaded;
    if constexpr (kLoad == Load::kIp) {
      next = base + static_cast<std::uint32_t>(d.imm);
      loaded = sem::load128(cpu, base);
    } else if constexpr (kLoad == Load::kXp) {
      next = base + cpu.ar(d.r[2]);
      loaded = sem::load128(cpu, base);
    } else if constexpr (kLoad == Load::kIncp) {
      next = base + 16;
      loaded = sem::load128(cpu, base);
    } else {
      T element;
      cpu.read<sizeof(T)>(sem::align_down(base, sizeof(T)), &element);
      sem::Lanes<T> all;
      all.fill(element);
      sem::set_lanes<T>(loaded, all);
      next = base + sizeof(T);
    }
    QReg funnelled;
    if constexpr (kQup) {
      funnelled = sem::funnel(cpu.q(d.r[kX + 2]), cpu.q(d.r[kX + 3]), st.sar_byte);
    }
    // Then write, in pipeline order: accumulator, as and qs0 (E), the loaded qu last (M).
    accumulate<T, kAcc, kScalar>(st, x, y, d.imm);
    cpu.ar(d.r[1]) = next;
    if constexpr (kQup) cpu.q(d.r[kX + 2]) = funnelled;
    cpu.q(d.r[0]) = loaded;
  }
}

}  // namespace

// 8-bit signed, ACCX.
PIETUNE_SEMANTICS(EeVmulasS8Accx) { vmulas<std::int8_t, Acc::kAccx, Load::kNone, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasS8AccxLdIp) { vmulas<std::int8_t, Acc::kAccx, Load::kIp, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasS8AccxLdXp) { vmulas<std::int8_t, Acc::kAccx, Load::kXp, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasS8AccxLdIpQup) { vmulas<std::int8_t, Acc::kAccx, Load::kIp, true>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasS8AccxLdXpQup) { vmulas<std::int8_t, Acc::kAccx, Load::kXp, true>(cpu, d); }
// 8-bit unsigned, ACCX.
PIETUNE_SEMANTICS(EeVmulasU8Accx) { vmulas<std::uint8_t, Acc::kAccx, Load::kNone, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasU8AccxLdIp) { vmulas<std::uint8_t, Acc::kAccx, Load::kIp, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasU8AccxLdXp) { vmulas<std::uint8_t, Acc::kAccx, Load::kXp, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasU8AccxLdIpQup) { vmulas<std::uint8_t, Acc::kAccx, Load::kIp, true>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasU8AccxLdXpQup) { vmulas<std::uint8_t, Acc::kAccx, Load::kXp, true>(cpu, d); }
// 16-bit signed, ACCX.
PIETUNE_SEMANTICS(EeVmulasS16Accx) { vmulas<std::int16_t, Acc::kAccx, Load::kNone, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasS16AccxLdIp) { vmulas<std::int16_t, Acc::kAccx, Load::kIp, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasS16AccxLdXp) { vmulas<std::int16_t, Acc::kAccx, Load::kXp, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasS16AccxLdIpQup) { vmulas<std::int16_t, Acc::kAccx, Load::kIp, true>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasS16AccxLdXpQup) { vmulas<std::int16_t, Acc::kAccx, Load::kXp, true>(cpu, d); }
// 16-bit unsigned, ACCX.
PIETUNE_SEMANTICS(EeVmulasU16Accx) { vmulas<std::uint16_t, Acc::kAccx, Load::kNone, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasU16AccxLdIp) { vmulas<std::uint16_t, Acc::kAccx, Load::kIp, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasU16AccxLdXp) { vmulas<std::uint16_t, Acc::kAccx, Load::kXp, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasU16AccxLdIpQup) { vmulas<std::uint16_t, Acc::kAccx, Load::kIp, true>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasU16AccxLdXpQup) { vmulas<std::uint16_t, Acc::kAccx, Load::kXp, true>(cpu, d); }

// 8-bit signed, QACC.
PIETUNE_SEMANTICS(EeVmulasS8Qacc) { vmulas<std::int8_t, Acc::kQacc, Load::kNone, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasS8QaccLdIp) { vmulas<std::int8_t, Acc::kQacc, Load::kIp, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasS8QaccLdXp) { vmulas<std::int8_t, Acc::kQacc, Load::kXp, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasS8QaccLdIpQup) { vmulas<std::int8_t, Acc::kQacc, Load::kIp, true>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasS8QaccLdXpQup) { vmulas<std::int8_t, Acc::kQacc, Load::kXp, true>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasS8QaccLdbcIncp) { vmulas<std::int8_t, Acc::kQacc, Load::kBcIncp, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasS8QaccLdbcIncpQup) { vmulas<std::int8_t, Acc::kQacc, Load::kBcIncp, true>(cpu, d); }
// 8-bit unsigned, QACC.
PIETUNE_SEMANTICS(EeVmulasU8Qacc) { vmulas<std::uint8_t, Acc::kQacc, Load::kNone, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasU8QaccLdIp) { vmulas<std::uint8_t, Acc::kQacc, Load::kIp, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasU8QaccLdXp) { vmulas<std::uint8_t, Acc::kQacc, Load::kXp, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasU8QaccLdIpQup) { vmulas<std::uint8_t, Acc::kQacc, Load::kIp, true>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasU8QaccLdXpQup) { vmulas<std::uint8_t, Acc::kQacc, Load::kXp, true>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasU8QaccLdbcIncp) { vmulas<std::uint8_t, Acc::kQacc, Load::kBcIncp, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasU8QaccLdbcIncpQup) { vmulas<std::uint8_t, Acc::kQacc, Load::kBcIncp, true>(cpu, d); }
// 16-bit signed, QACC.
PIETUNE_SEMANTICS(EeVmulasS16Qacc) { vmulas<std::int16_t, Acc::kQacc, Load::kNone, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasS16QaccLdIp) { vmulas<std::int16_t, Acc::kQacc, Load::kIp, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasS16QaccLdXp) { vmulas<std::int16_t, Acc::kQacc, Load::kXp, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasS16QaccLdIpQup) { vmulas<std::int16_t, Acc::kQacc, Load::kIp, true>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasS16QaccLdXpQup) { vmulas<std::int16_t, Acc::kQacc, Load::kXp, true>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasS16QaccLdbcIncp) { vmulas<std::int16_t, Acc::kQacc, Load::kBcIncp, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasS16QaccLdbcIncpQup) { vmulas<std::int16_t, Acc::kQacc, Load::kBcIncp, true>(cpu, d); }
// 16-bit unsigned, QACC.
PIETUNE_SEMANTICS(EeVmulasU16Qacc) { vmulas<std::uint16_t, Acc::kQacc, Load::kNone, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasU16QaccLdIp) { vmulas<std::uint16_t, Acc::kQacc, Load::kIp, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasU16QaccLdXp) { vmulas<std::uint16_t, Acc::kQacc, Load::kXp, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasU16QaccLdIpQup) { vmulas<std::uint16_t, Acc::kQacc, Load::kIp, true>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasU16QaccLdXpQup) { vmulas<std::uint16_t, Acc::kQacc, Load::kXp, true>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasU16QaccLdbcIncp) { vmulas<std::uint16_t, Acc::kQacc, Load::kBcIncp, false>(cpu, d); }
PIETUNE_SEMANTICS(EeVmulasU16QaccLdbcIncpQup) { vmulas<std::uint16_t, Acc::kQacc, Load::kBcIncp, true>(cpu, d); }

// Vector times one lane of qy (sel16 / sel8).
PIETUNE_SEMANTICS(EeVsmulasS8Qacc) { vmulas<std::int8_t, Acc::kQacc, Load::kNone, false, true>(cpu, d); }
PIETUNE_SEMANTICS(EeVsmulasS8QaccLdIncp) { vmulas<std::int8_t, Acc::kQacc, Load::kIncp, false, true>(cpu, d); }
PIETUNE_SEMANTICS(EeVsmulasS16Qacc) { vmulas<std::int16_t, Acc::kQacc, Load::kNone, false, true>(cpu, d); }
PIETUNE_SEMANTICS(EeVsmulasS16QaccLdIncp) { vmulas<std::int16_t, Acc::kQacc, Load::kIncp, false, true>(cpu, d); }

}  // namespace pietune::emu
