// The pixel-lane pools: 16 neighbouring output pixels of one channel in the 16 int8 lanes of a q
// register (or the 16 20-bit QACC lanes), in either activation layout. Two registry rows share this
// generator: "maxpool_pix" (MAX_POOL_2D, name maxpool_qs8_pix_16p1c_u1__pie_phased_<nhwc|nchw>_vclamp)
// and "avgpool_pix" (AVERAGE_POOL_2D, avgpool_qs8_pix_16p1c_u1__pie_phased_<nhwc|nchw>_divexact).
//
// The channel-lane pools (maxpool_vmax, avgpool_qacc) index channels inside a pixel, so they take
// NHWC only; these put 16 neighbouring output pixels of one channel in the lanes (pix_lanes.h's
// dataflow with bytes), which is what an NCHW tensor serves directly: a channel is one plane.
//
// Dataflow, per batch: the image is copied once, in input order, into one scratch plane per
// channel, bordered with the fill (-128 for the max: the reference's clipped maximum starting from
// -128 equals the maximum over a -128 border; 0 for the average: border taps add nothing to the
// sum), the columns of each padded row split by the column stride s into s phase rows (padded
// column px at phase px % s, index px / s), so that the inputs of 16 neighbouring output pixels for
// one tap are 16 consecutive bytes of one phase row. nchw reads channel after channel; nhwc reads
// pixel after pixel and sends each pixel's C values to the C planes. Then per output row and block
// of 16 output columns, per channel, per tap one 16-byte load of the phase row (EE.VLD.128.IP when
// the tap's offset is a multiple of 16, else EE.LD.128.USAR.IP + EE.VLD.128.IP + EE.SRC.Q) and
// - max: EE.VMAX.S8 into q0, then the activation clamp (EE.VMAX.S8 / EE.VMIN.S8 against broadcast
//   bounds); the 16 bytes stored with one EE.VST.128.IP (nchw with out_w % 16 == 0: every block is
//   16-byte aligned in a 16-byte aligned output), two EE.VST.L/H.64.IP (out_w % 8 == 0, 8-byte
//   aligned output), or byte by byte (EE.MOVI.32.A + s8i: any alignment, nhwc C bytes apart);
// - average: EE.VMULAS.S8.QACC against a vector of ones (16 window sums in the 20-bit lanes), then
//   per lane TFLM's rounded division by that output's in-image tap count n (border outputs have
//   fewer), exact with base Xtensa as avgpool_qacc does it: q = muluh(2 (|sum| + n/2), ceil(2^31/n)),
//   negated for a negative sum; n/2 and ceil(2^31/n) per output pixel from a table; clamp; s8i.
//   A single output column whose window covers every image column (a global pool: one lane of
//   16 would be used) sums whole 16-byte chunks of each window row in ACCX instead
//   (EE.VMULAS.S8.ACCX against the ones, the columns past the image being the 0 border and
//   slack): one load and one MAC per 16 taps.
// A last block of out_w % 16 pixels computes 16 lanes and stores the valid ones; its extra lanes
// read border or slack, never outside the scratch.
// Division proof: with m = ceil(2^31/n) = (2^31 + e)/n, 0 <= e < n, and x = |sum| + n/2 = qn + r,
// x m / 2^31 = q + r/n + x e / (n 2^31), whose floor is q when x e < 2^31; |sum| <= 128 n gives
// x e <= (128 n + n/2)(n - 1) < 2^31 for n <= 4088 (and 4088 x 128 fits the 20-bit lanes).
// Legality rules: activation_layout (shared), types (int8 in and out), quantization (equal input
// and output scale and zero point), pix_stride (column stride at most 4: the phases; any with one
// output column), window
// (average: at most 4088 taps), empty_window (average: every output window has an in-image tap),
// scratch.
// Constants: max: [0] 16 bytes of the activation minimum, 16 of the maximum, 16 of -128 (the
// fill); average: [0] 16 bytes of 1, [1] per output pixel two words: n/2 and ceil(2^31/n).
// Scratch: the staged planes.
#pragma once

#include <optional>

#include "kernels/families/avgpool_qacc.h"
#include "kernels/families/family_support.h"
#include "kernels/families/maxpool_vmax.h"
#include "kernels/families/pix_lanes.h"

namespace pietune::kernels::families {

inline constexpr ParamValue kPoolPixPixels[] = {number_value(16)};
inline constexpr ParamValue kPoolPixPaths[] = {word_value("phased")};

inline constexpr std::string_view kPoolPixPixelsMeaning = "neighbouring output pixels of one channel per vector (one lane each)";
inline constexpr std::string_view kPoolPixPathMeaning =
    "phased: each channel's plane copied once into scratch, bordered with the fill, columns split into stride "
    "phases so 16 neighbouring outputs read 16 consecutive bytes per tap";
inline constexpr std::string_view kPoolPixLayoutMeaning =
    "the input and output layout the kernel is called with: nhwc or nchw (the layer's options.layout)";

inline constexpr ParamSpec kMaxpoolPixParams[] = {
    {.name = "pixels", .role = ParamRole::kTile, .suffix = "p", .domain = kPoolPixPixels, .meaning = kPoolPixPixelsMeaning},
    {.name = "channels", .role = ParamRole::kTile, .suffix = "c", .domain = kOne, .meaning = "channels per pass"},
    {.name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kOne,
     .meaning = "taps are straight-line code"},
    {.name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kPoolPixPaths,
     .meaning = kPoolPixPathMeaning},
    {.name = "activations", .role = ParamRole::kLayout, .suffix = "", .domain = kActivationLayouts,
     .meaning = kPoolPixLayoutMeaning},
    {.name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kVectorClamp,
     .meaning = "vclamp: activation clamp with EE.VMAX.S8 / EE.VMIN.S8 against broadcast bounds"},
};

inline constexpr ParamSpec kAvgpoolPixParams[] = {
    {.name = "pixels", .role = ParamRole::kTile, .suffix = "p", .domain = kPoolPixPixels, .meaning = kPoolPixPixelsMeaning},
    {.name = "channels", .role = ParamRole::kTile, .suffix = "c", .domain = kOne, .meaning = "channels per pass"},
    {.name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kOne,
     .meaning = "taps are straight-line code"},
    {.name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kPoolPixPaths,
     .meaning = kPoolPixPathMeaning},
    {.name = "activations", .role = ParamRole::kLayout, .suffix = "", .domain = kActivationLayouts,
     .meaning = kPoolPixLayoutMeaning},
    {.name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kExactDivision,
     .meaning = "divexact: per lane TFLM's rounded division by the output's in-image tap count via muluh, then "
                "the clamp"},
};

// The largest window the average takes (see the division proof above).
inline constexpr int kPoolPixMaxTaps = 4088;

// For a MAX_POOL_2D or AVERAGE_POOL_2D layer.
std::optional<Rejection> pool_pix_legal(const Layer& layer, const Variant& variant);
GeneratedKernel pool_pix_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
