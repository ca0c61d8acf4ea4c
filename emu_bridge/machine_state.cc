// QACC: conversions between the 20-bit and 40-bit lane views and the raw 160-bit halves.
#include "emu_bridge/machine_state.h"

#include <algorithm>
#include <cstring>

#include "model/support/error.h"

namespace pietune::emu {
namespace {

constexpr std::int32_t sext20(std::uint64_t raw) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(raw << 12)) >> 12;
}
constexpr std::int64_t sext40(std::uint64_t raw) { return static_cast<std::int64_t>(raw << 24) >> 24; }

// Packs `count` lanes of `width` bits (little-endian, lane 0 at bit 0) into a raw half.
template <typename Lane>
QaccHalf pack(const Lane* lanes, int count, int width) {
  QaccHalf out{};
  const std::uint64_t mask = (std::uint64_t{1} << width) - 1;
  std::uint64_t buffer = 0;
  int bits = 0;
  std::size_t pos = 0;
  for (int i = 0; i < count; ++i) {
    const std::uint64_t lane = static_cast<std::uint64_t>(lanes[i]) & mask;
    for (int taken = 0; taken < width;) {  // feed the lane in pieces that fit the 64-bit buffer
      const int piece = std::min(width - taken, 32);
      buffer |= ((lane >> taken) & ((std::uint64_t{1} << piece) - 1)) << bits;
      bits += piece;
      taken += piece;
      while (bits >= 8) {
        out[pos++] = static_cast<std::uint8_t>(buffer);
        buffer >>= 8;
        bits -= 8;
      }
    }
  }
  return out;
}

// Unpacks a raw half into `count` lanes of `width` bits, sign-extended.
template <typename Lane>
void unpack(const QaccHalf& raw, Lane* lanes, int count, int width) {
  std::size_t pos = 0;
  std::uint64_t buffer = 0;
  int bits = 0;
  for (int i = 0; i < count; ++i) {
    std::uint64_t lane = 0;
    for (int filled = 0; filled < width;) {
      while (bits < 8 && pos < raw.size()) {
        buffer |= std::uint64_t{raw[pos++]} << bits;
        bits += 8;
      }
      const int piece = std::min(width - filled, bits);
      lane |= (buffer & ((std::uint64_t{1} << piece) - 1)) << filled;
      buffer >>= piece;
      bits -= piece;
      filled += piece;
    }
    lanes[i] = static_cast<Lane>(static_cast<std::int64_t>(lane << (64 - width)) >> (64 - width));
  }
}

}  // namespace

void Qacc::to20() {
  for (int j = 0; j < 8; ++j) {
    const auto raw = static_cast<std::uint64_t>(l40_[j]);
    l20_[2 * j] = sext20(raw & 0xFFFFF);
    l20_[2 * j + 1] = sext20((raw >> 20) & 0xFFFFF);
  }
  form_ = Form::k20;
}

void Qacc::to40() {
  for (int j = 0; j < 8; ++j) {
    const std::uint64_t lo = static_cast<std::uint32_t>(l20_[2 * j]) & 0xFFFFFu;
    const std::uint64_t hi = static_cast<std::uint32_t>(l20_[2 * j + 1]) & 0xFFFFFu;
    l40_[j] = sext40(lo | (hi << 20));
  }
  form_ = Form::k40;
}

QaccHalf Qacc::half(bool high) const {
  if (form_ == Form::k20) return pack(l20_.data() + (high ? 8 : 0), 8, 20);
  return pack(l40_.data() + (high ? 4 : 0), 4, 40);
}

void Qacc::set_half(bool high, const QaccHalf& raw) {
  if (form_ == Form::k20) unpack(raw, l20_.data() + (high ? 8 : 0), 8, 20);
  else unpack(raw, l40_.data() + (high ? 4 : 0), 4, 40);
}

std::int32_t Qacc::lane20(int i) const {
  PIETUNE_CHECK(i >= 0 && i < 16) << "lane " << i;
  if (form_ == Form::k20) return l20_[i];
  const auto raw = static_cast<std::uint64_t>(l40_[i / 2]);
  return sext20((raw >> (20 * (i % 2))) & 0xFFFFF);
}

void Qacc::set_lane20(int i, std::int64_t value) {
  PIETUNE_CHECK(i >= 0 && i < 16) << "lane " << i;
  lanes20()[i] = sext20(static_cast<std::uint64_t>(value) & 0xFFFFF);
}

std::int64_t Qacc::lane40(int j) const {
  PIETUNE_CHECK(j >= 0 && j < 8) << "lane " << j;
  if (form_ == Form::k40) return l40_[j];
  const std::uint64_t lo = static_cast<std::uint32_t>(l20_[2 * j]) & 0xFFFFFu;
  const std::uint64_t hi = static_cast<std::uint32_t>(l20_[2 * j + 1]) & 0xFFFFFu;
  return sext40(lo | (hi << 20));
}

void Qacc::set_lane40(int j, std::int64_t value) {
  PIETUNE_CHECK(j >= 0 && j < 8) << "lane " << j;
  lanes40()[j] = sext40(static_cast<std::uint64_t>(value));
}

std::uint32_t Qacc::word(bool high, int k) const {
  PIETUNE_CHECK(k >= 0 && k < 5) << "word " << k;
  const QaccHalf raw = half(high);
  std::uint32_t value;
  std::memcpy(&value, raw.data() + 4 * k, 4);
  return value;
}

void Qacc::set_word(bool high, int k, std::uint32_t value) {
  PIETUNE_CHECK(k >= 0 && k < 5) << "word " << k;
  QaccHalf raw = half(high);
  std::memcpy(raw.data() + 4 * k, &value, 4);
  set_half(high, raw);
}

void Qacc::clear() {
  l20_.fill(0);
  l40_.fill(0);
  form_ = Form::k20;
}

}  // namespace pietune::emu
