// The bench's fixed-seed inputs and output hash, in one definition for both sides: the host (which
// computes the emulator's expected output hash) and the board (the generated C below, compiled
// into the device-bench firmware). A test compiles the C text and compares it with the host's.
//
// Bytes: xorshift32 (13, 17, 5) from state seed ^ 0x5eed5eed (1 when that is 0), one byte per step
// (the state's top 8 bits). Hash: FNV-1a 64 over the output bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pietune::tuner {

std::vector<std::uint8_t> bench_input_bytes(std::uint32_t seed, std::size_t count);

// Lowercase 16-digit hex of the FNV-1a 64 hash, as the firmware prints it.
std::string bench_output_hash(const std::vector<std::uint8_t>& bytes);

// C99 definitions of `void pietune_bench_fill(int8_t* dst, uint32_t n, uint32_t seed)` and
// `uint64_t pietune_bench_hash(const int8_t* p, uint32_t n)` (static, for the firmware's main file).
std::string bench_input_c_source();

}  // namespace pietune::tuner
