// TRANSPOSE family "transpose_vec": an int8 TRANSPOSE whose permutation is a batched matrix
// transpose (name transpose_qs8_vec_16r8c_u<unroll>__pie_<path>_copy). It serves a model's own
// TRANSPOSE operators and the layout conversions NHWC <-> NCHW of a layout plan, which are the
// permutations [0, 3, 1, 2] and [0, 2, 3, 1].
//
// Every such permutation, once dimensions of extent 1 are dropped and input dimensions that stay
// neighbours in the output are merged (transpose_geometry), is [B, R, C] -> [B, C, R]: NHWC ->
// NCHW is R = H*W pixels by C channels, NCHW -> NHWC the other way round. A permutation that
// merges to the identity is a copy (R = 1).
// Input paths:
//   bytes  l8ui / s8i per element: per batch and output row c, a LOOPGTZ over the R inputs of
//          column c (stride C bytes), written one after another. Any R, C and alignment.
//   unzip  blocks of 16 input rows by 8 columns: 16 EE.VLD.L/H.64.XP (each row's 8 bytes into one
//          half of a q register), three stages of 4 EE.VUNZIP.8 (each moves one bit of the row
//          index from the register number into the byte position), and 8 EE.VST.128.XP, one
//          16-byte output row piece per column. Rows are loaded into register
//          4 r1 + 2 r2 + r3, half r0 (r = 8 r3 + 4 r2 + 2 r1 + r0), so after the stages column c
//          holds rows 0..15 in order in register 4 c0 + 2 c1 + c2. Needs C % 8 == 0 and
//          R % 16 == 0 (aligned 8-byte loads, aligned 16-byte stores); 0.31 cycles per byte.
//   zip    the mirror block for few rows (tiles 8r16c): 8 input rows of 16 columns, one
//          EE.VLD.128.XP each, three stages of 4 EE.VZIP.8 (each moves the top bit of the byte
//          position, a column bit, into the register number and a row bit into the byte position),
//          then 16 EE.VST.L/H.64.XP, one 8-byte output row piece per column: column c ends in
//          register c / 2, half c % 2, rows in order. Needs R % 8 == 0 and C % 16 == 0: the
//          transpose back from an 8-channel NCHW tensor, which unzip cannot take.
// Legality rules: types (a 1-byte element: int8 or uint8), perm (constant, and a batched matrix
// transpose after merging), tiles (16r8c for bytes and unzip, 8r16c for zip), unzip_shape,
// zip_shape. No constants, no scratch, no requantization (TRANSPOSE
// moves values; TFLite gives input and output one type and one quantization).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "kernels/families/family_support.h"

namespace pietune::kernels::families {

inline constexpr ParamValue kTransposeRows[] = {number_value(16), number_value(8)};
inline constexpr ParamValue kTransposeCols[] = {number_value(8), number_value(16)};
inline constexpr ParamValue kTransposeUnrolls[] = {number_value(1), number_value(4)};
inline constexpr ParamValue kTransposePaths[] = {word_value("bytes"), word_value("unzip"), word_value("zip")};
inline constexpr ParamValue kTransposeEpilogues[] = {word_value("copy")};

inline constexpr ParamSpec kTransposeVecParams[] = {
    {.name = "rows", .role = ParamRole::kTile, .suffix = "r", .domain = kTransposeRows,
     .meaning = "input rows per vector block: 16 (unzip: 16 bytes of an output row), 8 (zip: 8 bytes)"},
    {.name = "cols", .role = ParamRole::kTile, .suffix = "c", .domain = kTransposeCols,
     .meaning = "input columns per vector block: 8 (unzip: a 64-bit half load per row), 16 (zip: a 128-bit load)"},
    {.name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kTransposeUnrolls,
     .meaning = "bytes path: elements per loop trip (unzip, zip: the block is straight-line code)"},
    {.name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kTransposePaths,
     .meaning = "bytes: l8ui/s8i per element, any shape and alignment; unzip: 16x8 blocks through "
                "EE.VUNZIP.8 stages, C % 8 == 0 and R % 16 == 0; zip: 8x16 blocks through EE.VZIP.8 stages, "
                "R % 8 == 0 and C % 16 == 0"},
    {.name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kTransposeEpilogues,
     .meaning = "copy: values move unchanged"},
};

// A TRANSPOSE as [batches, rows, cols] -> [batches, cols, rows].
struct TransposeGeometry {
  std::int64_t batches = 1, rows = 1, cols = 1;
};

// The batched matrix transpose a permutation of `shape` is, or nullopt when it is none (e.g.
// [0, 2, 1, 3] with every extent above 1: blocks of C elements move, not single elements).
// `merged` receives the permutation after merging, for messages.
std::optional<TransposeGeometry> transpose_geometry(const std::vector<std::int32_t>& shape,
                                                    const std::vector<std::int32_t>& perm, std::string* merged);

std::optional<Rejection> transpose_vec_legal(const Layer& layer, const Variant& variant);
GeneratedKernel transpose_vec_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
