// Scalar exact requantization: the table and the instruction sequence (see the header).
#include "kernels/codegen/requant_scalar.h"

#include <cstring>

#include <fmt/format.h>

#include "model/support/error.h"

namespace pietune::kernels::codegen {

using model::a;
using model::imm;
using model::Opcode;

std::string requant_shift_problem(const reference::ChannelQuantization& q) {
  for (std::size_t c = 0; c < q.multipliers.size(); ++c) {
    const int shift = q.multipliers[c].shift;
    if (shift < -31 || shift > 31)
      return fmt::format("channel {}: multiplier shift {} outside -31..31", c, shift);
  }
  return {};
}

std::vector<std::uint8_t> requant_table(std::span<const std::int32_t> corrections,
                                        const reference::ChannelQuantization& q) {
  PIETUNE_CHECK(corrections.size() == q.multipliers.size()) << corrections.size() << " vs " << q.multipliers.size();
  PIETUNE_CHECK(requant_shift_problem(q).empty()) << requant_shift_problem(q);
  std::vector<std::uint8_t> bytes(corrections.size() * kRequantEntryBytes);
  for (std::size_t c = 0; c < corrections.size(); ++c) {
    const reference::QuantizedMultiplier& m = q.multipliers[c];
    const int left = m.shift > 0 ? m.shift : 0;
    const int right = m.shift < 0 ? -m.shift : 0;
    const std::uint32_t mask = right == 0 ? 0u : static_cast<std::uint32_t>((std::uint64_t{1} << right) - 1);
    const std::uint32_t words[6] = {
        static_cast<std::uint32_t>(corrections[c]), static_cast<std::uint32_t>(m.multiplier),
        static_cast<std::uint32_t>(std::uint64_t{1} << left), static_cast<std::uint32_t>(right), mask, mask >> 1};
    for (int w = 0; w < 6; ++w)
      for (int byte = 0; byte < 4; ++byte)
        bytes[c * kRequantEntryBytes + 4 * w + byte] = static_cast<std::uint8_t>(words[w] >> (8 * byte));
  }
  return bytes;
}

void emit_requant_scalar(FunctionBuilder& b, const RequantRegs& r, int entry_offset,
                         const reference::ChannelQuantization& q) {
  PIETUNE_CHECK(entry_offset >= 0 && entry_offset + 20 <= 1020 && entry_offset % 4 == 0) << entry_offset;
  const int o = entry_offset;
  const int acc = r.acc, t0 = r.t0, t1 = r.t1, t2 = r.t2, p = r.table;
  b.emit(Opcode::kL32i, {a(t0), a(p), imm(o + 0)});
  b.emit(Opcode::kAdd, {a(acc), a(acc), a(t0)});
  b.emit(Opcode::kL32i, {a(t0), a(p), imm(o + 8)});
  b.emit(Opcode::kMull, {a(acc), a(acc), a(t0)});
  b.emit(Opcode::kL32i, {a(t1), a(p), imm(o + 4)});
  b.emit(Opcode::kMulsh, {a(t0), a(acc), a(t1)});
  b.emit(Opcode::kMull, {a(acc), a(acc), a(t1)});
  b.emit(Opcode::kAdd, {a(t0), a(t0), a(t0)});
  b.emit(Opcode::kExtui, {a(t1), a(acc), imm(31), imm(1)});
  b.emit(Opcode::kAdd, {a(t0), a(t0), a(t1)});
  b.emit(Opcode::kExtui, {a(t1), a(acc), imm(30), imm(1)});
  b.emit(Opcode::kAdd, {a(t0), a(t0), a(t1)});  // t0 = h
  b.emit(Opcode::kL32i, {a(t1), a(p), imm(o + 12)});
  b.emit(Opcode::kSsr, {a(t1)});
  b.emit(Opcode::kSra, {a(acc), a(t0)});  // acc = h >> right
  b.emit(Opcode::kL32i, {a(t1), a(p), imm(o + 16)});
  b.emit(Opcode::kAnd, {a(t1), a(t0), a(t1)});  // remainder
  b.emit(Opcode::kExtui, {a(t0), a(t0), imm(31), imm(1)});  // h < 0
  b.emit(Opcode::kL32i, {a(t2), a(p), imm(o + 20)});
  b.emit(Opcode::kAdd, {a(t0), a(t0), a(t2)});  // threshold
  b.emit(Opcode::kSub, {a(t0), a(t0), a(t1)});  // threshold - remainder
  b.emit(Opcode::kExtui, {a(t0), a(t0), imm(31), imm(1)});
  b.emit(Opcode::kAdd, {a(acc), a(acc), a(t0)});
  if (q.output_offset != 0) add_const(b, acc, acc, q.output_offset, t0);
  if (q.act_min <= -128 && q.act_max >= 127) {
    b.emit(Opcode::kClamps, {a(acc), a(acc), imm(7)});
  } else {
    load_const(b, t0, std::max(q.act_min, -128));
    b.emit(Opcode::kMax, {a(acc), a(acc), a(t0)});
    load_const(b, t0, std::min(q.act_max, 127));
    b.emit(Opcode::kMin, {a(acc), a(acc), a(t0)});
  }
}

}  // namespace pietune::kernels::codegen
