// Where verification and whole-model runs put a kernel's call block and scratch in the emulator's
// memory map (one place, so the two runners place kernels the same way).
#pragma once

#include <cstdint>

#include "emu_bridge/memory_map.h"

namespace pietune::kernels {

inline constexpr std::uint32_t kCallBlockAddr = emu::kSramBase;
inline constexpr std::uint32_t kSramScratchAddr = emu::kSramBase + 0x1000;
inline constexpr std::uint32_t kSramScratchLimit = 256u << 10;
inline constexpr std::uint32_t kPsramScratchAddr = emu::kPsramBase + (8u << 20);

}  // namespace pietune::kernels
