// Architectural state of the S3 core that the emulator models: the windowed AR file, the PIE
// registers (q0..q7, ACCX, QACC_L/QACC_H, SAR_BYTE), SAR, the MAC16 ACC and m0..m3, CCOUNT, the
// zero-overhead loop registers and pc.
#pragma once

#include <array>
#include <cstdint>

namespace pietune::emu {

inline constexpr int kPhysicalArCount = 64;

// One 128-bit q register: byte i is bits [8i+7:8i], so lane 0 (of any width) comes first.
using QReg = std::array<std::uint8_t, 16>;
// One 160-bit QACC half, raw: byte i is bits [8i+7:8i].
using QaccHalf = std::array<std::uint8_t, 20>;

inline constexpr std::int64_t kAccxMin = -(std::int64_t{1} << 39);
inline constexpr std::int64_t kAccxMax = (std::int64_t{1} << 39) - 1;
inline constexpr std::uint64_t kAccxMask = (std::uint64_t{1} << 40) - 1;

// QACC_L and QACC_H (2 x 160 bits). The same bits are read as 16 x 20-bit lanes by 8-bit MACs
// (lane i < 8 at bits [20i+19:20i] of QACC_L, lane i >= 8 at bits [20(i-8)+19:20(i-8)] of QACC_H)
// or as 8 x 40-bit lanes by 16-bit MACs (lane j < 4 at bits [40j+39:40j] of QACC_L, lane j >= 4
// in QACC_H likewise). Both views are lossless, so the class keeps whichever one the last
// instruction used and converts on demand; the raw accessors always give the hardware bit layout.
class Qacc {
 public:
  QaccHalf low() const { return half(false); }   // QACC_L
  QaccHalf high() const { return half(true); }   // QACC_H
  QaccHalf half(bool high) const;
  void set_low(const QaccHalf& raw) { set_half(false, raw); }
  void set_high(const QaccHalf& raw) { set_half(true, raw); }
  void set_half(bool high, const QaccHalf& raw);

  // 20-bit lane i (0..15) sign-extended; set keeps the low 20 bits of value.
  std::int32_t lane20(int i) const;
  void set_lane20(int i, std::int64_t value);
  // 40-bit lane j (0..7) sign-extended; set keeps the low 40 bits of value.
  std::int64_t lane40(int j) const;
  void set_lane40(int j, std::int64_t value);
  // 32-bit window k (0..4) of a half: bits [32k+31:32k], as RUR/WUR.QACC_{L,H}_k see it.
  std::uint32_t word(bool high, int k) const;
  void set_word(bool high, int k, std::uint32_t value);

  void clear();

  // Hot-path views for the semantics: all 16 lanes sign-extended from 20 bits, or all 8 lanes
  // sign-extended from 40 bits. Writers must store values already sign-extended from the lane
  // width (the invariant every view relies on). The pointer is valid until the other view is
  // requested.
  std::int32_t* lanes20() {
    if (form_ != Form::k20) to20();
    return l20_.data();
  }
  std::int64_t* lanes40() {
    if (form_ != Form::k40) to40();
    return l40_.data();
  }

 private:
  enum class Form : std::uint8_t { k20, k40 };
  void to20();
  void to40();

  alignas(64) std::array<std::int32_t, 16> l20_{};
  alignas(64) std::array<std::int64_t, 8> l40_{};
  Form form_ = Form::k20;
};

struct MachineState {
  // Windowed AR file: a<i> is physical register (4 * window_base + i) mod 64.
  std::array<std::uint32_t, kPhysicalArCount> physical_ar{};
  std::uint32_t window_base = 0;  // 0..15, in units of 4 registers
  // WindowStart: bit w set when a live frame's a0..a3 are physical quad w (ENTRY sets its bit,
  // RETW clears it, a window overflow spills the oldest frame and clears its bit, an underflow
  // restores the caller's frame and sets it again).
  std::uint32_t window_start = 1;
  std::uint32_t callinc = 0;      // PS.CALLINC: window increment the next ENTRY applies (call8: 2)

  alignas(16) std::array<QReg, 8> q{};
  std::int64_t accx = 0;  // 40-bit ACCX, kept sign-extended to 64 bits
  Qacc qacc;
  std::uint32_t sar = 0;       // 6 bits
  std::uint32_t sar_byte = 0;  // 4 bits

  // MAC16 option: ACC (ACCHI[7:0] : ACCLO[31:0]), kept sign-extended from 40 bits like accx, and
  // the data registers m0..m3.
  std::int64_t acc = 0;
  std::array<std::uint32_t, 4> m{};
  // CCOUNT as rsr.ccount reads it: the number of instructions the emulator has executed in this
  // state (every call's, each counted once it completed; wraps at 2^32). Not a cycle count: the
  // functional emulator knows no cycles (pietune time does).
  std::uint32_t ccount = 0;

  std::uint32_t lbeg = 0;  // zero-overhead loop: first body instruction address
  std::uint32_t lend = 0;  // address after the last body instruction
  std::uint32_t lcount = 0;
  std::uint32_t pc = 0;  // address of the next instruction to execute (after a run: where it stopped)

  std::uint32_t& ar(int i) { return physical_ar[(window_base * 4 + static_cast<unsigned>(i)) & 63]; }
  std::uint32_t ar(int i) const { return physical_ar[(window_base * 4 + static_cast<unsigned>(i)) & 63]; }

  // ACCX as the raw 40 bits (RUR/state files) and from a value (wrapped to 40 bits).
  std::uint64_t accx_raw() const { return static_cast<std::uint64_t>(accx) & kAccxMask; }
  void set_accx(std::int64_t value) {
    accx = static_cast<std::int64_t>(static_cast<std::uint64_t>(value) << 24) >> 24;
  }
  // MAC16 ACC from a value, wrapped to 40 bits.
  void set_acc(std::int64_t value) { acc = static_cast<std::int64_t>(static_cast<std::uint64_t>(value) << 24) >> 24; }
};

}  // namespace pietune::emu
