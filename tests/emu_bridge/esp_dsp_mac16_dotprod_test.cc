// The calibration kernel dsps_dotprod_s16 (model/machines/calibration/esp_dsp_dotprod.S, after
// esp-dsp's MAC16 kernel dsps_dotprod_s16_ae32) run in the emulator against esp-dsp's documented
// semantics (dsps_dotprod_s16_ansi.c): a 64-bit accumulator seeded with 0x7fff >> shift, the sum of
// the int16 products, shifted right by 15 - shift and truncated to int16 (no saturation); lengths
// below 4 return ESP_ERR_DSP_INVALID_LENGTH and leave dest alone.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "emu_bridge/asm/asm_parser.h"
#include "emu_bridge/emulator.h"

namespace pietune::emu {
namespace {

constexpr std::uint32_t kSrc1 = 0x3FC90000;
constexpr std::uint32_t kSrc2 = 0x3FC91000;
constexpr std::uint32_t kDestArea = 0x3FC92000;  // dest = kDestArea + 2, guards on either side
constexpr std::uint32_t kInvalidLength = 0x70001;  // ESP_ERR_DSP_BASE 0x70000 + 1

const model::Program& kernel_program() {
  static const model::Program program =
      parse_assembly_file(PIETUNE_SOURCE_DIR "/model/machines/calibration/esp_dsp_dotprod.S");
  return program;
}

// esp-dsp's reference, written from its documented behaviour.
std::int16_t reference(const std::vector<std::int16_t>& x, const std::vector<std::int16_t>& y, int len, int shift) {
  std::int64_t acc = 0x7fff >> shift;
  for (int i = 0; i < len; ++i)
    acc += std::int64_t{x[static_cast<std::size_t>(i)]} * std::int64_t{y[static_cast<std::size_t>(i)]};
  const int final_shift = shift - 15;
  const std::int64_t out = final_shift > 0 ? acc << final_shift : acc >> -final_shift;
  return static_cast<std::int16_t>(out);  // truncation to 16 bits, as the C assignment does
}

std::vector<std::uint8_t> bytes_of(const std::vector<std::int16_t>& v) {
  std::vector<std::uint8_t> out;
  for (std::int16_t e : v) {
    const auto u = static_cast<std::uint16_t>(e);
    out.push_back(static_cast<std::uint8_t>(u));
    out.push_back(static_cast<std::uint8_t>(u >> 8));
  }
  return out;
}

struct Result {
  std::uint32_t status = 0;
  std::vector<std::uint8_t> dest_area;  // 6 bytes: guard, dest, guard
};

// Runs the kernel on x, y (each padded with 4 words of junk: odd lengths read 2 bytes past).
Result run_kernel(std::vector<std::int16_t> x, std::vector<std::int16_t> y, int len, int shift) {
  Emulator emu(kernel_program());
  for (int i = 0; i < 8; ++i) {
    x.push_back(static_cast<std::int16_t>(0x5A5A + i));
    y.push_back(static_cast<std::int16_t>(-0x3C3C - i));
  }
  emu.memory().load(kSrc1, bytes_of(x));
  emu.memory().load(kSrc2, bytes_of(y));
  const std::vector<std::uint8_t> guards = {0xA1, 0xA2, 0xEE, 0xEE, 0xB1, 0xB2};
  emu.memory().load(kDestArea, guards);
  Result r;
  r.status = emu.call("dsps_dotprod_s16", {kSrc1, kSrc2, kDestArea + 2, static_cast<std::uint32_t>(len),
                                           static_cast<std::uint32_t>(shift)})
                 .return_value;
  r.dest_area = emu.memory().dump(kDestArea, 6);
  return r;
}

std::int16_t dest_of(const Result& r) {
  return static_cast<std::int16_t>(static_cast<std::uint16_t>(r.dest_area[2] | (r.dest_area[3] << 8)));
}

void expect_guards(const Result& r) {
  EXPECT_EQ(r.dest_area[0], 0xA1);
  EXPECT_EQ(r.dest_area[1], 0xA2);
  EXPECT_EQ(r.dest_area[4], 0xB1);
  EXPECT_EQ(r.dest_area[5], 0xB2);
}

// Random full-range int16 vectors: lengths around every len % 4 case, the loop's 0 and 1 trips
// (4..11), the benchmark's 256 and a longer odd one; shifts 0 (the benchmark's), 2, 7, 15. Sums of
// up to 300 products of magnitude <= 2^30 stay inside ACC's 40 bits.
TEST(EspDspMac16Dotprod, MatchesReferenceOnRandomInputs) {
  std::mt19937 rng(20261207);
  std::uniform_int_distribution<int> value(-32768, 32767);
  for (int len : {4, 5, 6, 7, 8, 9, 10, 11, 16, 33, 62, 255, 256, 299}) {
    for (int shift : {0, 2, 7, 15}) {
      std::vector<std::int16_t> x(static_cast<std::size_t>(len)), y(static_cast<std::size_t>(len));
      for (auto& e : x) e = static_cast<std::int16_t>(value(rng));
      for (auto& e : y) e = static_cast<std::int16_t>(value(rng));
      const Result r = run_kernel(x, y, len, shift);
      SCOPED_TRACE("len " + std::to_string(len) + " shift " + std::to_string(shift));
      EXPECT_EQ(r.status, 0u);
      EXPECT_EQ(dest_of(r), reference(x, y, len, shift));
      expect_guards(r);
    }
  }
}

// The rounding term: products that sum to just below and at a rounding boundary, and the
// truncation of a result that does not fit int16 (no saturation).
TEST(EspDspMac16Dotprod, RoundsAndTruncatesLikeTheReference) {
  // 256 x 0x100 * 0x200 (the benchmark data of esp-dsp's own s16 test) = 2^25; >> 15 = 1024.
  std::vector<std::int16_t> x(256, 0x100), y(256, 0x200);
  for (int shift : {0, 1, 2, 8, 15}) {
    const Result r = run_kernel(x, y, 256, shift);
    EXPECT_EQ(dest_of(r), reference(x, y, 256, shift)) << "shift " << shift;
  }
  EXPECT_EQ(dest_of(run_kernel(x, y, 256, 0)), 1024);
  // 4 x 1 * 16383 = 65532; + 0x7fff = 98299; >> 15 = 2 (rounded up from 1.9999).
  std::vector<std::int16_t> ones(4, 1), near(4, 16383);
  EXPECT_EQ(dest_of(run_kernel(ones, near, 4, 0)), 2);
  EXPECT_EQ(reference(ones, near, 4, 0), 2);
  // 8 x 32767 * 32767 >> 5 does not fit int16: the low 16 bits are stored.
  std::vector<std::int16_t> big(8, 32767);
  const Result r = run_kernel(big, big, 8, 10);
  EXPECT_EQ(dest_of(r), reference(big, big, 8, 10));
  EXPECT_NE(static_cast<std::int64_t>(dest_of(r)), ((std::int64_t{8} * 32767 * 32767 + (0x7fff >> 10)) >> 5));
}

TEST(EspDspMac16Dotprod, ShortLengthsReturnInvalidLength) {
  const std::vector<std::int16_t> x = {1, 2, 3}, y = {4, 5, 6};
  for (int len : {0, 1, 2, 3}) {
    const Result r = run_kernel(x, y, len, 0);
    EXPECT_EQ(r.status, kInvalidLength) << "len " << len;
    EXPECT_EQ(r.dest_area[2], 0xEE);
    EXPECT_EQ(r.dest_area[3], 0xEE);
    expect_guards(r);
  }
}

}  // namespace
}  // namespace pietune::emu
