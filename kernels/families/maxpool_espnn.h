// MAX_POOL_2D family "maxpool_espnn": the baseline rebuilt loop by loop from esp-nn's S3 max pool,
// esp_nn_max_pool_s8_esp32s3 (espressif/esp-nn src/pooling/esp_nn_max_pool_s8_esp32s3.S, read at
// 598a8d2e67c5ce82fb153d9442b6e16fd510b1df, the only version of that file in the index; the
// 2026 d45b843 tree the dispatcher follows wraps only the average pool in C). Kept to compare
// against (never the goal). Names: maxpool_qs8_espnn_1p{8,4}c_u1__pie_clipped_vclamp.
//
// esp-nn's structure, modelled per loop (the code below, not a copy of it):
//   entry: channels % 8 == 0 -> the 8-channel path, else % 4 == 0 -> the 4-channel path, else
//     return (no output: rule "espnn_channels"); -128, act_min, act_max broadcast with VLDBC.8.
//   out_y loop (counter and limits in stack slots): filter_y_start = max(0, -base_y) and
//     filter_y_end = min(filter_ht, input_ht - base_y) computed per output row, the end kept in a15.
//   out_x loop (stack-slot counter): filter_x_start/end, the tap count, the first tap column and
//     the output pointers recomputed per output pixel and spilled to stack slots.
//   channel loop (8 or 4 channels, closed by blt on the output pointer): the running max starts
//     as the -128 vector (mv.qr); per in-image filter row a scalar address computation
//     (2 l32i + 2 mull + adds, stride and offsets reloaded from the stack) then a LOOPGTZ over
//     the in-image taps: 8-channel EE.VLD.L.64.IP (4-channel: EE.VLDBC.32) + add + EE.VMAX.S8.
//     Then EE.VMIN.S8 / EE.VMAX.S8 against the bounds and EE.VST.L.64.IP (4-channel: movi.32.a +
//     s32i), the channel offset and output pointer kept in stack slots.
// The caller: esp-nn's prototype takes 6 register and 9 stack arguments; the generated function
// stores the stack ones once and runs the body once per batch (assumed: esp-tflite-micro's
// kernels/esp_nn/pooling.cc loops over batches around the call; not re-read for this family).
// Approximations, all of layout only: the window clipping is computed at run time as esp-nn does,
// but the output rows and columns are emitted as runs of pixels with the same clipped window
// (a counted loop per run, the limit in a stack slot) so every loop has a static trip count; loops
// are laid out test-at-bottom (esp-nn's rotated `j` entries become fall-through) and never-taken
// guards keep esp-nn's branches as not-taken branches. esp-nn's 4-channel path replaces the
// act_min bound by `vmax q5,q5,q5` (it ignores activation_min); the kernel keeps TFLM's result
// with the same instruction (EE.VMAX.S8 against the act_min vector).
// Legality rules: types, quantization (as maxpool_vmax), espnn_channels (the channels parameter
// is esp-nn's chunk: 8 when channels % 8 == 0, else 4 when channels % 4 == 0), empty_window.
// No constants, no scratch.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "kernels/families/family_support.h"
#include "model/ir/builder.h"

