// QACC images (see the header).
#include "kernels/codegen/qacc_image.h"

#include "model/support/error.h"

namespace pietune::kernels::codegen {

using model::a;
using model::imm;
using model::Opcode;

std::vector<std::uint8_t> qacc_image(std::span<const std::int64_t> values, int lane_bits) {
  PIETUNE_CHECK(lane_bits == 20 || lane_bits == 40) << lane_bits;
  const int per_half = 160 / lane_bits;
  PIETUNE_CHECK(values.size() <= static_cast<std::size_t>(2 * per_half)) << values.size();
  std::vector<std::uint8_t> image(kQaccImageBytes, 0);
  for (std::size_t lane = 0; lane < values.size(); ++lane) {
    const auto bits = static_cast<std::uint64_t>(values[lane]);
    const int half = static_cast<int>(lane) / per_half;
    const int first_bit = lane_bits * (static_cast<int>(lane) % per_half);
    for (int bit = 0; bit < lane_bits; ++bit) {
      if (((bits >> bit) & 1) == 0) continue;
      const int pos = first_bit + bit;
      const int byte = pos / 8;
      const int offset = byte < 16 ? half * 16 + byte : 32 + half * 4 + (byte - 16);
      image[static_cast<std::size_t>(offset)] |= static_cast<std::uint8_t>(1u << (pos % 8));
    }
  }
  return image;
}

void emit_load_qacc_image(FunctionBuilder& b, int ptr) {
  b.emit(Opcode::kEeLdQaccLL128Ip, {a(ptr), imm(16)});
  b.emit(Opcode::kEeLdQaccHL128Ip, {a(ptr), imm(16)});
  b.emit(Opcode::kEeLdQaccLH32Ip, {a(ptr), imm(4)});
  b.emit(Opcode::kEeLdQaccHH32Ip, {a(ptr), imm(kQaccImageBytes - 36)});
}

void emit_store_qacc_image(FunctionBuilder& b, int ptr) {
  b.emit(Opcode::kEeStQaccLL128Ip, {a(ptr), imm(16)});
  b.emit(Opcode::kEeStQaccHL128Ip, {a(ptr), imm(16)});
  b.emit(Opcode::kEeStQaccLH32Ip, {a(ptr), imm(4)});
  b.emit(Opcode::kEeStQaccHH32Ip, {a(ptr), imm(kQaccImageBytes - 36)});
}

}  // namespace pietune::kernels::codegen
