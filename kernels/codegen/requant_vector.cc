// The vectorised exact requantization epilogue (see the header).
#include "kernels/codegen/requant_vector.h"

#include <algorithm>

#include <fmt/format.h>

#include "kernels/codegen/qacc_image.h"
#include "kernels/codegen/requant_srcmb.h"
#include "model/support/error.h"

namespace pietune::kernels::codegen {
namespace {

using model::a;
using model::imm;
using model::Opcode;
using model::q;

constexpr int kMaxRightShift = 22;

// 2^(r-1) + 2^r zp = a * b with int16 a and b (r >= 1); zp = 1 * zp for r = 0.
std::pair<int, int> rounding_factors(int r, int zp) {
  if (r == 0) return {1, zp};
  const int a_bits = std::min(r - 1, 14);
  return {1 << a_bits, (1 << (r - 1 - a_bits)) * (1 + 2 * zp)};
}

// The distinct right shifts of channels first..first+7, in first-seen order.
std::vector<int> group_shifts(const reference::ChannelQuantization& qz, std::size_t first) {
  std::vector<int> shifts;
  for (std::size_t c = first; c < std::min(first + 8, qz.multipliers.size()); ++c) {
    const int r = -qz.multipliers[c].shift;
    if (std::find(shifts.begin(), shifts.end(), r) == shifts.end()) shifts.push_back(r);
  }
  return shifts;
}

void append_lanes16(std::vector<std::uint8_t>& out, int value) {
  for (int i = 0; i < 8; ++i) {
    out.push_back(static_cast<std::uint8_t>(value & 0xFF));
    out.push_back(static_cast<std::uint8_t>((value >> 8) & 0xFF));
  }
}

}  // namespace

MultiplierDigits multiplier_digits(std::int32_t m) {
  const std::int32_t low = ((m + (1 << 15)) & 0xFFFF) - (1 << 15);
  return {static_cast<std::int16_t>((m - low) >> 16), static_cast<std::int16_t>(low)};
}

std::optional<Rejection> rqvec_problem(const reference::ChannelQuantization& qz, std::int64_t max_abs_acc) {
  PIETUNE_CHECK(!qz.multipliers.empty());
  for (std::size_t c = 0; c < qz.multipliers.size(); ++c) {
    const reference::QuantizedMultiplier& m = qz.multipliers[c];
    if (m.multiplier >= kMaxDigitMultiplier)
      return Rejection{"rqvec_multiplier", fmt::format("channel {}: multiplier {} has no 16-bit high digit (needs "
                                                       "less than {})",
                                                       c, m.multiplier, kMaxDigitMultiplier)};
    if (m.shift > 0)
      return Rejection{"rqvec_shift", fmt::format("channel {}: left shift {}: the digits are taken from the unshifted "
                                                  "accumulator",
                                                  c, m.shift)};
    if (-m.shift > kMaxRightShift)
      return Rejection{"rqvec_shift", fmt::format("channel {}: right shift {}: the rounding term needs a shift of at "
                                                  "most {}",
                                                  c, -m.shift, kMaxRightShift)};
  }
  if (max_abs_acc >= (std::int64_t{1} << 31))
    return Rejection{"rqvec_acc_range",
                     fmt::format("the accumulator can reach {}: its high digit must fit 16 bits", max_abs_acc)};
  return std::nullopt;
}

int rqvec_slots(const reference::ChannelQuantization& qz) {
  std::size_t slots = 1;
  for (std::size_t first = 0; first < qz.multipliers.size(); first += 8)
    slots = std::max(slots, group_shifts(qz, first).size());
  return static_cast<int>(slots);
}

std::vector<std::uint8_t> rqvec_block(const reference::ChannelQuantization& qz, std::size_t first, int slots) {
  std::vector<std::uint8_t> out;
  std::vector<int> low(8, 0), high(8, 0), lane_shift(8, -1);
  for (std::size_t c = first; c < std::min(first + 8, qz.multipliers.size()); ++c) {
    const MultiplierDigits d = multiplier_digits(qz.multipliers[c].multiplier);
    low[c - first] = d.low;
    high[c - first] = d.high;
    lane_shift[c - first] = -qz.multipliers[c].shift;
  }
  const auto append_each = [&](const std::vector<int>& lanes) {
    for (int v : lanes) {
      out.push_back(static_cast<std::uint8_t>(v & 0xFF));
      out.push_back(static_cast<std::uint8_t>((v >> 8) & 0xFF));
    }
  };
  append_each(low);
  append_each(high);
  const std::vector<int> shifts = group_shifts(qz, first);
  PIETUNE_CHECK(static_cast<int>(shifts.size()) <= slots) << shifts.size() << " > " << slots;
  for (int slot = 0; slot < slots; ++slot) {
    // A slot past the group's shifts selects no lane.
    const int r = slot < static_cast<int>(shifts.size()) ? shifts[static_cast<std::size_t>(slot)] : 0;
    const bool used = slot < static_cast<int>(shifts.size());
    std::vector<std::uint8_t> word(16, 0);
    word[0] = static_cast<std::uint8_t>(r);
    out.insert(out.end(), word.begin(), word.end());
    const auto [pa, pb] = rounding_factors(r, qz.output_offset);
    append_lanes16(out, pa);
    append_lanes16(out, pb);
    append_lanes16(out, r > 0 ? 1 : 0);
    std::vector<int> mask(8, 0);
    for (int lane = 0; lane < 8; ++lane) mask[lane] = used && lane_shift[lane] == r ? 0xFFFF : 0;
    append_each(mask);
  }
  PIETUNE_CHECK(out.size() == static_cast<std::size_t>(rqvec_block_bytes(slots)));
  return out;
}

std::vector<std::uint8_t> rqvec_vectors(const reference::ChannelQuantization& qz) {
  std::vector<std::uint8_t> out;
  append_lanes16(out, 1);
  append_lanes16(out, -(1 << 15));
  append_lanes16(out, 1 << 14);
  append_lanes16(out, qz.act_min);
  append_lanes16(out, qz.act_max);
  PIETUNE_CHECK(out.size() == kRqvecVectorBytes);
  return out;
}

void emit_rqvec_epilogue(FunctionBuilder& b, int slots, const RqvecRegs& r) {
  PIETUNE_CHECK(slots >= 1) << slots;
  const auto mac = [&](int x, int y) { b.emit(Opcode::kEeVmulasS16Qacc, {q(x), q(y)}); };
  const auto srcmb = [&](int dst, int shift) {
    b.emit(Opcode::kMovi, {a(r.t1), imm(shift)});
    b.emit(Opcode::kEeSrcmbS16Qacc, {q(dst), a(r.t1), imm(0)});
  };
  const auto vld = [&](int dst, int ptr) { b.emit(Opcode::kEeVld128Ip, {q(dst), a(ptr), imm(16)}); };
  const auto save_image = [&](bool store) {
    b.emit(Opcode::kMov, {a(r.t0), a(r.save)});
    if (store)
      emit_store_qacc_image(b, r.t0);
    else
      emit_load_qacc_image(b, r.t0);
  };
  // The digits of x: q2 = xh, q3 = d = xl - 2^15.
  save_image(true);
  srcmb(2, 16);
  save_image(false);
  b.emit(Opcode::kMov, {a(r.t0), a(r.vectors)});
  vld(0, r.t0);  // ones
  vld(4, r.t0);  // -2^15
  vld(5, r.t0);  // 2^14
  mac(2, 4);
  mac(2, 4);
  mac(0, 4);
  srcmb(3, 0);
  // h = floor((x M + 2^30) / 2^31) in QACC.
  vld(6, r.block);  // Ml
  vld(1, r.block);  // Mh
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
  // Per slot: RoundingDivideByPOT with the output zero point folded in, the clamp, its lanes.
  vld(1, r.t0);  // activation min
  vld(2, r.t0);  // activation max
  if (slots > 1) save_image(true);
  b.emit(Opcode::kEeZeroQ, {q(3)});
  for (int slot = 0; slot < slots; ++slot) {
    if (slot > 0) save_image(false);
    srcmb(7, 0);
    b.emit(Opcode::kL32i, {a(r.t1), a(r.block), imm(0)});
    b.emit(Opcode::kAddi, {a(r.block), a(r.block), imm(16)});
    b.emit(Opcode::kEeZeroQ, {q(4)});
    b.emit(Opcode::kEeVcmpLtS16, {q(4), q(7), q(4)});
    vld(5, r.block);  // rounding factors
    vld(6, r.block);
    mac(5, 6);
    vld(5, r.block);  // 1 where the shift rounds (r > 0)
    mac(4, 5);
    b.emit(Opcode::kEeSrcmbS16Qacc, {q(7), a(r.t1), imm(0)});
    b.emit(Opcode::kEeVmaxS16, {q(7), q(7), q(1)});
    b.emit(Opcode::kEeVminS16, {q(7), q(7), q(2)});
    vld(6, r.block);  // lane mask
    b.emit(Opcode::kEeAndq, {q(7), q(7), q(6)});
    b.emit(Opcode::kEeOrq, {q(3), q(3), q(7)});
  }
  b.emit(Opcode::kEeVunzip8, {q(3), q(6)});
  b.emit(Opcode::kEeOrq, {q(7), q(3), q(3)});
}

std::vector<std::uint8_t> rqvec_bias_blocks(const std::vector<std::int32_t>& bias,
                                            const reference::ChannelQuantization& qz) {
  std::vector<std::uint8_t> out;
  const int slots = rqvec_slots(qz);
  for (std::size_t first = 0; first < bias.size(); first += 8) {
    const std::vector<std::int64_t> lanes(bias.begin() + static_cast<std::ptrdiff_t>(first),
                                          bias.begin() + static_cast<std::ptrdiff_t>(std::min(first + 8, bias.size())));
    const std::vector<std::uint8_t> image = qacc_image(lanes, 40);
    const std::vector<std::uint8_t> block = rqvec_block(qz, first, slots);
    out.insert(out.end(), image.begin(), image.end());
    out.insert(out.end(), block.begin(), block.end());
  }
  return out;
}

void emit_rqvec_group_end(FunctionBuilder& b, const reference::ChannelQuantization& qz, int lanes, int vectors_slot,
                          int save_slot) {
  load_slot(b, 12, vectors_slot);
  load_slot(b, 13, save_slot);
  emit_rqvec_epilogue(b, rqvec_slots(qz), RqvecRegs{.block = 6, .vectors = 12, .save = 13, .t0 = 14, .t1 = 15});
  emit_store_lanes(b, 7, lanes, 3, 14);
  b.emit(Opcode::kAddi, {a(3), a(3), imm(lanes)});
}

}  // namespace pietune::kernels::codegen
