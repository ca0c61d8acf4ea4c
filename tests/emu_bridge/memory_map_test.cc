// memory_map: region boundaries, lazy pages, faults on unmapped and read-only accesses, block load/dump.
#include "emu_bridge/memory_map.h"

#include <gtest/gtest.h>

#include "model/support/error.h"

namespace pietune::emu {
namespace {

TEST(MemoryMap, RegionsAtTheirS3Addresses) {
  struct Row {
    std::uint32_t addr;
    std::optional<Region> region;
  };
  const Row rows[] = {
      {0x3FC88000, Region::kInternalSram}, {0x3FCFFFFF, Region::kInternalSram}, {0x3FD00000, std::nullopt},
      {0x3FC87FFF, std::nullopt},          {0x3C000000, Region::kFlash},        {0x3CFFFFFF, Region::kFlash},
      {0x3D000000, Region::kPsram},        {0x3DFFFFFF, Region::kPsram},        {0x3E000000, std::nullopt},
      {0x40378000, std::nullopt},          {0x00000000, std::nullopt},          {0xFFFFFFF0, std::nullopt},
  };
  for (const Row& row : rows) EXPECT_EQ(Memory::region_of(row.addr), row.region) << std::hex << row.addr;
  EXPECT_EQ(memory_regions().size(), 3u);
  EXPECT_STREQ(to_string(Region::kPsram), "psram");
}

TEST(MemoryMap, ReadWriteAllSizesLittleEndian) {
  Memory mem;
  for (std::uint32_t base : {kSramBase + 0x100, kPsramBase + 0x12345, kPsramBase + 0xFFF8}) {
    const std::uint8_t in[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    for (std::uint32_t bytes : {1u, 2u, 4u, 8u, 16u}) {
      ASSERT_TRUE(mem.write(base, in, bytes));
      std::uint8_t out[16] = {};
      ASSERT_TRUE(mem.read(base, out, bytes));
      EXPECT_EQ(0, std::memcmp(in, out, bytes)) << bytes;
    }
    std::uint32_t word = 0;
    ASSERT_TRUE(mem.read(base, &word, 4));
    EXPECT_EQ(word, 0x04030201u);
  }
}

TEST(MemoryMap, AccessCrossingAPageBoundaryInPsram) {
  Memory mem;
  const std::uint32_t addr = kPsramBase + 0x10000 - 3;
  const std::uint32_t value = 0xA1B2C3D4;
  ASSERT_TRUE(mem.write(addr, &value, 4));
  std::uint32_t back = 0;
  ASSERT_TRUE(mem.read(addr, &back, 4));
  EXPECT_EQ(back, value);
}

TEST(MemoryMap, UntouchedMemoryReadsZero) {
  Memory mem;
  std::uint64_t v = 1;
  ASSERT_TRUE(mem.read(kFlashBase + 0x800000, &v, 8));
  EXPECT_EQ(v, 0u);
  v = 1;
  ASSERT_TRUE(mem.read(kSramBase + 8, &v, 8));
  EXPECT_EQ(v, 0u);
}

TEST(MemoryMap, UnmappedAndStraddlingAccessesFail) {
  Memory mem;
  std::uint32_t v = 0;
  EXPECT_FALSE(mem.read(0x1000, &v, 4));
  EXPECT_FALSE(mem.write(0x1000, &v, 4));
  EXPECT_FALSE(mem.read(kSramBase + kSramSizeBytes - 2, &v, 4));
  EXPECT_FALSE(mem.read(kSramBase - 2, &v, 4));
  EXPECT_FALSE(mem.read(kFlashBase + kFlashSizeBytes - 2, &v, 4));  // flash into PSRAM: two regions
  EXPECT_TRUE(mem.read(kSramBase + kSramSizeBytes - 4, &v, 4));
}

TEST(MemoryMap, FlashIsReadOnlyForProgramsButLoadable) {
  Memory mem;
  const std::uint32_t v = 7;
  EXPECT_FALSE(mem.write(kFlashBase, &v, 4));
  EXPECT_FALSE(Memory::mapped(kFlashBase, 4, /*for_store=*/true));
  EXPECT_TRUE(Memory::mapped(kFlashBase, 4));
  mem.load(kFlashBase, std::vector<std::uint8_t>{7, 0, 0, 0});
  std::uint32_t back = 0;
  ASSERT_TRUE(mem.read(kFlashBase, &back, 4));
  EXPECT_EQ(back, 7u);
}

TEST(MemoryMap, LoadAndDumpBlocks) {
  Memory mem;
  std::vector<std::uint8_t> block(100000);
  for (std::size_t i = 0; i < block.size(); ++i) block[i] = static_cast<std::uint8_t>(i * 7);
  mem.load(kPsramBase + 0x1234, block);
  EXPECT_EQ(mem.dump(kPsramBase + 0x1234, 100000), block);
  mem.load(kSramBase, block);
  EXPECT_EQ(mem.dump(kSramBase, 100000), block);
  try {
    mem.load(kSramBase + kSramSizeBytes - 10, block);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "memory block at 0x3fcffff6 (100000 bytes): outside mapped memory");
  }
  EXPECT_THROW(mem.dump(0x10, 4), InputError);
  mem.clear();
  EXPECT_EQ(mem.dump(kSramBase, 4), (std::vector<std::uint8_t>{0, 0, 0, 0}));
  EXPECT_EQ(mem.dump(kPsramBase + 0x1234, 2), (std::vector<std::uint8_t>{0, 0}));
}

}  // namespace
}  // namespace pietune::emu
