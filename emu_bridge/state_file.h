// The JSON state file: how `pietune emu` exchanges machine state with other emulators and boards.
//
//   {"ar": {"a2": 1070137344, "a3": "0x3fc90100", "a4": 64},
//    "q": {"q0": "000102030405060708090a0b0c0d0e0f"},          // 16 bytes, lane 0 (byte 0) first
//    "accx": -5, "qacc_l": "<40 hex digits>", "qacc_h": "<40 hex digits>", "sar": 3, "sar_byte": 0,
//    "memory": [{"addr": 1070137344, "hex": "01ff..."}, {"addr": "0x3d000000", "file": "w.bin"}]}
//
// Every key is optional; what is not given starts at zero. ar a2..a7 are the arguments as the entered
// function sees them after its `entry`; a8..a15 are its other registers at that point (a0 and a1,
// return address and stack pointer, come from the emulator). Integers may be JSON numbers or
// "0x..." strings. ar values are 32-bit (-2^31..2^32-1), accx is 40-bit (-2^39..2^40-1, values from
// 2^39 taken as raw two's complement), sar 0..63, sar_byte 0..15. A memory block is hex bytes or a
// binary file (relative to the state file's folder) and must lie inside one mapped region: a block's
// file is checked by its size before it is read (at most the bytes from "addr" to the end of the
// region; devices such as /dev/zero are refused), the blocks together hold at most the mapped
// memory (about 32.5 MB) and a state file itself has at most 128 MiB. Unknown
// keys, bad hex, wrong lengths, bad register names and unmapped blocks are InputErrors naming the
// file: "in.json: q.q3: expected 32 hex digits (16 bytes), got 30".
//
// The dump has the same keys (ar a2..a15 as the function left them at its return, every q register,
// accx, qacc_l/h, sar, sar_byte, the input's memory blocks read back as hex) plus "instructions":
// the count executed. A dump can be loaded again: "instructions" is ignored on input.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "emu_bridge/machine_state.h"

namespace pietune::emu {

class Emulator;

inline constexpr int kFirstStateAr = 2;  // a2..a15 can be given
inline constexpr int kArgCount = 6;      // a2..a7

struct MemoryBlock {
  std::uint32_t addr = 0;
  std::vector<std::uint8_t> bytes;
  std::string file;  // the "file" value as written, empty for a "hex" block
};

struct StateFile {
  std::array<std::optional<std::uint32_t>, 16> ar;  // indexed by register number; a0, a1 never set
  std::array<std::optional<QReg>, 8> q;
  std::optional<std::int64_t> accx;  // sign-extended 40-bit value
  std::optional<QaccHalf> qacc_l;
  std::optional<QaccHalf> qacc_h;
  std::optional<std::uint32_t> sar;
  std::optional<std::uint32_t> sar_byte;
  std::vector<MemoryBlock> memory;

  // a2..a7 for Emulator::call (absent ones are 0).
  std::array<std::uint32_t, kArgCount> args() const;
};

// Validates and decodes state JSON; `name` prefixes every error, memory files are read relative to
// `base_dir`.
StateFile parse_state(std::string_view json_text, std::string_view name, const std::filesystem::path& base_dir);
// Reads a state file; errors name `path` as written.
StateFile load_state_file(const std::string& path);

// Writes everything the state gives except the arguments (passed to Emulator::call) into the
// emulator: memory, q, accx, qacc, sar, sar_byte, and a8..a15 of the window the call will create.
void apply_state(const StateFile& state, Emulator& emulator);

// The state after Emulator::call returned, as the dump object (keys in the order documented above).
nlohmann::ordered_json dump_state(const Emulator& emulator, const StateFile& input, std::uint64_t instructions);

}  // namespace pietune::emu
