// Semantics of the element-wise vector instructions (facts §4.3, §4.5): EE.VADDS/VSUBS (true rails),
// VMAX/VMIN, VCMP masks, ANDQ/ORQ/XORQ/NOTQ, VZIP/VUNZIP, VRELU/VPRELU, VMUL (>> SAR, wraps), with
// their .LD.INCP and .ST.INCP fused forms.
#include "emu_bridge/semantics/dispatch.h"
#include "emu_bridge/semantics/lanes.h"

namespace pietune::emu {
namespace {

enum class Fuse {
  kNone,  // qa, qx, qy
  kLd,    // qu, as, qa, qx, qy: also qu = mem128[as & ~15], as += 16
  kSt,    // qv, as, qa, qx, qy: also mem128[as & ~15] = qv (the old qv), as += 16
};

// Runs `compute(qx, qy) -> QReg` in the operand layout of `kFuse`, reading every source first and
// writing qa (stage E) before the loaded qu (stage M).
template <Fuse kFuse, typename Compute>
inline void vector_op(Cpu& cpu, const Decoded& d, Compute compute) {
  if constexpr (kFuse == Fuse::kNone) {
    cpu.q(d.r[0]) = compute(cpu.q(d.r[1]), cpu.q(d.r[2]));
  } else {
    const std::uint32_t base = cpu.ar(d.r[1]);
    const QReg result = compute(cpu.q(d.r[3]), cpu.q(d.r[4]));
    if constexpr (kFuse == Fuse::kLd) {
      const QReg loaded = sem::load128(cpu, base);
      cpu.ar(d.r[1]) = base + 16;
      cpu.q(d.r[2]) = result;
      cpu.q(d.r[0]) = loaded;
    } else {
      sem::store128(cpu, base, cpu.q(d.r[0]));
      cpu.ar(d.r[1]) = base + 16;
      cpu.q(d.r[2]) = result;
    }
  }
}

template <typename T, typename LaneOp>
inline QReg lanewise(const QReg& qx, const QReg& qy, LaneOp op) {
  const sem::Lanes<T> x = sem::lanes<T>(qx);
  const sem::Lanes<T> y = sem::lanes<T>(qy);
  sem::Lanes<T> out;
  for (int i = 0; i < sem::kLanes<T>; ++i) out[i] = op(x[i], y[i]);
  QReg result;
  sem::set_lanes<T>(result, out);
  return result;
}

template <typename T>
QReg vadds(const QReg& x, const QReg& y) {
  return lanewise<T>(x, y, [](T a, T b) { return sem::saturate<T>(std::int64_t{a} + b); });
}
template <typename T>
QReg vsubs(const QReg& x, const QReg& y) {
  return lanewise<T>(x, y, [](T a, T b) { return sem::saturate<T>(std::int64_t{a} - b); });
}
template <typename T>
QReg vmax(const QReg& x, const QReg& y) {
  return lanewise<T>(x, y, [](T a, T b) { return std::max(a, b); });
}
template <typename T>
QReg vmin(const QReg& x, const QReg& y) {
  return lanewise<T>(x, y, [](T a, T b) { return std::min(a, b); });
}

enum class Cmp { kEq, kLt, kGt };
template <typename T, Cmp kCmp>
QReg vcmp(const QReg& x, const QReg& y) {
  return lanewise<T>(x, y, [](T a, T b) {
    bool hit = false;
    if constexpr (kCmp == Cmp::kEq) hit = a == b;
    else if constexpr (kCmp == Cmp::kLt) hit = a < b;
    else hit = a > b;
    return static_cast<T>(hit ? -1 : 0);
  });
}

// Lane = (full product >> SAR[5:0]) truncated to the lane width; arithmetic for S, logical for U.
template <typename T>
auto vmul(std::uint32_t sar) {
  return [shift = sar & 63](const QReg& x, const QReg& y) {
    return lanewise<T>(x, y, [shift](T a, T b) {
      if constexpr (std::is_signed_v<T>) return static_cast<T>((std::int64_t{a} * b) >> shift);
      else return static_cast<T>((std::uint64_t{a} * b) >> shift);
    });
  };
}

// qs0, qs1 in place. VZIP interleaves: new qs0 = a0 b0 a1 b1 ... from the low halves, new qs1 the
// same from the high halves. VUNZIP is its inverse: new qs0 = the even elements of a ++ b, new
// qs1 the odd ones (facts §4.5).
template <typename T>
void vzip(Cpu& cpu, const Decoded& d) {
  const sem::Lanes<T> a = sem::lanes<T>(cpu.q(d.r[0]));
  const sem::Lanes<T> b = sem::lanes<T>(cpu.q(d.r[1]));
  constexpr int n = sem::kLanes<T>;
  sem::Lanes<T> lo, hi;
  for (int k = 0; k < n / 2; ++k) {
    lo[2 * k] = a[k];
    lo[2 * k + 1] = b[k];
    hi[2 * k] = a[n / 2 + k];
    hi[2 * k + 1] = b[n / 2 + k];
  }
  sem::set_lanes<T>(cpu.q(d.r[0]), lo);
  sem::set_lanes<T>(cpu.q(d.r[1]), hi);
}

template <typename T>
void vunzip(Cpu& cpu, const Decoded& d) {
  constexpr int n = sem::kLanes<T>;
  std::array<T, 2 * n> c;
  const sem::Lanes<T> a = sem::lanes<T>(cpu.q(d.r[0]));
  const sem::Lanes<T> b = sem::lanes<T>(cpu.q(d.r[1]));
  std::copy(a.begin(), a.end(), c.begin());
  std::copy(b.begin(), b.end(), c.begin() + n);
  sem::Lanes<T> even, odd;
  for (int k = 0; k < n; ++k) {
    even[k] = c[2 * k];
    odd[k] = c[2 * k + 1];
  }
  sem::set_lanes<T>(cpu.q(d.r[0]), even);
  sem::set_lanes<T>(cpu.q(d.r[1]), odd);
}

// Negative-or-zero lanes become (lane * slope) >> shift, truncated to the lane; positive lanes pass.
template <typename T>
T relu_lane(T lane, std::int64_t slope, std::uint32_t shift) {
  if (lane > 0) return lane;
  return static_cast<T>((std::int64_t{lane} * slope) >> shift);
}

// EE.VRELU.S8/S16 qs, ax, ay: slope = ax[7:0] / ax[15:0] (signed), shift = ay[4:0] / ay[5:0].
template <typename T>
void vrelu(Cpu& cpu, const Decoded& d) {
  const std::int64_t slope = static_cast<T>(cpu.ar(d.r[1]));
  const std::uint32_t shift = cpu.ar(d.r[2]) & (sizeof(T) == 1 ? 31u : 63u);
  sem::Lanes<T> v = sem::lanes<T>(cpu.q(d.r[0]));
  for (T& lane : v) lane = relu_lane<T>(lane, slope, shift);
  sem::set_lanes<T>(cpu.q(d.r[0]), v);
}

// EE.VPRELU.S8/S16 qz, qx, qy, ay: per-lane slope qy, data qx, shift as VRELU.
template <typename T>
void vprelu(Cpu& cpu, const Decoded& d) {
  const std::uint32_t shift = cpu.ar(d.r[3]) & (sizeof(T) == 1 ? 31u : 63u);
  cpu.q(d.r[0]) = lanewise<T>(cpu.q(d.r[1]), cpu.q(d.r[2]), [shift](T x, T slope) { return relu_lane<T>(x, slope, shift); });
}

QReg bitwise(const QReg& x, const QReg& y, int op) {
  QReg out;
  for (int i = 0; i < 16; ++i) {
    if (op == 0) out[i] = x[i] & y[i];
    else if (op == 1) out[i] = x[i] | y[i];
    else out[i] = x[i] ^ y[i];
  }
  return out;
}

}  // namespace

#define PIETUNE_VECTOR_OP(id, fuse, fn) \
  PIETUNE_SEMANTICS(id) { vector_op<Fuse::fuse>(cpu, d, fn); }

PIETUNE_VECTOR_OP(EeVaddsS8, kNone, vadds<std::int8_t>)
PIETUNE_VECTOR_OP(EeVaddsS8LdIncp, kLd, vadds<std::int8_t>)
PIETUNE_VECTOR_OP(EeVaddsS8StIncp, kSt, vadds<std::int8_t>)
PIETUNE_VECTOR_OP(EeVaddsS16, kNone, vadds<std::int16_t>)
PIETUNE_VECTOR_OP(EeVaddsS16LdIncp, kLd, vadds<std::int16_t>)
PIETUNE_VECTOR_OP(EeVaddsS16StIncp, kSt, vadds<std::int16_t>)
PIETUNE_VECTOR_OP(EeVaddsS32, kNone, vadds<std::int32_t>)
PIETUNE_VECTOR_OP(EeVaddsS32LdIncp, kLd, vadds<std::int32_t>)
PIETUNE_VECTOR_OP(EeVaddsS32StIncp, kSt, vadds<std::int32_t>)
PIETUNE_VECTOR_OP(EeVsubsS8, kNone, vsubs<std::int8_t>)
PIETUNE_VECTOR_OP(EeVsubsS8LdIncp, kLd, vsubs<std::int8_t>)
PIETUNE_VECTOR_OP(EeVsubsS8StIncp, kSt, vsubs<std::int8_t>)
PIETUNE_VECTOR_OP(EeVsubsS16, kNone, vsubs<std::int16_t>)
PIETUNE_VECTOR_OP(EeVsubsS16LdIncp, kLd, vsubs<std::int16_t>)
PIETUNE_VECTOR_OP(EeVsubsS16StIncp, kSt, vsubs<std::int16_t>)
PIETUNE_VECTOR_OP(EeVsubsS32, kNone, vsubs<std::int32_t>)
PIETUNE_VECTOR_OP(EeVsubsS32LdIncp, kLd, vsubs<std::int32_t>)
PIETUNE_VECTOR_OP(EeVsubsS32StIncp, kSt, vsubs<std::int32_t>)
PIETUNE_VECTOR_OP(EeVmaxS8, kNone, vmax<std::int8_t>)
PIETUNE_VECTOR_OP(EeVmaxS8LdIncp, kLd, vmax<std::int8_t>)
PIETUNE_VECTOR_OP(EeVmaxS8StIncp, kSt, vmax<std::int8_t>)
PIETUNE_VECTOR_OP(EeVmaxS16, kNone, vmax<std::int16_t>)
PIETUNE_VECTOR_OP(EeVmaxS16LdIncp, kLd, vmax<std::int16_t>)
PIETUNE_VECTOR_OP(EeVmaxS16StIncp, kSt, vmax<std::int16_t>)
PIETUNE_VECTOR_OP(EeVmaxS32, kNone, vmax<std::int32_t>)
PIETUNE_VECTOR_OP(EeVmaxS32LdIncp, kLd, vmax<std::int32_t>)
PIETUNE_VECTOR_OP(EeVmaxS32StIncp, kSt, vmax<std::int32_t>)
PIETUNE_VECTOR_OP(EeVminS8, kNone, vmin<std::int8_t>)
PIETUNE_VECTOR_OP(EeVminS8LdIncp, kLd, vmin<std::int8_t>)
PIETUNE_VECTOR_OP(EeVminS8StIncp, kSt, vmin<std::int8_t>)
PIETUNE_VECTOR_OP(EeVminS16, kNone, vmin<std::int16_t>)
PIETUNE_VECTOR_OP(EeVminS16LdIncp, kLd, vmin<std::int16_t>)
PIETUNE_VECTOR_OP(EeVminS16StIncp, kSt, vmin<std::int16_t>)
PIETUNE_VECTOR_OP(EeVminS32, kNone, vmin<std::int32_t>)
PIETUNE_VECTOR_OP(EeVminS32LdIncp, kLd, vmin<std::int32_t>)
PIETUNE_VECTOR_OP(EeVminS32StIncp, kSt, vmin<std::int32_t>)
PIETUNE_VECTOR_OP(EeVcmpEqS8, kNone, (vcmp<std::int8_t, Cmp::kEq>))
PIETUNE_VECTOR_OP(EeVcmpEqS16, kNone, (vcmp<std::int16_t, Cmp::kEq>))
PIETUNE_VECTOR_OP(EeVcmpEqS32, kNone, (vcmp<std::int32_t, Cmp::kEq>))
PIETUNE_VECTOR_OP(EeVcmpLtS8, kNone, (vcmp<std::int8_t, Cmp::kLt>))
PIETUNE_VECTOR_OP(EeVcmpLtS16, kNone, (vcmp<std::int16_t, Cmp::kLt>))
PIETUNE_VECTOR_OP(EeVcmpLtS32, kNone, (vcmp<std::int32_t, Cmp::kLt>))
PIETUNE_VECTOR_OP(EeVcmpGtS8, kNone, (vcmp<std::int8_t, Cmp::kGt>))
PIETUNE_VECTOR_OP(EeVcmpGtS16, kNone, (vcmp<std::int16_t, Cmp::kGt>))
PIETUNE_VECTOR_OP(EeVcmpGtS32, kNone, (vcmp<std::int32_t, Cmp::kGt>))
PIETUNE_VECTOR_OP(EeVmulS8, kNone, vmul<std::int8_t>(cpu.st.sar))
PIETUNE_VECTOR_OP(EeVmulS8LdIncp, kLd, vmul<std::int8_t>(cpu.st.sar))
PIETUNE_VECTOR_OP(EeVmulS8StIncp, kSt, vmul<std::int8_t>(cpu.st.sar))
PIETUNE_VECTOR_OP(EeVmulU8, kNone, vmul<std::uint8_t>(cpu.st.sar))
PIETUNE_VECTOR_OP(EeVmulU8LdIncp, kLd, vmul<std::uint8_t>(cpu.st.sar))
PIETUNE_VECTOR_OP(EeVmulU8StIncp, kSt, vmul<std::uint8_t>(cpu.st.sar))
PIETUNE_VECTOR_OP(EeVmulS16, kNone, vmul<std::int16_t>(cpu.st.sar))
PIETUNE_VECTOR_OP(EeVmulS16LdIncp, kLd, vmul<std::int16_t>(cpu.st.sar))
PIETUNE_VECTOR_OP(EeVmulS16StIncp, kSt, vmul<std::int16_t>(cpu.st.sar))
PIETUNE_VECTOR_OP(EeVmulU16, kNone, vmul<std::uint16_t>(cpu.st.sar))
PIETUNE_VECTOR_OP(EeVmulU16LdIncp, kLd, vmul<std::uint16_t>(cpu.st.sar))
PIETUNE_VECTOR_OP(EeVmulU16StIncp, kSt, vmul<std::uint16_t>(cpu.st.sar))
#undef PIETUNE_VECTOR_OP

PIETUNE_SEMANTICS(EeAndq) { cpu.q(d.r[0]) = bitwise(cpu.q(d.r[1]), cpu.q(d.r[2]), 0); }
PIETUNE_SEMANTICS(EeOrq) { cpu.q(d.r[0]) = bitwise(cpu.q(d.r[1]), cpu.q(d.r[2]), 1); }
PIETUNE_SEMANTICS(EeXorq) { cpu.q(d.r[0]) = bitwise(cpu.q(d.r[1]), cpu.q(d.r[2]), 2); }
PIETUNE_SEMANTICS(EeNotq) {
  QReg out;
  const QReg& x = cpu.q(d.r[1]);
  for (int i = 0; i < 16; ++i) out[i] = static_cast<std::uint8_t>(~x[i]);
  cpu.q(d.r[0]) = out;
}

PIETUNE_SEMANTICS(EeVzip8) { vzip<std::uint8_t>(cpu, d); }
PIETUNE_SEMANTICS(EeVzip16) { vzip<std::uint16_t>(cpu, d); }
PIETUNE_SEMANTICS(EeVzip32) { vzip<std::uint32_t>(cpu, d); }
PIETUNE_SEMANTICS(EeVunzip8) { vunzip<std::uint8_t>(cpu, d); }
PIETUNE_SEMANTICS(EeVunzip16) { vunzip<std::uint16_t>(cpu, d); }
PIETUNE_SEMANTICS(EeVunzip32) { vunzip<std::uint32_t>(cpu, d); }

PIETUNE_SEMANTICS(EeVreluS8) { vrelu<std::int8_t>(cpu, d); }
PIETUNE_SEMANTICS(EeVreluS16) { vrelu<std::int16_t>(cpu, d); }
PIETUNE_SEMANTICS(EeVpreluS8) { vprelu<std::int8_t>(cpu, d); }
PIETUNE_SEMANTICS(EeVpreluS16) { vprelu<std::int16_t>(cpu, d); }

}  // namespace pietune::emu
