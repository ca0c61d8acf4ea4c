// QACC as memory: the raw image EE.LD.QACC_* / EE.ST.QACC_* move, for preloading lane values
// (bias, rounding terms) into QACC and for saving and restoring it.
//
// QACC is two halves of 160 bits; an 8-bit MAC stream packs 16 lanes of 20 bits (lanes 0-7 in
// QACC_L), a 16-bit stream 8 lanes of 40 bits (lanes 0-3 in QACC_L), each from bit 0 of its half.
// One image is kQaccImageBytes (16-byte aligned): the low 16 bytes of L at +0, of H at +16, the
// top 4 bytes of L at +32, of H at +36, 8 spare bytes to keep the next image aligned.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kernels/codegen/emit.h"

namespace pietune::kernels::codegen {

inline constexpr int kQaccImageBytes = 48;

// The image of lanes `values` (at most 16 of 20 bits or 8 of 40 bits; the rest are 0), each
// value truncated to the lane width.
std::vector<std::uint8_t> qacc_image(std::span<const std::int64_t> values, int lane_bits);

// QACC = the image at address register `ptr`, which advances by kQaccImageBytes.
void emit_load_qacc_image(FunctionBuilder& b, int ptr);
// The image of QACC stored at `ptr`, which advances by kQaccImageBytes.
void emit_store_qacc_image(FunctionBuilder& b, int ptr);

}  // namespace pietune::kernels::codegen
