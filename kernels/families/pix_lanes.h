// The pixel-lane families: 8 output pixels of one output channel in the 40-bit QACC lanes, the
// channel's weights broadcast to every lane, in either activation layout. Two registry rows share
// this generator: "dwconv_pix" (DEPTHWISE_CONV_2D, name
// dwconv_qs16_pix_8p1c_u1__pie_widened_<nhwc|nchw>_<epilogue>) and "conv_pix" (CONV_2D, any
// kernel and groups, conv_qs16_pix_...).
//
// Where the other families put channels in the lanes, these put 8 neighbouring output pixels of
// one channel there: every lane shares the channel's multiplier, so the vector epilogue runs one
// slot whatever the per-channel shifts (rqvec: 60 instructions per 8 outputs), and the dataflow is
// the one an NCHW tensor serves directly (a channel is one contiguous plane). The price is one
// weight broadcast per 8 MACs: for a CONV_2D with many input channels the channel-lane families
// do several times fewer instructions; conv_pix is what an NCHW caller gets for any convolution.
//
// Dataflow, per batch: the image is copied once, in input order, into one scratch plane per input
// channel as int16 (x - input_zp, -255..255) with a border of 0 (a skipped tap's x - zp), the
// columns of each padded row split by the column stride into phases (stride 2: even padded
// columns, then odd ones) so that the inputs of 8 neighbouring output pixels are 8 consecutive
// int16 of one phase row. nchw reads channel after channel; nhwc reads pixel after pixel and sends
// each pixel's C values to the C planes. Then per output row and block of 8 output columns, per
// output channel: QACC from the bias image (rqvec) or zero; per input channel of its group (one for
// a depthwise layer: oc / depth multiplier) and tap, one 16-byte load of the phase row (aligned
// when the tap's column offset is a multiple of 8 elements, else EE.LD.128.USAR.IP +
// EE.VLD.128.IP + EE.SRC.Q), the weight broadcast with EE.VLDBC.16.IP and one EE.VMULAS.S16.QACC;
// then the epilogue: rqvec with one slot, rqpix (the bias as three taps after the channel's own,
// every factor a lane of the channel's record), or rqscalar lane by lane. The 8 results go to 8
// consecutive bytes (nchw) or C bytes apart (nhwc); channels inside the block loop keep every
// output write of a block within a few cache lines. A last block of out_w % 8 pixels computes 8
// lanes and stores the valid ones; its extra lanes read border or slack, never outside the scratch.
// Legality rules: activation_layout (shared), types, shift_range, pix_stride (column stride 1 or
// 2: the phases), qacc40_range, scratch; rqvec adds rqvec_shift, rqvec_multiplier and
// rqvec_acc_range; rqpix the rqpix rules.
// Constants: [0] weights [out_c][group input channel][tap] int16, [1] requant table (bias only:
// the input offset is in the staged values), or per channel the bias as a QACC image of 8 equal
// lanes and its one-slot rqvec block, or per channel its rqpix record (and second record with
// left shifts), [2] the rqvec or rqpix vectors. Scratch: the staged planes, then a
// QACC save area (rqvec).
#pragma once

#include <optional>

#include "kernels/families/family_support.h"

namespace pietune::kernels::families {

inline constexpr ParamValue kPixPixels[] = {number_value(8)};
inline constexpr ParamValue kPixPaths[] = {word_value("widened")};
inline constexpr ParamValue kActivationLayouts[] = {word_value("nhwc"), word_value("nchw")};
inline constexpr ParamValue kPixEpilogues[] = {word_value("rqscalar"), word_value("rqvec"), word_value("rqpix")};

inline constexpr ParamSpec kPixParams[] = {
    {.name = "pixels", .role = ParamRole::kTile, .suffix = "p", .domain = kPixPixels,
     .meaning = "neighbouring output pixels of one channel per QACC group (one 40-bit lane each)"},
    {.name = "channels", .role = ParamRole::kTile, .suffix = "c", .domain = kOne, .meaning = "channels per pass"},
    {.name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kOne,
     .meaning = "taps are straight-line code; no further unrolling"},
    {.name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kPixPaths,
     .meaning = "widened: each input channel's plane copied to int16 with the input offset added, bordered with 0, "
                "columns split into stride phases"},
    {.name = "activations", .role = ParamRole::kLayout, .suffix = "", .domain = kActivationLayouts,
     .meaning = "the input and output layout the kernel is called with: nhwc or nchw (the layer's "
                "options.layout)"},
    {.name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kPixEpilogues,
     .meaning = "rqscalar: exact TFLM double rounding per output with base Xtensa; rqvec: exact, 8 outputs at once "
                "from 16-bit digit products, per channel a QACC bias image and a 112-byte block; rqpix: the same "
                "arithmetic with every factor a lane of one 16-byte record per channel (codegen/requant_pix.h), the "
                "bias as three taps, left shifts too"},
};

// For a DEPTHWISE_CONV_2D or CONV_2D layer.
std::optional<Rejection> pix_lanes_legal(const Layer& layer, const Variant& variant);
GeneratedKernel pix_lanes_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
