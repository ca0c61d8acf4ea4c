// AVERAGE_POOL_2D family "avgpool_qacc": 16 channels in the QACC lanes summed with EE.VMULAS.S8.QACC
// against a vector of ones, then per lane the reference's rounded division by the number of
// in-image taps (name avgpool_qs8_qacc_1p16c_u1__pie_<path>_divexact).
//
// The reference sums the window clipped to the image and divides by its tap count n with
// (sum + n/2) / n for sum > 0, else (sum - n/2) / n, C truncation. The kernel borders the input
// with 0 (border taps add nothing to the sum) and reads n's per-pixel constants from a table built
// at emit time; the division is exact with base Xtensa: q = muluh(2 * (|sum| + n/2), ceil(2^31 / n)),
// negated for a negative sum (movltz). Exhaustively checked for n = 1..256 and every
// |sum| <= 128 n + n/2, hence the window limit.
// Input paths: aligned (zero-bordered scratch, channels padded to 16-byte blocks) and direct
// (in place: channels % 16 == 0, no border, input 16-byte aligned).
// Legality rules: types, quantization (equal input and output quantization), window (at most 256
// taps), empty_window (every output window has an in-image tap), direct_channels, direct_padding,
// scratch.
// Constants: [0] 16 bytes of 1, [1] per output pixel two words: n/2 and ceil(2^31 / n).
#pragma once

#include <optional>

#include "kernels/families/family_support.h"

namespace pietune::kernels::families {

inline constexpr ParamValue kAvgpoolPaths[] = {word_value("aligned"), word_value("direct")};
inline constexpr ParamValue kExactDivision[] = {word_value("divexact")};

inline constexpr ParamSpec kAvgpoolQaccParams[] = {
    {.name = "pixels", .role = ParamRole::kTile, .suffix = "p", .domain = kOne, .meaning = "output pixels per pass"},
    {.name = "channels", .role = ParamRole::kTile, .suffix = "c", .domain = kSixteen,
     .meaning = "channels per QACC group (one 20-bit lane each)"},
    {.name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kOne,
     .meaning = "taps are straight-line code"},
    {.name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kAvgpoolPaths,
     .meaning = "aligned: zero-bordered scratch, channels padded to 16; direct: aligned loads from the input"},
    {.name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kExactDivision,
     .meaning = "divexact: TFLM's rounded division by the in-image tap count via muluh, then the clamp"},
};

std::optional<Rejection> avgpool_qacc_legal(const Layer& layer, const Variant& variant);
GeneratedKernel avgpool_qacc_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
