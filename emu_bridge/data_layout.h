// Where the emulator places a program's data sections (model::Program::data), chosen by the section
// name's prefix as ESP-IDF's linker script does:
//   .literal*                      the literal pool, in IRAM just before the first function (l32r
//                                  reaches 4..262144 bytes back); code starts after it
//   .rodata*                       flash (DROM), from kRodataBase: read through the data cache
//   .data* .bss* .sdata* .sbss* .dram*   internal SRAM (DRAM), from kDataBase up to kDataLimit
// Sections of one place follow each other in order of first appearance, each aligned to its
// largest .align. The bases sit in the upper halves of flash and of SRAM, away from the blocks that
// state files and pietune's runners allocate upward from each region's start; a state file's
// memory blocks are loaded after the sections and win where they overlap.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "emu_bridge/memory_map.h"
#include "model/ir/program.h"

namespace pietune::emu {

enum class Placement : std::uint8_t { kLiteralPool, kFlash, kSram };

inline constexpr std::uint32_t kRodataBase = kFlashBase + (8u << 20);  // 0x3C800000
inline constexpr std::uint32_t kDataBase = 0x3FCE0000;
inline constexpr std::uint32_t kDataLimit = 0x3FCFC000;  // 16 KB below the default stack top kept for the stack

// nullopt for a name that is not a data section (code sections: .text*, .iram1*).
std::optional<Placement> placement_of(std::string_view section);

// The placed data: section addresses, every symbol's address (functions included) and the
// section bytes with their relocations applied.
struct DataLayout {
  std::vector<std::uint32_t> section_address;  // per Program::data
  std::vector<std::vector<std::uint8_t>> bytes;
  std::unordered_map<std::string, std::uint32_t> symbols;
  std::uint32_t pool_bytes = 0;  // size of the literal pool at kCodeBase (0: none)
};

// Places the literal pool at `pool_base` and the other sections at their bases. Throws InputError
// for a section that does not fit its region or an unknown name.
DataLayout place_data(const model::Program& program, std::uint32_t pool_base);

// Adds `functions` (name -> address) to the symbols and fills in every relocation. Throws
// InputError for a relocation to an undefined symbol.
void resolve_relocations(const model::Program& program, DataLayout& layout,
                         const std::unordered_map<std::string, std::uint32_t>& functions);

}  // namespace pietune::emu
