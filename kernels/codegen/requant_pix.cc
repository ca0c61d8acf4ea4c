// The pixel-lane requantization epilogue (see the header).
#include "kernels/codegen/requant_pix.h"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "kernels/codegen/qacc_image.h"
#include "kernels/codegen/requant_vector.h"
#include "model/support/error.h"

namespace pietune::kernels::codegen {
namespace {

using model::a;
using model::imm;
using model::Opcode;
using model::q;

constexpr int kMaxLeftShift = 15;
// The bias taps -2^15 twice: -b1 must fit int16, so bias = b1 2^16 + b0 needs b1 > -2^15.
constexpr std::int64_t kMinBias = -32767 * (std::int64_t{1} << 16) - 32768;

// v = high 2^15 + low with low in [0, 2^15); the record keeps -high (a tap of the vector -2^15).
struct DigitPair {
  std::int64_t minus_high = 0, low = 0;
};
DigitPair digit_pair(std::int64_t v) {
  const std::int64_t low = v & 0x7FFF;
  return {-((v - low) >> 15), low};
}
bool fits_int16(std::int64_t v) { return v >= -32768 && v <= 32767; }

// The rounding term of right shift r (0..31): 2^(r-1), 0 for r = 0.
std::int64_t rounding_term(int r) { return r == 0 ? 0 : std::int64_t{1} << (r - 1); }

void append16(std::vector<std::uint8_t>& out, std::int64_t v) {
  out.push_back(static_cast<std::uint8_t>(v & 0xFF));
  out.push_back(static_cast<std::uint8_t>((v >> 8) & 0xFF));
}

}  // namespace

std::vector<std::uint8_t> rqpix_vectors(const reference::ChannelQuantization& qz) {
  std::vector<std::uint8_t> out;
  for (int value : {-(1 << 15), 1, 1 << 14, qz.output_offset, qz.act_min, qz.act_max})
    for (int lane = 0; lane < 8; ++lane) append16(out, value);
  PIETUNE_CHECK(out.size() == kRqpixVectorBytes);
  return out;
}

std::optional<Rejection> rqpix_problem(const reference::ChannelQuantization& qz, const std::vector<std::int32_t>& bias,
                                       const std::vector<std::int64_t>& max_abs_acc) {
  PIETUNE_CHECK(bias.size() == qz.multipliers.size() && max_abs_acc.size() == bias.size())
      << bias.size() << " " << qz.multipliers.size() << " " << max_abs_acc.size();
  for (std::size_t c = 0; c < qz.multipliers.size(); ++c) {
    const reference::QuantizedMultiplier& m = qz.multipliers[c];
    if (m.shift > kMaxLeftShift)
      return Rejection{"rqpix_shift", fmt::format("channel {}: left shift {}: the shifted accumulator's low digit "
                                                  "needs a left shift of at most {}",
                                                  c, m.shift, kMaxLeftShift)};
    if (m.multiplier >= kMaxDigitMultiplier)
      return Rejection{"rqpix_multiplier", fmt::format("channel {}: multiplier {} has no 16-bit high digit (needs "
                                                       "less than {})",
                                                       c, m.multiplier, kMaxDigitMultiplier)};
    if (bias[c] < kMinBias)
      return Rejection{"rqpix_bias", fmt::format("channel {}: bias {} has no 16-bit high digit to negate (needs {} "
                                                 "or more)",
                                                 c, bias[c], kMinBias)};
    const int left = std::max(m.shift, 0);
    if (max_abs_acc[c] >= (std::int64_t{1} << (31 - left)))
      return Rejection{"rqpix_acc_range", fmt::format("channel {}: the accumulator can reach {}{}: its high digit must "
                                                      "fit 16 bits",
                                                      c, max_abs_acc[c],
                                                      left > 0 ? fmt::format(" before its left shift {}", left) : "")};
  }
  return std::nullopt;
}

bool rqpix_left_shifts(const reference::ChannelQuantization& qz) {
  return std::any_of(qz.multipliers.begin(), qz.multipliers.end(),
                     [](const reference::QuantizedMultiplier& m) { return m.shift > 0; });
}

std::vector<std::uint8_t> rqpix_record(const reference::ChannelQuantization& qz, std::int32_t bias, std::size_t c) {
  const reference::QuantizedMultiplier& m = qz.multipliers[c];
  const int r = std::max(-m.shift, 0);
  const MultiplierDigits md = multiplier_digits(m.multiplier);
  const std::int64_t bias_low = ((std::int64_t{bias} + (1 << 15)) & 0xFFFF) - (1 << 15);
  const DigitPair rr = digit_pair(rounding_term(r));
  std::int64_t lanes[8] = {};
  lanes[kBiasHigh] = -((bias - bias_low) >> 16);
  lanes[kBiasLow] = bias_low;
  lanes[kMultLow] = md.low;
  lanes[kMultHigh] = md.high;
  lanes[kRoundHigh] = rr.minus_high;
  lanes[kRoundLow] = rr.low;
  lanes[kRounds] = r > 0 ? 1 : 0;
  lanes[kShift] = r;
  std::vector<std::uint8_t> out;
  for (std::int64_t v : lanes) {
    PIETUNE_CHECK(fits_int16(v)) << "channel " << c << ": record lane " << v;
    append16(out, v);
  }
  return out;
}

std::vector<std::uint8_t> rqpix_left_record(const reference::ChannelQuantization& qz, std::size_t c) {
  const int left = std::max(qz.multipliers[c].shift, 0);
  std::int64_t lanes[8] = {};
  lanes[kLeftStep] = -(std::int64_t{1} << (15 - left));
  lanes[kLeftScale] = std::int64_t{1} << left;
  lanes[kHighShift] = 16 - left;
  std::vector<std::uint8_t> out;
  for (std::int64_t v : lanes) append16(out, v);
  return out;
}

void emit_rqpix_epilogue(FunctionBuilder& b, const RqpixRegs& r) {
  const auto mac = [&](int x, int y) { b.emit(Opcode::kEeVmulasS16Qacc, {q(x), q(y)}); };
  const auto smac = [&](int x, int lane) { b.emit(Opcode::kEeVsmulasS16Qacc, {q(x), q(r.record_q), imm(lane)}); };
  const auto srcmb = [&](int dst, int shift_reg) { b.emit(Opcode::kEeSrcmbS16Qacc, {q(dst), a(shift_reg), imm(0)}); };
  // A constant shift: its register, or t0 loaded with it (t0 is free wherever a constant shift is
  // used).
  const auto shift = [&](int reg, int value) {
    if (reg >= 0) return reg;
    b.emit(Opcode::kMovi, {a(r.t0), imm(value)});
    return r.t0;
  };
  const int m215 = r.minus_2_15_q, ones = r.ones_q;
  if (r.left_record >= 0) {
    // The digits of x' = x 2^L: q0 = x'h = floor(x / 2^(16-L)), q1 = d = x'l - 2^15 = v 2^L.
    const auto lsmac = [&](int x, int lane) { b.emit(Opcode::kEeVsmulasS16Qacc, {q(x), q(7), imm(lane)}); };
    b.emit(Opcode::kMov, {a(r.t0), a(r.save)});
    emit_store_qacc_image(b, r.t0);
    b.emit(Opcode::kL16ui, {a(r.t0), a(r.left_record), imm(2 * kHighShift)});
    srcmb(0, r.t0);
    b.emit(Opcode::kEeVld128Ip, {q(7), a(r.left_record), imm(16)});
    b.emit(Opcode::kMov, {a(r.t0), a(r.save)});
    emit_load_qacc_image(b, r.t0);
    lsmac(0, kLeftStep);
    lsmac(0, kLeftStep);
    lsmac(ones, kLeftStep);
    srcmb(1, shift(r.shift0, 0));
    b.emit(Opcode::kEeZeroQacc, {});
    lsmac(1, kLeftScale);
    srcmb(1, shift(r.shift0, 0));
  } else {
    // The digits of x: q0 = xh = floor(x / 2^16), q1 = d = xl - 2^15 (x restored from its image).
    b.emit(Opcode::kMov, {a(r.t0), a(r.save)});
    emit_store_qacc_image(b, r.t0);
    srcmb(0, shift(r.shift16, 16));
    b.emit(Opcode::kMov, {a(r.t0), a(r.save)});
    emit_load_qacc_image(b, r.t0);
    mac(0, m215);
    mac(0, m215);
    mac(ones, m215);
    srcmb(1, shift(r.shift0, 0));
  }
  // h = floor((x M + 2^30) / 2^31) in QACC; q4 = 2^14.
  b.emit(Opcode::kEeZeroQacc, {});
  mac(m215, m215);  // 2^30
  b.emit(Opcode::kEeVld128Ip, {q(4), a(r.vectors), imm(16)});
  smac(1, kMultLow);  // xl Ml = d Ml + 2^15 Ml
  smac(4, kMultLow);
  smac(4, kMultLow);
  srcmb(7, shift(r.shift16, 16));
  smac(0, kMultLow);  // xh Ml
  smac(1, kMultHigh);  // xl Mh
  smac(4, kMultHigh);
  smac(4, kMultHigh);
  srcmb(7, shift(r.shift15, 15));
  smac(0, kMultHigh);  // 2 xh Mh
  smac(0, kMultHigh);
  // RoundingDivideByPOT (the sign of sat16(h) is h's), the output zero point, the activation
  // clamp, the 8 low bytes packed.
  srcmb(7, shift(r.shift0, 0));
  b.emit(Opcode::kEeZeroQ, {q(5)});
  b.emit(Opcode::kEeVcmpLtS16, {q(5), q(7), q(5)});
  smac(5, kRounds);
  smac(m215, kRoundHigh);
  smac(ones, kRoundLow);
  b.emit(Opcode::kL16ui, {a(r.t0), a(r.record), imm(2 * kShift)});
  b.emit(Opcode::kEeVld128Ip, {q(4), a(r.vectors), imm(16)});
  b.emit(Opcode::kEeVld128Ip, {q(0), a(r.vectors), imm(16)});
  b.emit(Opcode::kEeVld128Ip, {q(1), a(r.vectors), imm(16)});
  srcmb(7, r.t0);
  // The output zero point after the shift (a saturated result stays past the clamp).
  b.emit(Opcode::kEeVaddsS16, {q(7), q(7), q(4)});
  b.emit(Opcode::kEeVmaxS16, {q(7), q(7), q(0)});
  b.emit(Opcode::kEeVminS16, {q(7), q(7), q(1)});
  b.emit(Opcode::kEeVunzip8, {q(7), q(5)});
}

}  // namespace pietune::kernels::codegen
