// The ESP32-S3 data-side memory map as the emulator sees it, with each region tagged for the
// timing model, and Memory: lazily allocated backing store for the mapped regions.
//
// Regions (data bus addresses):
//   internal SRAM (DRAM)   0x3FC88000..0x3FCFFFFF  480 KB, the part of the 512 KB SRAM the data
//                                                   bus sees from the CPU's usable DRAM start
//   flash data (DROM)      0x3C000000..0x3CFFFFFF  16 MB, flash behind the data cache
//   PSRAM data             0x3D000000..0x3DFFFFFF  16 MB, PSRAM behind the data cache
// On the S3 the MMU maps both flash and PSRAM pages anywhere in the 32 MB external window
// 0x3C000000..0x3DFFFFFF; pietune fixes the split (flash low 16 MB, PSRAM high 16 MB) so that an
// address alone says which memory a kernel touches. Stores to flash are faults (the hardware
// raises a store cache-attribute exception). Anything else, instruction memory included, is
// unmapped: an access there is a fault.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace pietune::emu {

enum class Region : std::uint8_t { kInternalSram, kPsram, kFlash };

const char* to_string(Region region);  // "sram", "psram", "flash"

struct RegionInfo {
  Region region = Region::kInternalSram;
  std::uint32_t base = 0;
  std::uint32_t size_bytes = 0;
  bool writable = true;  // by the program; Memory::load writes any region
  std::uint32_t end() const { return base + size_bytes; }  // one past the last byte
};

inline constexpr std::uint32_t kSramBase = 0x3FC88000;
inline constexpr std::uint32_t kSramSizeBytes = 0x3FD00000 - kSramBase;  // 480 KB
inline constexpr std::uint32_t kFlashBase = 0x3C000000;
inline constexpr std::uint32_t kFlashSizeBytes = 16u << 20;
inline constexpr std::uint32_t kPsramBase = 0x3D000000;
inline constexpr std::uint32_t kPsramSizeBytes = 16u << 20;

// The three regions, in address order (flash, PSRAM, SRAM).
std::span<const RegionInfo> memory_regions();

// Backing store for the mapped regions. SRAM is one flat block (the fast path); flash and PSRAM
// are 64 KB pages allocated on first write, so a 16 MB window costs nothing until touched.
// Untouched memory reads as zero. Accesses are little-endian and may be of any size up to 16
// bytes and any alignment (the PIE address masking is the semantics' job, not the memory's);
// an access must lie entirely inside one region.
class Memory {
 public:
  Memory();
  Memory(const Memory&) = delete;
  Memory& operator=(const Memory&) = delete;

  // Region of one address; nullopt if unmapped.
  static std::optional<Region> region_of(std::uint32_t addr);
  // Whether [addr, addr + bytes) lies inside one region (and, for `for_store`, a writable one).
  static bool mapped(std::uint32_t addr, std::uint32_t bytes, bool for_store = false);

  // Program accesses. Return false (and touch nothing) if the access is not mapped or, for
  // write, targets flash.
  bool read(std::uint32_t addr, void* out, std::uint32_t bytes) const {
    const std::uint32_t offset = addr - kSramBase;
    if (offset < kSramSizeBytes && bytes <= kSramSizeBytes - offset) {
      std::memcpy(out, sram_.get() + offset, bytes);
      return true;
    }
    return read_slow(addr, out, bytes);
  }
  bool write(std::uint32_t addr, const void* in, std::uint32_t bytes) {
    const std::uint32_t offset = addr - kSramBase;
    if (offset < kSramSizeBytes && bytes <= kSramSizeBytes - offset) {
      std::memcpy(sram_.get() + offset, in, bytes);
      return true;
    }
    return write_slow(addr, in, bytes);
  }

  // Block transfer for state files and tests: any length, any mapped region (flash included).
  // Throws pietune::InputError naming the address if any byte is unmapped or the block crosses
  // a region boundary.
  void load(std::uint32_t addr, std::span<const std::uint8_t> bytes);
  std::vector<std::uint8_t> dump(std::uint32_t addr, std::uint32_t bytes) const;

  // Every byte back to zero, all pages released.
  void clear();

 private:
  static constexpr std::uint32_t kPageBits = 16;
  static constexpr std::uint32_t kPageBytes = 1u << kPageBits;
  static constexpr std::uint32_t kPagesPerWindow = kFlashSizeBytes >> kPageBits;
  using Page = std::unique_ptr<std::uint8_t[]>;

  bool read_slow(std::uint32_t addr, void* out, std::uint32_t bytes) const;
  bool write_slow(std::uint32_t addr, const void* in, std::uint32_t bytes);
  // Copies between a mapped block (inside one region) and host memory; pages are created on write.
  void copy_in(std::uint32_t addr, const std::uint8_t* in, std::uint32_t bytes);
  void copy_out(std::uint32_t addr, std::uint8_t* out, std::uint32_t bytes) const;

  std::unique_ptr<std::uint8_t[]> sram_;
  std::array<Page, 2 * kPagesPerWindow> external_;  // flash pages, then PSRAM pages
};

}  // namespace pietune::emu
