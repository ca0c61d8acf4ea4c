// Bench inputs and output hash (see the header).
#include "tuner/bench/bench_input.h"

#include <fmt/format.h>

#include "model/support/fnv1a.h"

namespace pietune::tuner {

std::vector<std::uint8_t> bench_input_bytes(std::uint32_t seed, std::size_t count) {
  std::uint32_t x = seed ^ 0x5eed5eedu;
  if (x == 0) x = 1;
  std::vector<std::uint8_t> bytes(count);
  for (std::uint8_t& b : bytes) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b = static_cast<std::uint8_t>(x >> 24);
  }
  return bytes;
}

std::string bench_output_hash(const std::vector<std::uint8_t>& bytes) {
  return fmt::format("{:016x}", fnv1a_64(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size())));
}

std::string bench_input_c_source() {
  return R"(/* The bench inputs: xorshift32 (13, 17, 5), one byte per step from the top 8 bits; the host
 * computes the same bytes for the emulator's expected output hash. */
static void pietune_bench_fill(int8_t* dst, uint32_t n, uint32_t seed) {
  uint32_t x = seed ^ 0x5eed5eedu;
  uint32_t i;
  if (x == 0) x = 1;
  for (i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    dst[i] = (int8_t)(uint8_t)(x >> 24);
  }
}

/* FNV-1a 64 of the output bytes, printed as 16 hex digits. */
static uint64_t pietune_bench_hash(const int8_t* p, uint32_t n) {
  uint64_t h = 0xcbf29ce484222325ull;
  uint32_t i;
  for (i = 0; i < n; ++i) {
    h ^= (uint8_t)p[i];
    h *= 0x100000001b3ull;
  }
  return h;
}
)";
}

}  // namespace pietune::tuner
