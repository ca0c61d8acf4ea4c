// Data placement: section bases by name prefix, symbol addresses, relocations.
#include "emu_bridge/data_layout.h"

#include <fmt/format.h>

#include "model/support/error.h"

namespace pietune::emu {
namespace {

bool has_prefix(std::string_view name, std::string_view prefix) {
  // ".data" and ".data.x" but not ".datafoo".
  return name == prefix || (name.starts_with(prefix) && name[prefix.size()] == '.');
}

std::uint32_t align_up(std::uint32_t value, std::uint32_t align) {
  return align <= 1 ? value : (value + align - 1) / align * align;
}

}  // namespace

std::optional<Placement> placement_of(std::string_view section) {
  if (has_prefix(section, ".literal")) return Placement::kLiteralPool;
  if (has_prefix(section, ".rodata")) return Placement::kFlash;
  for (std::string_view prefix : {".data", ".bss", ".sdata", ".sbss"})
    if (has_prefix(section, prefix)) return Placement::kSram;
  if (section.starts_with(".dram")) return Placement::kSram;
  return std::nullopt;
}

DataLayout place_data(const model::Program& program, std::uint32_t pool_base) {
  DataLayout layout;
  std::uint64_t next_pool = pool_base, next_flash = kRodataBase, next_sram = kDataBase;
  for (const model::DataSection& section : program.data) {
    const std::optional<Placement> place = placement_of(section.name);
    if (!place) throw InputError(fmt::format("section '{}' is not a data section", section.name));
    std::uint64_t& next = *place == Placement::kLiteralPool ? next_pool : *place == Placement::kFlash ? next_flash : next_sram;
    const std::uint64_t limit = *place == Placement::kLiteralPool ? std::uint64_t{pool_base} + (256u << 10)
                                : *place == Placement::kFlash   ? std::uint64_t{kFlashBase} + kFlashSizeBytes
                                                                : kDataLimit;
    const auto base = static_cast<std::uint32_t>(align_up(static_cast<std::uint32_t>(next), section.align_bytes));
    if (base + std::uint64_t{section.bytes.size()} > limit)
      throw InputError(fmt::format("section '{}' ({} bytes) does not fit: {} ends at 0x{:08x}", section.name,
                                   section.bytes.size(),
                                   *place == Placement::kSram ? "SRAM data (.data/.bss/.dram*)"
                                   : *place == Placement::kFlash ? "flash data (.rodata*)"
                                                                 : "the literal pool (l32r reaches 256 KB)",
                                   static_cast<std::uint32_t>(limit)));
    next = base + std::uint64_t{section.bytes.size()};
    layout.section_address.push_back(base);
    layout.bytes.push_back(section.bytes);
    for (const model::DataSymbol& symbol : section.symbols) layout.symbols[symbol.name] = base + symbol.offset;
  }
  layout.pool_bytes = static_cast<std::uint32_t>(next_pool - pool_base);
  return layout;
}

void resolve_relocations(const model::Program& program, DataLayout& layout,
                         const std::unordered_map<std::string, std::uint32_t>& functions) {
  for (const auto& [name, address] : functions) layout.symbols.emplace(name, address);
  for (std::size_t s = 0; s < program.data.size(); ++s) {
    for (const model::DataReloc& reloc : program.data[s].relocs) {
      auto it = layout.symbols.find(reloc.symbol);
      if (it == layout.symbols.end())
        throw InputError(fmt::format("section '{}': undefined symbol '{}'", program.data[s].name, reloc.symbol));
      PIETUNE_CHECK(std::uint64_t{reloc.offset} + 4 <= layout.bytes[s].size()) << "relocation past its section";
      const std::uint32_t value = it->second + static_cast<std::uint32_t>(reloc.addend);
      for (int i = 0; i < 4; ++i) layout.bytes[s][reloc.offset + i] = static_cast<std::uint8_t>(value >> (8 * i));
    }
  }
}

}  // namespace pietune::emu
