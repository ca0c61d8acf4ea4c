// CONV_2D family "conv_pw": pointwise (1x1) convolution as a matrix product with a pixel tile
// (name conv_qs8_pw_<P>p1c_u1__pie_<path>_rqscalar, P = 1, 2 or 4).
//
// For a tile of P output pixels of one row and each output channel, the channel's weights (Cin
// rounded up to 16, at most 6 chunks) are loaded once into q2..q7 and reused by the P ACCX dot
// products: one load per EE.VMULAS.S8.ACCX instead of two. Each output then goes through the
// scalar epilogue. A row's last pixels that do not fill a tile run as a shorter tile.
// Input paths: aligned (the input is copied into a scratch with each pixel padded to a 16-byte
// block) and direct (aligned loads from the input: Cin % 16 == 0, input 16-byte aligned). The
// bias is folded with Σw * (-input_zp) (raw input values are multiplied).
// Legality rules: types, groups (1), kernel (1x1, which never reaches outside the image),
// weight_registers (Cin at most 96: six 16-byte chunks in q2..q7), shift_range, direct_channels,
// accx_range, scratch.
// Constants: [0] weights [Cout][Cin rounded up to 16] int8, [1] requant table.
#pragma once

#include <optional>

#include "kernels/families/family_support.h"

namespace pietune::kernels::families {

inline constexpr ParamValue kPixelTiles[] = {number_value(1), number_value(2), number_value(4)};
inline constexpr ParamValue kPwPaths[] = {word_value("aligned"), word_value("direct")};

inline constexpr ParamSpec kConvPwParams[] = {
    {.name = "pixels", .role = ParamRole::kTile, .suffix = "p", .domain = kPixelTiles,
     .meaning = "output pixels sharing one output channel's weights held in q registers"},
    {.name = "channels", .role = ParamRole::kTile, .suffix = "c", .domain = kOne,
     .meaning = "output channels per dot product"},
    {.name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kOne,
     .meaning = "chunks are straight-line code"},
    {.name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kPwPaths,
     .meaning = "aligned: pixels padded to 16 bytes in a scratch copy; direct: aligned loads from the input"},
    {.name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kScalarEpilogue,
     .meaning = kEpilogueMeaning},
};

std::optional<Rejection> conv_pw_legal(const Layer& layer, const Variant& variant);
GeneratedKernel conv_pw_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
