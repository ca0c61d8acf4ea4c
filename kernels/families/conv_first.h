// CONV_2D family "conv_first": small-channel first layers (RGB images), where a filter row of
// KW x Cin bytes is shorter than one 16-byte vector (name conv_qs8_first_1p1c_u1__pie_<path>_rqscalar).
//
// Input paths:
//   im2col  per output pixel the window (KH x KW x Cin bytes, straight-line l8ui/s8i) is copied
//           into an aligned scratch row zero-padded to round_up(window, 16) bytes; then per output
//           channel an aligned ACCX dot product over that row (codegen/accx_dot.h) and the scalar
//           requantization. esp-nn does this when filter_w * Cin < 16 and window >= 16 (facts §7).
//           The input is read in place, or from a zero-point bordered copy when taps leave the image.
//   pad4x4  the input is staged once per image as 4-byte pixels (Cin bytes + padding, borders =
//           input zero point) and the weights are re-laid out as a 4-column x 4-channel block per
//           filter row, so one window row is exactly one aligned 16-byte load. Per output pixel the
//           KH rows are loaded into q0..q3 once and reused by every output channel: per channel KH
//           EE.VMULAS.S8.ACCX.LD.IP, each fetching the same row's weights of the next channel into
//           the register it just read (q4..q7), then the scalar requantization.
// pad4x4 alignment: a window starting at padded pixel x is a 16-byte aligned block only when
// x % 4 == 0. Two free degrees cover the other columns: the kernel may sit at column offset o
// (0..4 - effective width) inside the block (one zero-padded weight set per offset: constant data,
// no run-time cost), and the image may be staged again shifted by s whole pixels (copy s holds
// copy 0 from byte 4s on, made with the 16-byte funnel EE.LD.128.USAR.IP + EE.SRC.Q.QUP, about a
// cycle per pixel). A column x with x % 4 = r uses s + o = r. Since weight sets cost nothing at run
// time, the kernel uses every offset it needs and the fewest copies covering the residues
// {ox * stride_w % 4}: 3x3 needs two copies (shifts {0, 2} at stride 1, {0, 1} at stride 2) and
// offsets {0, 1}; 1x1 one copy; 4x4 stride 1 four copies. The output columns run in groups of 4 / gcd(stride_w, 4) straight-line
// pixels, each with its copy and weight set fixed at emit time.
// Out-of-image taps: zero-point borders, the bias folded with Σ(all taps) w * (-input_zp).
//
// Legality rules: types, groups (1), shift_range; im2col: row_bytes (KW * Cin < 16, esp-nn's
// condition: wider rows are whole vectors, conv_accx reads them in place), window (at most 256
// bytes: two straight-line instructions per byte); pad4x4: channels (Cin <= 4), kernel_width
// ((KW - 1) * dilation_w + 1 <= 4), kernel_height (KH <= 4 rows held in q0..q3); scratch. ACCX
// cannot saturate: at most 256 MACs per output (|sum| < 2^23 of its 2^39).
//
// Constants: [0] weights: im2col [Cout][round_up(window, 16)] int8 in window order (ky, kx, ic);
// pad4x4 [offset sets][Cout][KH][4 columns][4 channels] int8 plus KH * 16 zero bytes (the last
// channel's look-ahead loads); [1] requant table (requant_scalar.h).
// Scratch: im2col the window row, then the bordered copy if any; pad4x4 the staged copies.
#pragma once

#include <optional>

#include "kernels/families/family_support.h"

namespace pietune::kernels::families {

inline constexpr ParamValue kConvFirstPaths[] = {word_value("im2col"), word_value("pad4x4")};

inline constexpr ParamSpec kConvFirstParams[] = {
    {.name = "pixels", .role = ParamRole::kTile, .suffix = "p", .domain = kOne, .meaning = "output pixels per dot product"},
    {.name = "channels", .role = ParamRole::kTile, .suffix = "c", .domain = kOne,
     .meaning = "output channels per dot product (pad4x4 keeps the window in q0..q3 for all of them)"},
    {.name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kOne,
     .meaning = "one output channel per loop iteration; the window's vectors are straight-line"},
    {.name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kConvFirstPaths,
     .meaning = "im2col: window copied into an aligned zero-padded row; pad4x4: 4-byte pixels, a window row "
                "is one aligned load against a 4x4 zero-padded kernel"},
    {.name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kScalarEpilogue,
     .meaning = kEpilogueMeaning},
};

std::optional<Rejection> conv_first_legal(const Layer& layer, const Variant& variant);
GeneratedKernel conv_first_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
