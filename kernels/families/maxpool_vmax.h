// MAX_POOL_2D family "maxpool_vmax": 16 channels per vector, EE.VMAX.S8 over the window's taps,
// the activation clamp as EE.VMAX.S8 / EE.VMIN.S8 against broadcast bounds
// (name maxpool_qs8_vmax_1p16c_u1__pie_<path>_vclamp).
//
// The reference takes the maximum over the window clipped to the image, starting from -128; the
// kernel borders the input with -128 instead (codegen/stage_input.h with -128 as the fill), which
// gives the same maximum. No requantization (input and output quantization must agree).
// Input paths: aligned (bordered scratch copy, channels padded to 16-byte blocks; each result
// vector goes through a 16-byte scratch slot and its channels are stored with s8i, so the output
// may have any alignment and channel count) and direct (aligned loads from the input and one
// EE.VST.128.IP per 16 channels: channels % 16 == 0, no border, input and output 16-byte aligned).
// Legality rules: types (int8 input and output), quantization (equal input and output scale and
// zero point), direct_channels, direct_padding, scratch.
// Constants: [0] clamp bounds: 16 bytes of the activation minimum, then 16 of the maximum.
#pragma once

#include <optional>

#include "kernels/families/family_support.h"

namespace pietune::kernels::families {

inline constexpr ParamValue kMaxpoolPaths[] = {word_value("aligned"), word_value("direct")};
inline constexpr ParamValue kVectorClamp[] = {word_value("vclamp")};

inline constexpr ParamSpec kMaxpoolVmaxParams[] = {
    {.name = "pixels", .role = ParamRole::kTile, .suffix = "p", .domain = kOne, .meaning = "output pixels per pass"},
    {.name = "channels", .role = ParamRole::kTile, .suffix = "c", .domain = kSixteen, .meaning = "channels per vector"},
    {.name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kOne,
     .meaning = "taps are straight-line code"},
    {.name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kMaxpoolPaths,
     .meaning = "aligned: -128 bordered scratch, channels padded to 16; direct: aligned loads and stores in place"},
    {.name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kVectorClamp,
     .meaning = "vclamp: activation clamp with EE.VMAX.S8 / EE.VMIN.S8 against broadcast bounds"},
};

std::optional<Rejection> maxpool_vmax_legal(const Layer& layer, const Variant& variant);
GeneratedKernel maxpool_vmax_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
