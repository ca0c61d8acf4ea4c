// The vectorised exact requantization epilogue (see the header).
#include "kernels/codegen/requant_vector.h"

#include <algorithm>

#include <fmt/format.h>

#include "kernels/codegen/qacc_image.h"
#include "model/support/error.h"

namespace pietune::kernels::codegen {
namespace {

using model::a;
using model::imm;
using model::Opcode;
using model::q;

constexpr int kMaxRightShift = 22;
constexpr std::int64_t kMaxMultiplier = (std::int64_t{1} << 31) - (std::int64_t{1} << 15);

// M = high * 2^16 + low, low in [-2^15, 2^15).
struct Digits {
  std::int16_t high = 0, low = 0;
};

Digits digits_of(std::int32_t m) {
  const std::int32_t low = ((m + (1 << 15)) & 0xFFFF) - (1 << 15);
  return {static_cast<std::int16_t>((m - low) >> 16), static_cast<std::int16_t>(low)};
}

int right_shift(const reference::ChannelQuantization& qz) { return -qz.multipliers.front().shift; }

// 2^(r-1) + 2^r zp = a * b with int16 a and b (r >= 1); zp = 1 * zp for r = 0.
std::pair<int, int> rounding_factors(const reference::ChannelQuantization& qz) {
  const int r = right_shift(qz);
  if (r == 0) return {1, qz.output_offset};
  const int a_bits = std::min(r - 1, 14);
  return {1 << a_bits, (1 << (r - 1 - a_bits)) * (1 + 2 * qz.output_offset)};
}

void append_lanes16(std::vector<std::uint8_t>& out, int value) {
  for (int i = 0; i < 8; ++i) {
    out.push_back(static_cast<std::uint8_t>(value & 0xFF));
    out.push_back(static_cast<std::uint8_t>((value >> 8) & 0xFF));
  }
}

}  // namespace

std::optional<Rejection> rqvec_problem(const reference::ChannelQuantization& qz, std::int64_t max_abs_acc) {
  PIETUNE_CHECK(!qz.multipliers.empty());
  const int shift = qz.multipliers.front().shift;
  for (std::size_t c = 0; c < qz.multipliers.size(); ++c) {
    const reference::QuantizedMultiplier& m = qz.multipliers[c];
    if (m.shift != shift)
      return Rejection{"rqvec_shift", fmt::format("channel {} shifts by {}, channel 0 by {}: one SRCMB shifts every "
                                                  "lane by the same amount",
                                                  c, m.shift, shift)};
    if (m.multiplier >= kMaxMultiplier)
      return Rejection{"rqvec_multiplier", fmt::format("channel {}: multiplier {} has no 16-bit high digit (needs "
                                                       "less than {})",
                                                       c, m.multiplier, kMaxMultiplier)};
  }
  if (shift > 0)
    return Rejection{"rqvec_shift", fmt::format("left shift {}: the digits are taken from the unshifted accumulator", shift)};
  if (-shift > kMaxRightShift)
    return Rejection{"rqvec_shift", fmt::format("right shift {}: the rounding term needs a shift of at most {}", -shift,
                                                kMaxRightShift)};
  if (max_abs_acc >= (std::int64_t{1} << 31))
    return Rejection{"rqvec_acc_range",
                     fmt::format("the accumulator can reach {}: its high digit must fit 16 bits", max_abs_acc)};
  return std::nullopt;
}

std::vector<std::uint8_t> rqvec_digits(const reference::ChannelQuantization& qz, std::size_t first) {
  std::vector<std::uint8_t> low, high;
  for (std::size_t c = first; c < first + 8; ++c) {
    const Digits d = c < qz.multipliers.size() ? digits_of(qz.multipliers[c].multiplier) : Digits{};
    for (int k = 0; k < 2; ++k) {
      low.push_back(static_cast<std::uint8_t>((d.low >> (8 * k)) & 0xFF));
      high.push_back(static_cast<std::uint8_t>((d.high >> (8 * k)) & 0xFF));
    }
  }
  low.insert(low.end(), high.begin(), high.end());
  return low;
}

std::vector<std::uint8_t> rqvec_vectors(const reference::ChannelQuantization& qz) {
  std::vector<std::uint8_t> out;
  append_lanes16(out, 1);
  append_lanes16(out, -(1 << 15));
  append_lanes16(out, 1 << 14);
  const auto [pa, pb] = rounding_factors(qz);
  append_lanes16(out, pa);
  append_lanes16(out, pb);
  append_lanes16(out, qz.act_min);
  append_lanes16(out, qz.act_max);
  PIETUNE_CHECK(out.size() == kRqvecVectorBytes);
  return out;
}

void emit_rqvec_epilogue(FunctionBuilder& b, const reference::ChannelQuantization& qz, const RqvecRegs& r) {
  const auto mac = [&](int x, int y) { b.emit(Opcode::kEeVmulasS16Qacc, {q(x), q(y)}); };
  const auto srcmb = [&](int dst, int shift) {
    b.emit(Opcode::kMovi, {a(r.t1), imm(shift)});
    b.emit(Opcode::kEeSrcmbS16Qacc, {q(dst), a(r.t1), imm(0)});
  };
  // The digits of x: q2 = xh, q3 = d = xl - 2^15.
  b.emit(Opcode::kMov, {a(r.t0), a(r.save)});
  emit_store_qacc_image(b, r.t0);
  srcmb(2, 16);
  b.emit(Opcode::kMov, {a(r.t0), a(r.save)});
  emit_load_qacc_image(b, r.t0);
  b.emit(Opcode::kMov, {a(r.t0), a(r.vectors)});
  b.emit(Opcode::kEeVld128Ip, {q(0), a(r.t0), imm(16)});  // ones
  b.emit(Opcode::kEeVld128Ip, {q(4), a(r.t0), imm(16)});  // -2^15
  b.emit(Opcode::kEeVld128Ip, {q(5), a(r.t0), imm(16)});  // 2^14
  mac(2, 4);
  mac(2, 4);
  mac(0, 4);
  srcmb(3, 0);
  // h = floor((x M + 2^30) / 2^31) in QACC.
  b.emit(Opcode::kMov, {a(r.t1), a(r.digits)});
  b.emit(Opcode::kEeVld128Ip, {q(6), a(r.t1), imm(16)});  // Ml
  b.emit(Opcode::kEeVld128Ip, {q(1), a(r.t1), imm(16)});  // Mh
  b.emit(Opcode::kEeZeroQacc, {});
  mac(4, 4);  // 2^30
  mac(3, 6);  // xl Ml = d Ml + 2^15 Ml
  mac(5, 6);
  mac(5, 6);
  srcmb(7, 16);
  mac(2, 6);  // xh Ml
  mac(3, 1);  // xl Mh
  mac(5, 1);
  mac(5, 1);
  srcmb(7, 15);
  mac(2, 1);  // 2 xh Mh
  mac(2, 1);
  // RoundingDivideByPOT with the output zero point folded in, then the clamp.
  const int shift = right_shift(qz);
  srcmb(7, 0);
  if (shift > 0) {
    b.emit(Opcode::kEeZeroQ, {q(4)});
    b.emit(Opcode::kEeVcmpLtS16, {q(4), q(7), q(4)});
    mac(4, 0);
  }
  b.emit(Opcode::kEeVld128Ip, {q(5), a(r.t0), imm(16)});  // rounding factors
  b.emit(Opcode::kEeVld128Ip, {q(6), a(r.t0), imm(16)});
  mac(5, 6);
  srcmb(7, shift);
  b.emit(Opcode::kEeVld128Ip, {q(5), a(r.t0), imm(16)});  // activation min, max
  b.emit(Opcode::kEeVld128Ip, {q(6), a(r.t0), imm(16)});
  b.emit(Opcode::kEeVmaxS16, {q(7), q(7), q(5)});
  b.emit(Opcode::kEeVminS16, {q(7), q(7), q(6)});
  b.emit(Opcode::kEeVunzip8, {q(7), q(6)});
}

}  // namespace pietune::kernels::codegen
