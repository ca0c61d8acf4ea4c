// What the family generators share: layer geometry, the common legality rules, constant data
// taken from the layer through the reference API, and the parameter domains.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kernels/layer.h"
#include "kernels/codegen/requant_srcmb.h"
#include "kernels/reference/channel_quantization.h"
#include "kernels/registry.h"
#include "kernels/variant.h"

namespace pietune::kernels::families {

// Spatial geometry of a CONV_2D / DEPTHWISE_CONV_2D layer. bottom/right are the border the taps
// actually reach past the image ((out - 1) * stride + (k - 1) * dilation + 1 - top - in, at
// least 0), which may be less than the TFLite pad amounts of a VALID layer with leftover pixels.
struct ConvGeometry {
  int batches = 1, in_h = 0, in_w = 0, in_c = 0;
  int out_h = 0, out_w = 0, out_c = 0;
  int kernel_h = 0, kernel_w = 0, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int top = 0, left = 0, bottom = 0, right = 0;

  bool needs_border() const { return top + left + bottom + right > 0; }
  std::int64_t taps() const { return std::int64_t{kernel_h} * kernel_w; }
};

ConvGeometry conv_geometry(const Layer& layer);

// A FULLY_CONNECTED layer as [batches, depth] x [units, depth]^T.
struct FcShape {
  int batches = 0, depth = 0, units = 0;
};

FcShape fc_shape(const Layer& layer);

// The rules every FULLY_CONNECTED family shares: types, weights of rank 2 ([units, depth]),
// weights_zero_point (only the input offset is folded), shift_range.
std::optional<Rejection> check_fc_common(const Layer& layer);

// Rule "types": int8 input, output and weights, int32 bias (or none), weights present.
std::optional<Rejection> check_types(const Layer& layer);
// Rule "shift_range": every multiplier shift inside the scalar epilogue's -31..31.
std::optional<Rejection> check_shift_range(const reference::ChannelQuantization& q);
// Rules "types" (int8 input and output) and "quantization" (equal input and output scale and zero
// point: a MAX_POOL_2D or AVERAGE_POOL_2D kernel does not requantize).
std::optional<Rejection> check_pool_quantization(const Layer& layer);
// The in-image taps of output (oy, ox)'s pooling window, as the reference clips it (an average
// pool's divisor).
int pool_window_taps(const ConvGeometry& g, int oy, int ox);

// The layer's weights as int8 and bias as int32 (zeros when absent), from its constant data
// (InputError "...: weights: no constant data" when absent). A FULLY_CONNECTED reading an NCHW
// input gets its columns in that input's order (kernels/layout_order.h flattens_nchw).
std::vector<std::int8_t> weights_int8(const Layer& layer);
std::vector<std::int32_t> bias_int32(const Layer& layer, std::int64_t channels);

// The accumulator correction of a kernel that multiplies raw input values: bias - zp * Σw, in
// wrapping 32-bit arithmetic as TFLM's int32 accumulator (Σw over the channel's weights).
inline std::int32_t fold_input_offset(std::int32_t bias, std::uint32_t weight_sum, std::int32_t zp) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(bias) - static_cast<std::uint32_t>(zp) * weight_sum);
}

// Appends the little-endian bytes of an int32.
void append_int32(std::vector<std::uint8_t>& out, std::int32_t value);

inline std::int64_t round_up(std::int64_t value, std::int64_t step) { return (value + step - 1) / step * step; }

// A one-function Program named `symbol`.
model::Program single_function_program(model::Function function);

// Rule "qacc_lane_range": 8-bit MACs into 20-bit QACC lanes saturate at -2^19..2^19-1. With raw
// inputs in -128..127, every partial sum of lane c lies in [-(128 P + 127 N), 127 P + 128 N],
// P = Σ of its positive weights, N = Σ|negative weights| over its `terms` products; without weight
// data |w| = 127 is assumed. weight(c, t) gives the t-th weight of lane c.
std::optional<Rejection> check_qacc_lane_range(int channels, std::int64_t terms, const char* terms_name,
                                               const std::function<int(int, std::int64_t)>& weight, bool have_data);

// Largest scratch buffer a generated kernel may ask for (it must fit in PSRAM next to the tensors).
inline constexpr std::int64_t kMaxScratchBytes = std::int64_t{8} << 20;
std::optional<Rejection> check_scratch(std::int64_t bytes, const char* what);

// Parameter domains shared by the families.
inline constexpr ParamValue kOne[] = {number_value(1)};
inline constexpr ParamValue kSixteen[] = {number_value(16)};
inline constexpr ParamValue kUnrolls[] = {number_value(1), number_value(2), number_value(4)};
inline constexpr ParamValue kScalarEpilogue[] = {word_value("rqscalar")};
inline constexpr std::string_view kEpilogueMeaning =
    "rqscalar: exact TFLM double rounding per output with base Xtensa (mull/mulsh)";
// Families with 16 channels in the 20-bit QACC lanes can also requantize with SRCMB.
inline constexpr ParamValue kQaccEpilogues[] = {word_value("rqscalar"), word_value("srcmb")};
inline constexpr std::string_view kQaccEpilogueMeaning =
    "rqscalar: exact TFLM double rounding per output with base Xtensa (mull/mulsh); srcmb: 16 outputs at once "
    "with EE.SRCMB.S8.QACC and a preloaded rounding term, exact when every multiplier is the same power of two";

// Families with 8 accumulators in the 40-bit QACC lanes can also requantize them together.
inline constexpr ParamValue kVectorEpilogues[] = {word_value("rqscalar"), word_value("rqvec")};
inline constexpr std::string_view kVectorEpilogueMeaning =
    "rqscalar: exact TFLM double rounding per output with base Xtensa (mull/mulsh); rqvec: exact, 8 outputs at "
    "once from 16-bit digit products in the 40-bit QACC lanes";

// Range of the MAC partial sums of `channels` lanes over `terms` raw int8 inputs in -128..127 and
// their weights: weight(c, t) gives the t-th weight of lane c; without weight data |w| = 127.
std::vector<codegen::LaneSpan> qacc_partial_spans(int channels, std::int64_t terms,
                                                    const std::function<int(int, std::int64_t)>& weight, bool have_data);

}  // namespace pietune::kernels::families
