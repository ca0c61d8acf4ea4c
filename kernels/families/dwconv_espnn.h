// DEPTHWISE_CONV_2D family "dwconv_espnn": the baseline whose structure follows the published
// description of esp-nn's S3 depthwise path for depth multiplier 1 (research/s3_isa_facts.md §7,
// esp_nn_depthwise_conv_s8_mult1_3x3_padded_esp32s3). It is kept to compare against (never the goal).
// Name: dwconv_qs8_espnn_1p16c_u1__pie_padded_rqscalar (one variant).
//
// Dataflow: the input is copied into scratch bordered with the input zero point (-input_offset),
// each pixel's channels padded to 16 (esp-nn pads channels too); it is read in place (16-byte
// aligned input) when the channels are a multiple of 16 and no tap leaves the image. Per output
// pixel and 16-channel group: EE.ZERO.QACC, one EE.VMULAS.S8.QACC per tap whose fused .LD.XP form
// loads the next tap (address steps in registers: next column, next filter row), then QACC is
// spilled to scratch (EE.ST.QACC_{L,H}.L.128.IP + .H.32.IP) and each 20-bit lane unpacked from
// memory with scalar l32i/slli/srai (or ssai/src/sext across words), then per output the folded
// bias, the scalar requantization, the clamp and one s8i.
// The bias is folded with Σ(taps) w * (-input_zp) at emit time, so a border pixel adds nothing, as
// the reference's skipped taps.
// Legality rules: types, depth_multiplier (1: esp-nn's QACC path is for multiplier 1), shift_range,
// qacc_lane_range (the 20-bit lanes, worst case from the weights), scratch.
// Constants: [0] weights [groups][taps][16] int8, [1] requant table. Scratch: 64 bytes of QACC
// spill area, then (when staged) the bordered copy.
#pragma once

#include <optional>

#include "kernels/families/family_support.h"

namespace pietune::kernels::families {

inline constexpr ParamValue kDwconvEspnnPaths[] = {word_value("padded")};

inline constexpr ParamSpec kDwconvEspnnParams[] = {
    {.name = "pixels", .role = ParamRole::kTile, .suffix = "p", .domain = kOne, .meaning = "output pixels per pass"},
    {.name = "channels", .role = ParamRole::kTile, .suffix = "c", .domain = kSixteen,
     .meaning = "channels per QACC group (one 20-bit lane each), spilled to memory and unpacked in scalar code"},
    {.name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kOne,
     .meaning = "taps are straight-line code, as esp-nn's 3x3 kernel"},
    {.name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kDwconvEspnnPaths,
     .meaning = "padded: zero-point bordered copy with channels padded to 16, or in place when nothing needs padding"},
    {.name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kScalarEpilogue,
     .meaning = kEpilogueMeaning},
};

std::optional<Rejection> dwconv_espnn_legal(const Layer& layer, const Variant& variant);
GeneratedKernel dwconv_espnn_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
