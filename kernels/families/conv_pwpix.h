// CONV_2D family "conv_pwpix": pointwise convolutions with 8 pixels in the 40-bit QACC lanes and
// each weight broadcast from a register lane, the esp-nn-class dataflow made faster than esp-nn's.
// Name: conv_qs16_pwpix_8p1c<16|8>w<0|16>k_u1__pie_widened_rqpix.
//
// Where esp-nn's 1x1 kernel (conv_espnn_1x1) spends ~280 instructions per 8 outputs on QACC spills,
// scalar 32x32 multiplies and byte stores, this kernel keeps the whole channel in vector form:
// - per block of 8 pixels the input is transposed once to 8 int16 rows per 8 channels (input
//   offset added; codegen/transpose8.h) and serves every output channel;
// - per output channel one walk of its row in the constants: a 16-byte record, then its C weights
//   as int16 (or int8, widened in the stream: weightbits). The stream starts with the record's
//   bias digits as three taps (the vector -2^15 twice, the vector 1; QACC needs no image), then
//   one EE.VSMULAS.S16.QACC.LD.INCP per input channel, the weight selected from a register lane
//   and the input row two taps ahead loaded in the same instruction; weight rows alternate between q7 and q4, one load per 8 taps, a tap after the
//   row's first use;
// - the rqpix epilogue (codegen/requant_pix.h: exact TFLM double rounding from 16-bit digit
//   products, every per-channel factor a lane of the record) leaves the 8 bytes in q7, stored to
//   a tile of 8 bytes per channel;
// - after the block's channels the tile is transposed back (8x8 bytes per 8 channels) and written
//   to the 8 output pixels with 8-byte stores.
// Loop order (tilekb): every channel per block of pixels, or tiles of channels whose rows fit 16 KB
// with every block per tile, so that rows in flash are filled once.
// About 1.1 instructions per input channel plus ~55 per output channel of a block (8 outputs),
// against esp-nn's ~1.6 and ~280. A last partial block is the block of the last 8 pixels (it
// overlaps the one before and rewrites the same values), so there is no leftover path.
// Legality rules: types, shift_range, pwpix_shape (1x1, stride 1, one group, in_ch and out_ch
// multiples of 8, at least 8 pixels), qacc40_range, rqpix rules (codegen/requant_pix.h), pwpix_tile
// (a tile smaller than the layer), scratch.
// Constants: [0] per output channel its record and C int16 weights (int8: padded to 16 bytes), [1]
// the rqpix vectors.
// Scratch: the transposed block framed by the vectors the stream meets ([-2^15, 1] before it;
// [-2^15, 1, 2^14, zp, min, max] after it), the QACC save area, the output tile (8 x out_ch bytes).
// Input and output: 8-byte aligned.
#pragma once

#include <optional>

#include "kernels/families/family_support.h"

namespace pietune::kernels::families {

inline constexpr ParamValue kPwpixPixels[] = {number_value(8)};
inline constexpr ParamValue kPwpixWeightBits[] = {number_value(16), number_value(8)};
inline constexpr ParamValue kPwpixTileKb[] = {number_value(0), number_value(16)};
inline constexpr ParamValue kPwpixPaths[] = {word_value("widened")};
inline constexpr ParamValue kPwpixEpilogues[] = {word_value("rqpix")};

inline constexpr ParamSpec kConvPwpixParams[] = {
    {.name = "pixels", .role = ParamRole::kTile, .suffix = "p", .domain = kPwpixPixels,
     .meaning = "pixels per block, one 40-bit QACC lane each (a last partial block overlaps the one before)"},
    {.name = "channels", .role = ParamRole::kTile, .suffix = "c", .domain = kOne,
     .meaning = "output channels per pass over the transposed block (QACC holds one)"},
    {.name = "weightbits", .role = ParamRole::kTile, .suffix = "w", .domain = kPwpixWeightBits,
     .meaning = "weights stored as int16 (one 16-byte load per 8 taps) or int8 (half the bytes from flash, widened "
                "in the tap stream: two more instructions per 8 taps)"},
    {.name = "tilekb", .role = ParamRole::kTile, .suffix = "k", .domain = kPwpixTileKb,
     .meaning = "loop order: 0 runs every output channel per block of pixels (the input transposed once per "
                "block); 16 runs tiles of output channels whose rows fit 16 KB, every block per tile (the rows "
                "read once from flash while they stay in the 32 KB data cache, the input transposed once per "
                "tile and block)"},
    {.name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kOne,
     .meaning = "taps straight-line up to 64 input channels, else a loop of 16 taps"},
    {.name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kPwpixPaths,
     .meaning = "widened: each block of 8 pixels transposed to int16 with the input offset added, in scratch"},
    {.name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kPwpixEpilogues,
     .meaning = "rqpix: exact TFLM double rounding of 8 pixels of one channel from 16-bit digit products, the "
                "channel's factors selected from a register lane"},
};

std::optional<Rejection> conv_pwpix_legal(const Layer& layer, const Variant& variant);
GeneratedKernel conv_pwpix_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
