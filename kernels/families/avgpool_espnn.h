// AVERAGE_POOL_2D family "avgpool_espnn": the baseline rebuilt loop by loop from esp-nn's S3
// average pool, esp_nn_avg_pool_s8_esp32s3 (espressif/esp-nn src/pooling/esp_nn_avg_pool_s8_esp32s3.S
// read at 598a8d2e67c5ce82fb153d9442b6e16fd510b1df; its C wrapper src/pooling/esp_nn_avg_pool_s8_esp32s3.c
// at e6128086140ceffa55312af00df2e721a41457b7 / e1702a3368b6 sends channels % 4 == 0 to that assembly
// and the rest to an int16-accumulating C loop, not modelled: rule "espnn_channels"). Kept to compare
// against (never the goal). Names: avgpool_qs8_espnn_1p{8,4}c_u1__pie_clipped_divexact.
//
// esp-nn's structure, modelled per loop: the outer structure is maxpool_espnn's (stack arguments,
// out_y loop with per-row filter_y bounds, out_x loop with per-pixel filter_x bounds and pointers in
// stack slots, channel loop; see maxpool_espnn.h). Per channel chunk:
//   two 4 x int32 sums zeroed (mv.qr from a zero vector); per in-image filter row the scalar address
//   (2 l32i + 2 mull + adds) and a LOOPGTZ over the in-image taps whose body widens 8 int8 to two
//   4 x int32 vectors: EE.VLD.L.64.XP, EE.VCMP.LT.S8 + EE.VZIP.8, EE.VCMP.LT.S16 + EE.VZIP.16, two
//   EE.VADDS.S32 (4-channel path: EE.VLDBC.32.XP and one VADDS); after each filter row the tap count
//   is recomputed from the stack (9 scalar instructions: esp-nn sums filter_x_end - filter_x_start
//   row by row, per chunk).
//   Then per lane: EE.MOVI.32.A, the rounding offset +-count/2 by the sign, the division, EE.MOVI.32.Q;
//   EE.VMIN.S32 / EE.VMAX.S32 against the bounds, EE.VUNZIP.16 + EE.VUNZIP.8 to bytes, EE.VST.L.64.IP
//   (4-channel path: through a stack word, l32i + s32i).
// Instruction-mix assumption: esp-nn divides with QUOS (Xtensa integer divide, about 16 cycles by the
// measured estimate in research/s3_isa_facts.md), which pietune's ISA table does not have. Each lane
// here computes TFLM's exact result branch-free instead: q = muluh(2 (|sum| + count/2), ceil(2^31 /
// count)), negated for a negative sum (movltz), the reciprocal read per chunk from a table indexed by
// the count (exact for every count <= 256 and |sum| <= 128 count, as avgpool_qacc). esp-nn's sign
// branches (blti / add / j or sub) become abs/add/neg/movltz so no forward branch is taken; the lane
// costs 8 single-cycle instructions where esp-nn pays ~5 plus the divider: this baseline is
// optimistic by roughly 10 cycles per output byte until QUOS is modelled.
// The rounding is TFLM's: (sum + n/2) / n for sum > 0, else (sum - n/2) / n, truncating, which is
// esp-nn's arithmetic too.
// Legality rules: types, quantization, espnn_channels, empty_window (maxpool_espnn's), window (at
// most 256 taps: the exact division's proven range).
// Constants: [0] reciprocals: word n = ceil(2^31 / n) for n = 0..taps (word 0 unused).
#pragma once

#include <optional>

#include "kernels/families/maxpool_espnn.h"

namespace pietune::kernels::families {

inline constexpr ParamValue kEspnnDivision[] = {word_value("divexact")};

inline constexpr ParamSpec kAvgpoolEspnnParams[] = {
    {.name = "pixels", .role = ParamRole::kTile, .suffix = "p", .domain = kOne, .meaning = "output pixels per pass"},
    {.name = "channels", .role = ParamRole::kTile, .suffix = "c", .domain = kEspnnPoolChannels,
     .meaning = "esp-nn's channel chunk: 8 (EE.VLD.L.64.XP) when channels % 8 == 0, else 4 (EE.VLDBC.32.XP)"},
    {.name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kOne,
     .meaning = "one tap per LOOPGTZ iteration, as esp-nn"},
    {.name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kClippedPath,
     .meaning = "clipped: the window clipped to the image per output pixel, read in place (no bordered copy)"},
    {.name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kEspnnDivision,
     .meaning = "divexact: per lane TFLM's rounded division by the in-image tap count (muluh by a reciprocal "
                "standing in for esp-nn's QUOS), then EE.VMIN.S32 / EE.VMAX.S32"},
};

std::optional<Rejection> avgpool_espnn_legal(const Layer& layer, const Variant& variant);
GeneratedKernel avgpool_espnn_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