namespace pietune::kernels::families {

inline constexpr ParamValue kEspnnPoolChannels[] = {number_value(4), number_value(8)};
inline constexpr ParamValue kClippedPath[] = {word_value("clipped")};
inline constexpr ParamValue kEspnnVectorClamp[] = {word_value("vclamp")};

inline constexpr ParamSpec kMaxpoolEspnnParams[] = {
    {.name = "pixels", .role = ParamRole::kTile, .suffix = "p", .domain = kOne, .meaning = "output pixels per pass"},
    {.name = "channels", .role = ParamRole::kTile, .suffix = "c", .domain = kEspnnPoolChannels,
     .meaning = "esp-nn's channel chunk: 8 (EE.VLD.L.64) when channels % 8 == 0, else 4 (EE.VLDBC.32)"},
    {.name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kOne,
     .meaning = "one tap per LOOPGTZ iteration, as esp-nn"},
    {.name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kClippedPath,
     .meaning = "clipped: the window clipped to the image per output pixel, read in place (no bordered copy)"},
    {.name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kEspnnVectorClamp,
     .meaning = "vclamp: EE.VMIN.S8 / EE.VMAX.S8 against broadcast activation bounds"},
};

std::optional<Rejection> maxpool_espnn_legal(const Layer& layer, const Variant& variant);
GeneratedKernel maxpool_espnn_generate(const Layer& layer, const Variant& variant);

// What maxpool_espnn and avgpool_espnn share: esp-nn's two pools have the same outer structure
// (stack arguments, out_y / out_x loops with per-row / per-pixel clipping, channel loop).
namespace espnn_pool {

// Frame offsets from a1 (entry a1, kFrameBytes); a1 + 0..15 stay free (window save area).
enum Offset : int {
  kTemp = 16,  // 8 bytes: the 4-channel average pool's EE.VST.L.64 bounce
  kI8Min = 24, kOutW = 28, kYStart = 32, kPixelEnd = 36, kOutPtr = 40, kChannelOffset = 44, kXFirst = 48,
  kXCount = 52, kOy = 56, kInWPad = 60, kNegBaseY = 64, kYLimit = 68, kOutRow = 72, kNegPadW = 76,
  kRowBytes = 80, kOx = 84, kOutH = 88, kXEnd = 92, kNegBaseX = 96, kXLimit = 100, kBaseX = 104, kOutPixel = 108,
  // esp-nn's stack arguments, stored by the wrapper (the bounds first: addi reaches them from a1
  // for the broadcast loads).
  kActMin = 112, kActMax = 116, kStrideW = 120, kStrideH = 124, kFilterW = 128, kFilterH = 132, kPadW = 136,
  kPadH = 140, kChannels = 144,
  // Slots after them, and the wrapper's and the run layout's own words.
  kBaseY = 148, kOut = 152, kBatch = 156, kBatchIn = 160, kBatchOut = 164, kXRunEnd = 168, kYRunEnd = 172,
  kTable = 176,
  kFrameBytes = 192,
};

// A run of consecutive outputs along one axis whose window is clipped alike: outputs
// [begin, end) read taps [start, stop) of the kernel.
struct Run {
  int begin = 0, end = 0, start = 0, stop = 0;
};
std::vector<Run> clipped_runs(int out, int stride, int pad, int kernel, int in);

// Rules types, quantization, espnn_channels, empty_window ("max" or "average" in the texts).
std::optional<Rejection> check_pool(const Layer& layer, const Variant& variant, bool average);

// Frame words at a1 + offset (l32i / s32i), shared by both pools' code.
void load(model::FunctionBuilder& b, int reg, int offset);
void store(model::FunctionBuilder& b, int reg, int offset);
// Shared by both pools' channel chunks (esp-nn's loops are alike there): a2 = the row's first
// in-image tap (input a12 + (x_first + row a10) * channels a5 + channel offset), a3 = its tap count.
void emit_tap_row_start(model::FunctionBuilder& b);
// esp-nn's channel chunk for the layer: 8, 4, or 0 (esp-nn writes nothing).
int espnn_chunk(int channels);

// The chunk body: runs once per channel chunk of an output pixel, with a15 = filter_y_end,
// a6 / a7 = filter_x_start / end, a12 = the input, a11 = input_wd, a5 = channels; `rows` and
// `taps` are the in-image filter rows and taps per row of the pixels of this run. It ends with
// a8 = the next output pointer and a9 = the pixel's end (the channel loop's blt).
using ChunkFn = std::function<void(model::FunctionBuilder& b, int rows, int taps)>;

struct PoolCode {
  std::function<void(model::FunctionBuilder& b)> save_call_block;   // before a4 is reused (call block words)
  std::function<void(model::FunctionBuilder& b)> vector_constants;  // after the channels are in a5
  ChunkFn chunk;
  int chunk_channels = 8;
};

// The function: wrapper (stack arguments, batch loop) and esp-nn's outer loops around `code`.
GeneratedKernel generate_pool(const Layer& layer, const Variant& variant, const PoolCode& code);

}  // namespace espnn_pool
}  // namespace pietune::kernels::families
