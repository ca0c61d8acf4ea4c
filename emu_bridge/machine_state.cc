// QACC: conversions between the 20-bit and 40-bit lane views and the raw 160-bit halves.
#include "emu_bridge/machine_state.h"

#include "model/support/error.h"

namespace pietune::emu {
namespace {

constexpr std::int32_t sext20(std::uint64_t raw) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(raw << 12)) >> 12;
}
constexpr std::int64_t sext40(std::uint64_t raw) { return static_cast<std::int64_t>(raw << 24) >> 24; }

// Bits [lsb + width - 1 : lsb] of a raw half (width <= 40).
std::uint64_t get_bits(const QaccHalf& half, int lsb, int width) {
  std::uint64_t value = 0;
  for (int b = 0; b < width; ++b) {
    const int bit = lsb + b;
    value |= std::uint64_t{(half[bit / 8] >> (bit % 8)) & 1u} << b;
  }
  return value;
}

void put_bits(QaccHalf& half, int lsb, int width, std::uint64_t value) {
  for (int b = 0; b < width; ++b) {
    const int bit = lsb + b;
    const auto mask = static_cast<std::uint8_t>(1u << (bit % 8));
    if ((value >> b) & 1u) half[bit / 8] |= mask;
    else half[bit / 8] &= static_cast<std::uint8_t>(~mask);
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
  QaccHalf out{};
  const int first = high ? 8 : 0;
  for (int i = 0; i < 8; ++i) put_bits(out, 20 * i, 20, static_cast<std::uint32_t>(lane20(first + i)) & 0xFFFFFu);
  return out;
}

void Qacc::set_half(bool high, const QaccHalf& raw) {
  const int first = high ? 8 : 0;
  for (int i = 0; i < 8; ++i) set_lane20(first + i, static_cast<std::int64_t>(get_bits(raw, 20 * i, 20)));
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
  return static_cast<std::uint32_t>(get_bits(raw, 32 * k, 32));
}

void Qacc::set_word(bool high, int k, std::uint32_t value) {
  PIETUNE_CHECK(k >= 0 && k < 5) << "word " << k;
  QaccHalf raw = half(high);
  put_bits(raw, 32 * k, 32, value);
  set_half(high, raw);
}

void Qacc::clear() {
  l20_.fill(0);
  l40_.fill(0);
  form_ = Form::k20;
}

}  // namespace pietune::emu
