// FNV-1a 64, the hash behind Layer::timing_signature and Layer::full_identity (canonical forms in layer.h).
#pragma once

#include <cstdint>
#include <string_view>

namespace pietune::kernels {

// FNV-1a, 64 bit: offset basis 0xcbf29ce484222325, prime 0x100000001b3, one byte at a time.
std::uint64_t fnv1a_64(std::string_view bytes);

}  // namespace pietune::kernels
