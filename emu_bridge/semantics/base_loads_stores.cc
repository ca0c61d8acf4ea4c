// Semantics of the base Xtensa scalar loads and stores: l8ui, l16ui, l16si, l32i(.n), s8i, s16i,
// s32i(.n); address = as + offset; and l32r from the literal pool. The S3 handles unaligned scalar accesses in hardware
// (XCHAL_UNALIGNED_LOAD_HW, facts §1), so addresses are used as they are.
#include "emu_bridge/semantics/dispatch.h"
#include "emu_bridge/semantics/lanes.h"

namespace pietune::emu {
namespace {

// at, as, offset.
template <typename T>
void load(Cpu& cpu, const Decoded& d) {
  T value;
  cpu.read<sizeof(T)>(cpu.ar(d.r[1]) + static_cast<std::uint32_t>(d.imm), &value);
  if constexpr (std::is_signed_v<T>) cpu.ar(d.r[0]) = static_cast<std::uint32_t>(static_cast<std::int32_t>(value));
  else cpu.ar(d.r[0]) = value;
}

template <typename T>
void store(Cpu& cpu, const Decoded& d) {
  const auto value = static_cast<T>(cpu.ar(d.r[0]));
  cpu.write<sizeof(T)>(cpu.ar(d.r[1]) + static_cast<std::uint32_t>(d.imm), &value);
}

}  // namespace

PIETUNE_SEMANTICS(L8ui) { load<std::uint8_t>(cpu, d); }
PIETUNE_SEMANTICS(L16ui) { load<std::uint16_t>(cpu, d); }
PIETUNE_SEMANTICS(L16si) { load<std::int16_t>(cpu, d); }
PIETUNE_SEMANTICS(L32i) { load<std::uint32_t>(cpu, d); }
PIETUNE_SEMANTICS(L32iN) { load<std::uint32_t>(cpu, d); }
// l32r at, literal: the emulator resolves the literal when it lays out the program (d.imm = its
// value, d.imm2 = its address in the pool before the code); the pool is read-only here.
PIETUNE_SEMANTICS(L32r) {
  cpu.ar(d.r[0]) = static_cast<std::uint32_t>(d.imm);
  if (cpu.tracing) [[unlikely]] cpu.record(static_cast<std::uint32_t>(d.imm2), 4, false);
}
PIETUNE_SEMANTICS(S8i) { store<std::uint8_t>(cpu, d); }
PIETUNE_SEMANTICS(S16i) { store<std::uint16_t>(cpu, d); }
PIETUNE_SEMANTICS(S32i) { store<std::uint32_t>(cpu, d); }
PIETUNE_SEMANTICS(S32iN) { store<std::uint32_t>(cpu, d); }

}  // namespace pietune::emu
