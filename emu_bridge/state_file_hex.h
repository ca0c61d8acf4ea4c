// Hex strings of the state file: bytes in memory order, two lower-case digits each.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pietune::emu {

std::string to_hex(std::span<const std::uint8_t> bytes);

// Decoded bytes, or a description of what is wrong ("odd number of hex digits (31)",
// "bad hex digit 'g' at offset 5").
struct HexDecode {
  std::vector<std::uint8_t> bytes;
  std::string error;  // empty on success
};
HexDecode from_hex(std::string_view text);

}  // namespace pietune::emu
