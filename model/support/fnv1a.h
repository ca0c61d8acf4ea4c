// FNV-1a 64: the one hash behind every key pietune computes (layer signatures and identities,
// estimate keys). Not cryptographic: keys name what we computed, they do not defend against anyone.
#pragma once

#include <cstdint>
#include <string_view>

namespace pietune {

// Incremental FNV-1a, 64 bit: offset basis 0xcbf29ce484222325, prime 0x100000001b3, one byte at a time.
class Fnv1a64 {
 public:
  Fnv1a64& add(std::string_view bytes) {
    for (char c : bytes) add_byte(static_cast<unsigned char>(c));
    return *this;
  }
  // Eight bytes, little-endian, so a key does not depend on the host's byte order.
  Fnv1a64& add(std::uint64_t value) {
    for (int i = 0; i < 8; ++i) add_byte(static_cast<unsigned char>(value >> (8 * i)));
    return *this;
  }
  // A length first, so that ("ab", "c") and ("a", "bc") hash differently.
  Fnv1a64& add_field(std::string_view bytes) { return add(static_cast<std::uint64_t>(bytes.size())).add(bytes); }
  std::uint64_t value() const { return hash_; }

 private:
  void add_byte(unsigned char b) {
    hash_ ^= b;
    hash_ *= 0x100000001b3ULL;
  }
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

inline std::uint64_t fnv1a_64(std::string_view bytes) { return Fnv1a64().add(bytes).value(); }

}  // namespace pietune
