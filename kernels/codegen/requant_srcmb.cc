// The SRCMB power-of-two epilogue (see the header).
#include "kernels/codegen/requant_srcmb.h"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "kernels/codegen/qacc_image.h"
#include "model/support/error.h"

namespace pietune::kernels::codegen {
namespace {

using model::a;
using model::imm;
using model::Opcode;
using model::q;

constexpr std::int64_t kLaneMin = -(std::int64_t{1} << 19);
constexpr std::int64_t kLaneMax = (std::int64_t{1} << 19) - 1;
constexpr std::int32_t kExactMultiplier = std::int32_t{1} << 30;

// The common shift (srcmb_problem has checked there is one).
int common_shift(const reference::ChannelQuantization& qz) { return qz.multipliers.front().shift; }

// What the preload adds to the accumulator before the first SRCMB.
std::int64_t preload_offset(const reference::ChannelQuantization& qz) {
  const int s = common_shift(qz);
  if (s == 1) return qz.output_offset;
  if (s == 0) return 1 + std::int64_t{2} * qz.output_offset;
  return 1;
}

// P = 2^(e-1) + 2^e * zp_out, added between the two SRCMBs when s < 0.
std::int64_t second_stage_term(const reference::ChannelQuantization& qz) {
  const int e = -common_shift(qz);
  return (std::int64_t{1} << (e - 1)) + (std::int64_t{1} << e) * qz.output_offset;
}

// P = sign * 127 * (k * 127 + r) + R, |R| <= 63, 0 <= r < 127.
struct TermFactors {
  int sign = 1, k = 0, r = 0, rest = 0;
};

TermFactors factor_term(std::int64_t p) {
  TermFactors f;
  const std::int64_t quotient = (p >= 0 ? p + 63 : p - 63) / 127;
  f.rest = static_cast<int>(p - quotient * 127);
  f.sign = quotient < 0 ? -1 : 1;
  const std::int64_t magnitude = std::llabs(quotient);
  f.k = static_cast<int>(magnitude / 127);
  f.r = static_cast<int>(magnitude % 127);
  return f;
}

void append_vector(std::vector<std::uint8_t>& out, int value) {
  for (int i = 0; i < 16; ++i) out.push_back(static_cast<std::uint8_t>(static_cast<std::int8_t>(value)));
}

}  // namespace

std::optional<Rejection> srcmb_problem(const reference::ChannelQuantization& qz, std::span<const std::int32_t> corrections,
                                       std::span<const LaneSpan> spans) {
  PIETUNE_CHECK(!qz.multipliers.empty() && corrections.size() == qz.multipliers.size() &&
                spans.size() == corrections.size());
  for (std::size_t c = 0; c < qz.multipliers.size(); ++c) {
    const reference::QuantizedMultiplier& m = qz.multipliers[c];
    if (m.multiplier != kExactMultiplier)
      return Rejection{"srcmb_power_of_two",
                       fmt::format("channel {}: multiplier {} * 2^{} is not an exact power of two (needs 2^30)", c,
                                   m.multiplier, m.shift - 31)};
    if (m.shift != common_shift(qz))
      return Rejection{"srcmb_shift", fmt::format("channel {} shifts by {}, channel 0 by {}: one SRCMB shifts every "
                                                  "lane by the same amount",
                                                  c, m.shift, common_shift(qz))};
  }
  const int s = common_shift(qz);
  if (s > 1)
    return Rejection{"srcmb_shift", fmt::format("scale 2^{} needs a left shift by {}: SRCMB only shifts right", s - 1, s - 1)};
  const std::int64_t p = s < 0 ? second_stage_term(qz) : 0;
  for (std::size_t c = 0; c < corrections.size(); ++c) {
    const std::int64_t start = corrections[c] + preload_offset(qz);
    const std::int64_t low = std::min(start, start + spans[c].low);
    const std::int64_t high = std::max(start, start + spans[c].high);
    // Between the SRCMBs a lane holds floor(x / 2) - [< 0] + P.
    const std::int64_t second_low = (low >> 1) - 1 + p, second_high = (high >> 1) + p;
    if (low < kLaneMin || high > kLaneMax || (s < 0 && (second_low < kLaneMin || second_high > kLaneMax)))
      return Rejection{"srcmb_lane_range",
                       fmt::format("channel {}: the lane can reach {}..{} with its preload {}, beyond the 20-bit "
                                   "lane range",
                                   c, std::min(low, second_low), std::max(high, second_high), start)};
  }
  return std::nullopt;
}

std::vector<std::uint8_t> srcmb_preloads(const reference::ChannelQuantization& qz,
                                         std::span<const std::int32_t> corrections) {
  std::vector<std::uint8_t> out;
  for (std::size_t first = 0; first < corrections.size(); first += 16) {
    std::vector<std::int64_t> lanes;
    for (std::size_t c = first; c < std::min(first + 16, corrections.size()); ++c)
      lanes.push_back(corrections[c] + preload_offset(qz));
    const std::vector<std::uint8_t> image = qacc_image(lanes, 20);
    out.insert(out.end(), image.begin(), image.end());
  }
  return out;
}

std::vector<std::uint8_t> srcmb_vectors(const reference::ChannelQuantization& qz) {
  std::vector<std::uint8_t> out;
  append_vector(out, 1);
  append_vector(out, qz.act_min);
  append_vector(out, qz.act_max);
  const TermFactors f = factor_term(common_shift(qz) < 0 ? second_stage_term(qz) : 0);
  append_vector(out, 127);
  append_vector(out, 127 * f.sign);
  append_vector(out, f.r * f.sign);
  append_vector(out, f.rest);
  PIETUNE_CHECK(out.size() == kSrcmbVectorBytes);
  return out;
}

void emit_srcmb_epilogue(FunctionBuilder& b, const reference::ChannelQuantization& qz, int vectors, int tmp, int tmp2) {
  const int s = common_shift(qz);
  b.emit(Opcode::kMov, {a(tmp), a(vectors)});
  b.emit(Opcode::kEeVld128Ip, {q(4), a(tmp), imm(16)});  // ones
  b.emit(Opcode::kEeVld128Ip, {q(6), a(tmp), imm(16)});  // activation min
  b.emit(Opcode::kEeVld128Ip, {q(7), a(tmp), imm(16)});  // activation max
  b.emit(Opcode::kMovi, {a(tmp2), imm(s == 1 ? 0 : 1)});
  b.emit(Opcode::kEeSrcmbS8Qacc, {q(2), a(tmp2), imm(0)});
  if (s < 0) {
    // QACC = y, q2 = clamp8(y): subtract 1 where y < 0, add P, shift by e.
    b.emit(Opcode::kEeZeroQ, {q(3)});
    b.emit(Opcode::kEeVcmpLtS8, {q(3), q(2), q(3)});
    b.emit(Opcode::kEeVmulasS8Qacc, {q(3), q(4)});
    const TermFactors f = factor_term(second_stage_term(qz));
    b.emit(Opcode::kEeVld128Ip, {q(5), a(tmp), imm(16)});  // 127s
    b.emit(Opcode::kEeVld128Ip, {q(3), a(tmp), imm(16)});  // ±127s
    for (int i = 0; i < f.k; ++i) b.emit(Opcode::kEeVmulasS8Qacc, {q(5), q(3)});
    b.emit(Opcode::kEeVld128Ip, {q(3), a(tmp), imm(16)});  // ±r
    if (f.r != 0) b.emit(Opcode::kEeVmulasS8Qacc, {q(5), q(3)});
    b.emit(Opcode::kEeVld128Ip, {q(3), a(tmp), imm(16)});  // R
    if (f.rest != 0) b.emit(Opcode::kEeVmulasS8Qacc, {q(3), q(4)});
    b.emit(Opcode::kMovi, {a(tmp2), imm(-s)});
    b.emit(Opcode::kEeSrcmbS8Qacc, {q(2), a(tmp2), imm(0)});
  }
  if (qz.act_min > -128) b.emit(Opcode::kEeVmaxS8, {q(2), q(2), q(6)});
  if (qz.act_max < 127) b.emit(Opcode::kEeVminS8, {q(2), q(2), q(7)});
}

void emit_store_lanes(FunctionBuilder& b, int value, int lanes, int out, int tmp, std::int32_t stride, int stride_tmp) {
  PIETUNE_CHECK(lanes >= 1 && lanes <= 16) << lanes;
  for (int word = 0; word * 4 < lanes; ++word) {
    b.emit(Opcode::kEeMovi32A, {q(value), a(tmp), imm(word)});
    for (int byte = 0; byte < 4 && word * 4 + byte < lanes; ++byte) {
      if (byte > 0) b.emit(Opcode::kSrli, {a(tmp), a(tmp), imm(8)});
      if (stride == 1) {
        b.emit(Opcode::kS8i, {a(tmp), a(out), imm(word * 4 + byte)});
      } else {
        b.emit(Opcode::kS8i, {a(tmp), a(out), imm(0)});
        add_const(b, out, out, stride, stride_tmp);
      }
    }
  }
}

}  // namespace pietune::kernels::codegen
