// CONV_2D family "conv_espnn": the baseline that rebuilds, loop by loop, what esp-nn's S3 general
// convolution runs on every call: the C wrapper esp_nn_conv_s8_esp32s3 (general branch) and the
// assembly kernel esp_nn_conv_s8_filter_aligned_input_padded_esp32s3. It is kept to compare against
// (never the goal).
// Sources read (espressif/esp-nn; research/s3_isa_facts.md §7 item 4 was read at d45b843):
//   src/convolution/esp_nn_conv_esp32s3.c @ 1017042 (general branch, wrapper-side corrections),
//   src/convolution/esp_nn_conv_s8_filter_aligned_input_padded_esp32s3.S @ fe8bb02 (2023, the
//     benchmark's era) and @ 27d1f4a (adds the skip of the sum loop when input_offset == 0),
//   src/common/esp_nn_filter_sum_esp32s3.h (the wrapper's filter sum: ACCX against broadcast 1s).
// Per call (per batch: esp-tflite-micro calls esp-nn once per batch), in this order:
//   1. Filter re-alignment (wrapper; only when KW * Cin is not a multiple of 16): for every output
//      channel and filter row, memcpy of the KW * Cin bytes from the weights into scratch, then a
//      memset of the zero padding up to the next multiple of 16. Modelled as newlib's copy loops:
//      words (l32i/s32i) when the row is a multiple of 4 bytes, else bytes (l8ui/s8i). Otherwise the
//      kernel reads the weights where they are (16-byte aligned).
//   2. Input padding (wrapper; only when taps leave the image: TFLite padding or right/bottom
//      overhang): the image copied into scratch bordered with the input zero point (-input_offset).
//      Otherwise the kernel reads the input in place, at any alignment.
//   3. Per-channel corrections sum(w) * input_offset + bias, into scratch:
//      input_offset != 0 and more than 16384 filter elements: in the wrapper, per channel the
//        scalar bytes up to a 16-byte boundary, ACCX blocks against a broadcast 1 (vld + vmulas),
//        the scalar tail; then the kernel's copy loop (it is passed input_offset 0 and the
//        corrections as its bias);
//      input_offset != 0 otherwise: the kernel's scalar loop over the re-aligned filter (two bytes
//        per iteration: l8ui, sext, add), mull, bias add;
//      input_offset == 0: the kernel's bias copy (or zero fill without a bias).
//   4. The kernel: out_y -> out_x -> out_ch -> filter row, every loop a runtime loop whose index and
//      bound live on the stack (reloaded per iteration). Per filter row: the chunk counts are
//      recomputed from the row end (sub, extui, srai), EE.LD.128.USAR.IP + two VLDs + EE.SRC.Q.QUP
//      prime the unaligned stream, a LOOP over 32-byte pairs (vld, vmulas.s8.accx.ld.ip.qup, vld,
//      vmulas...qup, two orq), an odd 16-byte chunk (vmulas.ld.ip, src.q.ld.ip, orq), the final
//      vmulas, EE.SRS.ACCX into an address register added to the sum, then the filter-height bound
//      and row stride reloaded from the stack and a blt back. Per output: the correction loaded from
//      scratch, the scalar requantization, the clamp, one s8i through the output pointer kept on
//      the stack.
// Branches are resolved per layer at generation time (fast mode counts from trip counts): one that
// is never taken is emitted as is; one that is always taken becomes a j and the code it skips is
// left out (the pair loop when a row has one chunk, the odd chunk when the count is odd, the bias
// add without a bias).
// Instruction-mix assumptions: requantization is codegen/requant_scalar.h's branch-free sequence
// (~26 instructions reading a per-channel table, plus 2 for the table's unused bias word) instead of
// esp_nn_multiply_by_quantized_mult's ~32 with two data-dependent branches and six stack reloads;
// memcpy/memset are their inner loops without call overhead; the wrapper's C loops (filter sum
// head/tail bytes, output-channel loops) are counted loops of the instructions they need.
// Name: conv_qs8_espnn_1p1c_u2__pie_unaligned_rqscalar (one variant).
// Legality rules: types, groups (1), dilation (1x1: esp-nn's convolution has no dilation),
// shift_range, accx_range, scratch.
// Reads past the input: a row's last aligned block may extend up to 31 bytes past the row, so
// GeneratedKernel::input_overread_bytes is 32 when the input is read in place (esp-nn does the same).
// Constants: [0] weights [Cout][KH][KW][Cin] int8 (the layer's layout), [1] bias int32 [Cout]
// (zeros without a bias, then never read), [2] requant table (bias words 0: the correction comes
// from scratch). Scratch: [re-aligned filter][padded input][corrections int32 x Cout], each part
// present only when used (the corrections always are).
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

// Filter elements above which esp-nn's wrapper computes the corrections itself (with a nonzero
// input offset); at or below, the kernel's scalar loop does.
inline constexpr std::int64_t kEspnnWrapperSumElements = 16384;

std::optional<Rejection> conv_espnn_legal(const Layer& layer, const Variant& variant);
GeneratedKernel conv_espnn_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
