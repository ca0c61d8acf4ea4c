// Hex encoding and decoding for state files.
#include "emu_bridge/state_file_hex.h"

#include <fmt/format.h>

namespace pietune::emu {
namespace {

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

HexDecode from_hex(std::string_view text) {
  HexDecode result;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (digit_value(text[i]) < 0) {
      const unsigned char c = static_cast<unsigned char>(text[i]);
      result.error = c >= 0x20 && c < 0x7f ? fmt::format("bad hex digit '{}' at offset {}", text[i], i)
                                           : fmt::format("bad hex digit (byte 0x{:02x}) at offset {}", c, i);
      return result;
    }
  }
  if (text.size() % 2 != 0) {
    result.error = fmt::format("odd number of hex digits ({})", text.size());
    return result;
  }
  result.bytes.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2)
    result.bytes.push_back(static_cast<std::uint8_t>(digit_value(text[i]) * 16 + digit_value(text[i + 1])));
  return result;
}

}  // namespace pietune::emu
