// CONV_2D family "conv_espnn": the baseline whose structure follows the published description of
// esp-nn's S3 general convolution (research/s3_isa_facts.md §7, esp_nn_conv_s8_filter_aligned_
// input_padded_esp32s3): loops out_y -> out_x -> out_ch -> filter row; each filter row (KW * Cin
// contiguous input bytes) is one ACCX dot product read through the unaligned path (EE.LD.128.USAR.IP
// + EE.SRC.Q.QUP, 32 bytes per iteration plus a 16-byte remainder), ended by EE.SRS.ACCX into an
// address register and summed in scalar code; then the per-output scalar requantization and one
// s8i. Filter rows are zero-padded to a multiple of 16 at emit time; the input is copied into a
// zero-point bordered scratch only when taps leave the image, otherwise it is read where it is, at
// any alignment. It is kept to compare against (never the goal).
// Name: conv_qs8_espnn_1p1c_u2__pie_unaligned_rqscalar (one variant).
// Legality rules: types, groups (1), dilation (1x1: esp-nn's convolution has no dilation),
// shift_range, accx_range, scratch.
// Reads past the input: a row's last aligned block may extend up to 31 bytes past the row, so
// GeneratedKernel::input_overread_bytes is 32 when the input is read in place (esp-nn does the same).
// Constants: [0] weights [Cout][KH][row bytes rounded up to 16] int8, [1] requant table.
#pragma once

#include <optional>

#include "kernels/families/family_support.h"

namespace pietune::kernels::families {

inline constexpr ParamValue kTwo[] = {number_value(2)};
inline constexpr ParamValue kUnalignedOnly[] = {word_value("unaligned")};

inline constexpr ParamSpec kConvEspnnParams[] = {
    {.name = "pixels", .role = ParamRole::kTile, .suffix = "p", .domain = kOne, .meaning = "output pixels per dot product"},
    {.name = "channels", .role = ParamRole::kTile, .suffix = "c", .domain = kOne,
     .meaning = "output channels per dot product"},
    {.name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kTwo,
     .meaning = "two 16-byte chunks per inner-loop iteration, as esp-nn's 32-byte body"},
    {.name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kUnalignedOnly,
     .meaning = "USAR + SRC.Q reads of each filter row, in place or from a bordered copy when taps leave the image"},
    {.name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kScalarEpilogue,
     .meaning = kEpilogueMeaning},
};

std::optional<Rejection> conv_espnn_legal(const Layer& layer, const Variant& variant);
GeneratedKernel conv_espnn_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
