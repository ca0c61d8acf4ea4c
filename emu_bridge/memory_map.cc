// The S3 data memory map and its lazily paged backing store.
#include "emu_bridge/memory_map.h"

#include <algorithm>

#include <fmt/format.h>

#include "model/support/error.h"

namespace pietune::emu {
namespace {

constexpr RegionInfo kRegions[] = {
    {Region::kFlash, kFlashBase, kFlashSizeBytes, false},
    {Region::kPsram, kPsramBase, kPsramSizeBytes, true},
    {Region::kInternalSram, kSramBase, kSramSizeBytes, true},
};

const RegionInfo* find_region(std::uint32_t addr) {
  for (const RegionInfo& r : kRegions)
    if (addr - r.base < r.size_bytes) return &r;
  return nullptr;
}

// The region holding all of [addr, addr + bytes), or nullptr. bytes >= 1.
const RegionInfo* find_block(std::uint32_t addr, std::uint64_t bytes) {
  const RegionInfo* r = find_region(addr);
  if (r == nullptr || bytes > std::uint64_t{r->size_bytes} - (addr - r->base)) return nullptr;
  return r;
}

}  // namespace

const char* to_string(Region region) {
  switch (region) {
    case Region::kInternalSram: return "sram";
    case Region::kPsram: return "psram";
    case Region::kFlash: return "flash";
  }
  return "?";
}

std::span<const RegionInfo> memory_regions() { return kRegions; }

Memory::Memory() : sram_(new std::uint8_t[kSramSizeBytes]()) {}

std::optional<Region> Memory::region_of(std::uint32_t addr) {
  const RegionInfo* r = find_region(addr);
  if (r == nullptr) return std::nullopt;
  return r->region;
}

bool Memory::mapped(std::uint32_t addr, std::uint32_t bytes, bool for_store) {
  const RegionInfo* r = find_block(addr, std::max<std::uint32_t>(bytes, 1));
  return r != nullptr && (!for_store || r->writable);
}

bool Memory::read_slow(std::uint32_t addr, void* out, std::uint32_t bytes) const {
  if (bytes == 0 || !mapped(addr, bytes)) return false;
  copy_out(addr, static_cast<std::uint8_t*>(out), bytes);
  return true;
}

bool Memory::write_slow(std::uint32_t addr, const void* in, std::uint32_t bytes) {
  if (bytes == 0 || !mapped(addr, bytes, /*for_store=*/true)) return false;
  copy_in(addr, static_cast<const std::uint8_t*>(in), bytes);
  return true;
}

void Memory::copy_in(std::uint32_t addr, const std::uint8_t* in, std::uint32_t bytes) {
  if (addr - kSramBase < kSramSizeBytes) {
    std::memcpy(sram_.get() + (addr - kSramBase), in, bytes);
    return;
  }
  while (bytes > 0) {
    const std::uint32_t offset = addr - kFlashBase;  // flash and PSRAM windows are adjacent
    const std::uint32_t page = offset >> kPageBits;
    const std::uint32_t in_page = offset & (kPageBytes - 1);
    const std::uint32_t chunk = std::min(bytes, kPageBytes - in_page);
    Page& p = external_[page];
    if (!p) p.reset(new std::uint8_t[kPageBytes]());
    std::memcpy(p.get() + in_page, in, chunk);
    addr += chunk;
    in += chunk;
    bytes -= chunk;
  }
}

void Memory::copy_out(std::uint32_t addr, std::uint8_t* out, std::uint32_t bytes) const {
  if (addr - kSramBase < kSramSizeBytes) {
    std::memcpy(out, sram_.get() + (addr - kSramBase), bytes);
    return;
  }
  while (bytes > 0) {
    const std::uint32_t offset = addr - kFlashBase;
    const std::uint32_t page = offset >> kPageBits;
    const std::uint32_t in_page = offset & (kPageBytes - 1);
    const std::uint32_t chunk = std::min(bytes, kPageBytes - in_page);
    const Page& p = external_[page];
    if (p) std::memcpy(out, p.get() + in_page, chunk);
    else std::memset(out, 0, chunk);
    addr += chunk;
    out += chunk;
    bytes -= chunk;
  }
}

void Memory::load(std::uint32_t addr, std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return;
  if (find_block(addr, bytes.size()) == nullptr)
    throw InputError(fmt::format("memory block at 0x{:08x} ({} bytes): outside mapped memory", addr, bytes.size()));
  copy_in(addr, bytes.data(), static_cast<std::uint32_t>(bytes.size()));
}

std::vector<std::uint8_t> Memory::dump(std::uint32_t addr, std::uint32_t bytes) const {
  std::vector<std::uint8_t> out(bytes);
  if (bytes == 0) return out;
  if (find_block(addr, bytes) == nullptr)
    throw InputError(fmt::format("memory block at 0x{:08x} ({} bytes): outside mapped memory", addr, bytes));
  copy_out(addr, out.data(), bytes);
  return out;
}

void Memory::clear() {
  std::memset(sram_.get(), 0, kSramSizeBytes);
  for (Page& p : external_) p.reset();
}

}  // namespace pietune::emu
