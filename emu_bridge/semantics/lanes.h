// Helpers shared by the semantics files: typed lane views of q registers, saturation, the PIE
// address masking and the SAR_BYTE funnel.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <limits>

#include "emu_bridge/cpu.h"

namespace pietune::emu::sem {

template <typename T>
inline constexpr int kLanes = 16 / static_cast<int>(sizeof(T));

template <typename T>
using Lanes = std::array<T, kLanes<T>>;

template <typename T>
inline Lanes<T> lanes(const QReg& q) {
  Lanes<T> out;
  std::memcpy(out.data(), q.data(), 16);
  return out;
}

template <typename T>
inline void set_lanes(QReg& q, const Lanes<T>& value) {
  std::memcpy(q.data(), value.data(), 16);
}

template <typename T>
inline T lane(const QReg& q, int i) {
  T value;
  std::memcpy(&value, q.data() + i * sizeof(T), sizeof(T));
  return value;
}

template <typename T>
inline void set_lane(QReg& q, int i, T value) {
  std::memcpy(q.data() + i * sizeof(T), &value, sizeof(T));
}

inline constexpr std::int64_t clamp64(std::int64_t v, std::int64_t lo, std::int64_t hi) { return std::clamp(v, lo, hi); }

// Saturates to the true rails of T: [-2^(n-1), 2^(n-1)-1].
template <typename T>
inline constexpr T saturate(std::int64_t v) {
  return static_cast<T>(std::clamp<std::int64_t>(v, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
}

inline constexpr std::int64_t sext(std::uint64_t raw, int bits) {
  return static_cast<std::int64_t>(raw << (64 - bits)) >> (64 - bits);
}

// PIE accesses clear the low address bits of their width (8-bit broadcast: none); the base
// register keeps them (facts §4 general rules).
inline constexpr std::uint32_t align_down(std::uint32_t addr, std::uint32_t bytes) { return addr & ~(bytes - 1); }

// ({qs1, qs0} >> 8 * shift_bytes)[127:0]: qs0 is the low half (facts §4.2, silicon-checked).
inline QReg funnel(const QReg& qs0, const QReg& qs1, std::uint32_t shift_bytes) {
  std::array<std::uint8_t, 32> pair;
  std::memcpy(pair.data(), qs0.data(), 16);
  std::memcpy(pair.data() + 16, qs1.data(), 16);
  QReg out;
  std::memcpy(out.data(), pair.data() + (shift_bytes & 15), 16);
  return out;
}

inline QReg load128(Cpu& cpu, std::uint32_t addr) {
  QReg value;
  cpu.read<16>(align_down(addr, 16), value.data());
  return value;
}

inline void store128(Cpu& cpu, std::uint32_t addr, const QReg& value) { cpu.write<16>(align_down(addr, 16), value.data()); }

}  // namespace pietune::emu::sem
