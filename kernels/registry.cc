// The family rows. This array is the only list of variant families (STYLE §3): enumeration,
// verification, the CLI, tests and benchmarks iterate it.
#include "kernels/registry.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "kernels/baselines/espnn/dispatch.h"

#include "kernels/families/add_espnn.h"
#include "kernels/families/add_vec.h"
#include "kernels/families/avgpool_espnn.h"
#include "kernels/families/avgpool_qacc.h"
#include "kernels/families/conv_accx.h"
#include "kernels/families/conv_espnn.h"
#include "kernels/families/conv_espnn_1x1.h"
#include "kernels/families/conv_espnn_im2col.h"
#include "kernels/families/conv_first.h"
#include "kernels/families/conv_pw.h"
#include "kernels/families/conv_pwpix.h"
#include "kernels/families/conv_qacc.h"
#include "kernels/families/dwconv_espnn.h"
#include "kernels/families/dwconv_espnn_s16.h"
#include "kernels/families/dwconv_qacc.h"
#include "kernels/families/dwconv_s16.h"
#include "kernels/families/fc_accx.h"
#include "kernels/families/fc_espnn.h"
#include "kernels/families/fc_qacc.h"
#include "kernels/families/maxpool_espnn.h"
#include "kernels/families/maxpool_vmax.h"
#include "kernels/families/mul_espnn.h"
#include "kernels/families/mul_vec.h"
#include "kernels/families/pix_lanes.h"
#include "kernels/families/pool_pix.h"
#include "kernels/families/transpose_vec.h"
#include "kernels/layout_order.h"

namespace pietune::kernels {
namespace {

using namespace families;

constexpr std::string_view kConvEspnnKernels[] = {"esp_nn_conv_s8_filter_aligned_input_padded_esp32s3"};
constexpr std::string_view kConvEspnn1x1Kernels[] = {"esp_nn_conv_s8_mult8_1x1_esp32s3"};
constexpr std::string_view kConvEspnnIm2colKernels[] = {"esp_nn_conv_s8_im2col_s3"};
constexpr std::string_view kDwconvEspnnKernels[] = {"esp_nn_depthwise_conv_s8_mult1_3x3_padded_esp32s3"};
constexpr std::string_view kAddEspnnKernels[] = {"esp_nn_add_elementwise_s8_esp32s3"};
constexpr std::string_view kMulEspnnKernels[] = {"esp_nn_mul_elementwise_s8_esp32s3"};
constexpr std::string_view kFcEspnnKernels[] = {"esp_nn_dot_s8_unaligned_esp32s3", "esp_nn_fc_s16_esp32s3"};
constexpr std::string_view kDwconvEspnnS16Kernels[] = {
    "esp_nn_depthwise_conv_s16_mult1_3x3_esp32s3", "esp_nn_depthwise_conv_s16_mult1_esp32s3",
    "esp_nn_depthwise_conv_s16_mult8_3x3_esp32s3", "esp_nn_depthwise_conv_s16_mult8_esp32s3",
    "esp_nn_depthwise_conv_s16_mult4_esp32s3"};
constexpr std::string_view kMaxpoolEspnnKernels[] = {"esp_nn_max_pool_s8_esp32s3"};
constexpr std::string_view kAvgpoolEspnnKernels[] = {"esp_nn_avg_pool_s8_esp32s3"};

constexpr FamilySpec kFamilies[] = {
    {.name = "conv_accx",
     .op = OpKind::kConv2d,
     .version = 1,
     .prefix = "conv_qs8_accx",
     .summary = "ACCX dot product over the input channels of the window, one output pixel and channel at a time",
     .params = kConvAccxParams,
     .candidates = nullptr,
     .legal = &conv_accx_legal,
     .generate = &conv_accx_generate},
    {.name = "conv_qacc",
     .op = OpKind::kConv2d,
     .version = 1,
     .prefix = "conv_qs8_qacc",
     .summary = "QACC lanes over 16 output channels, each input byte broadcast to all lanes",
     .params = kConvQaccParams,
     .candidates = nullptr,
     .legal = &conv_qacc_legal,
     .generate = &conv_qacc_generate},
    {.name = "conv_pw",
     .op = OpKind::kConv2d,
     .version = 1,
     .prefix = "conv_qs8_pw",
     .summary = "pointwise matrix product: one output channel's weights held in q registers for a tile of pixels",
     .params = kConvPwParams,
     .candidates = nullptr,
     .legal = &conv_pw_legal,
     .generate = &conv_pw_generate},
    {.name = "conv_espnn",
     .op = OpKind::kConv2d,
     .version = 2,
     .prefix = "conv_qs8_espnn",
     .summary = "baseline with esp-nn's structure: per filter row an unaligned ACCX dot product and SRS.ACCX, "
                "scalar sum and requantization",
     .baseline = true,
     .espnn_kernels = kConvEspnnKernels,
     .params = kConvEspnnParams,
     .candidates = nullptr,
     .legal = &conv_espnn_legal,
     .generate = &conv_espnn_generate},
    {.name = "conv_espnn_1x1",
     .op = OpKind::kConv2d,
     .version = 1,
     .prefix = "conv_qs16_espnn1x1",
     .summary = "baseline with esp-nn's pointwise structure: 8 pixels transposed to int16, one filter tap "
                "broadcast per EE.VSMULAS into 8 40-bit QACC lanes, QACC spilled, esp-nn's 4-lane requantization",
     .baseline = true,
     .espnn_kernels = kConvEspnn1x1Kernels,
     .params = kConvEspnn1x1Params,
     .candidates = nullptr,
     .legal = &conv_espnn_1x1_legal,
     .generate = &conv_espnn_1x1_generate},
    {.name = "conv_espnn_im2col",
     .op = OpKind::kConv2d,
     .version = 1,
     .prefix = "conv_qs8_espnnim2col",
     .summary = "baseline with esp-nn's im2col structure: per pixel the window memcpy'd into an aligned row, per "
                "output channel a call to esp-nn's aligned ACCX dot product, C requantization",
     .baseline = true,
     .espnn_kernels = kConvEspnnIm2colKernels,
     .params = kConvEspnnIm2colParams,
     .candidates = nullptr,
     .legal = &conv_espnn_im2col_legal,
     .generate = &conv_espnn_im2col_generate},
    {.name = "conv_first",
     .op = OpKind::kConv2d,
     .version = 1,
     .prefix = "conv_qs8_first",
     .summary = "small-channel first layers: the window copied into an aligned row (im2col), or 4-byte pixels "
                "against a 4x4 zero-padded kernel, one aligned load per window row (pad4x4)",
     .params = kConvFirstParams,
     .candidates = nullptr,
     .legal = &conv_first_legal,
     .generate = &conv_first_generate},
    {.name = "conv_pix",
     .op = OpKind::kConv2d,
     .version = 2,
     .prefix = "conv_qs16_pix",
     .summary = "8 output pixels of one channel in 40-bit QACC lanes, each weight broadcast: any kernel and groups, "
                "NHWC or NCHW activations; one requantization slot per channel",
     .pixel_lanes = true,
     .params = kPixParams,
     .candidates = nullptr,
     .legal = &pix_lanes_legal,
     .generate = &pix_lanes_generate},
    {.name = "conv_pwpix",
     .op = OpKind::kConv2d,
     .version = 1,
     .prefix = "conv_qs16_pwpix",
     .summary = "pointwise: 8 pixels in 40-bit QACC lanes, each weight selected from a register lane with the next "
                "input row loaded in the same MAC; the bias as three taps; vector requantization from one 16-byte "
                "record per channel",
     .pixel_lanes = true,
     .params = kConvPwpixParams,
     .candidates = nullptr,
     .legal = &conv_pwpix_legal,
     .generate = &conv_pwpix_generate},
    {.name = "dwconv_qacc",
     .op = OpKind::kDepthwiseConv2d,
     .version = 1,
     .prefix = "dwconv_qs8_qacc",
     .summary = "QACC lanes over 16 channels, one output pixel at a time, taps as straight-line MACs",
     .params = kDwconvQaccParams,
     .candidates = nullptr,
     .legal = &dwconv_qacc_legal,
     .generate = &dwconv_qacc_generate},
    {.name = "dwconv_espnn",
     .op = OpKind::kDepthwiseConv2d,
     .version = 1,
     .prefix = "dwconv_qs8_espnn",
     .summary = "baseline with esp-nn's structure: 16 channels in QACC lanes, QACC spilled to memory, lanes "
                "unpacked and requantized in scalar code",
     .baseline = true,
     .espnn_kernels = kDwconvEspnnKernels,
     .params = kDwconvEspnnParams,
     .candidates = nullptr,
     .legal = &dwconv_espnn_legal,
     .generate = &dwconv_espnn_generate},
    {.name = "dwconv_espnn_s16",
     .op = OpKind::kDepthwiseConv2d,
     .version = 1,
     .prefix = "dwconv_qs16_espnn",
     .summary = "baseline with esp-nn's 16-bit depthwise structure: int16 copies in scratch, clipped window, "
                "8 (mult4: 4) 40-bit QACC lanes read through the stack, 4-lane ver1 requantization",
     .baseline = true,
     .espnn_kernels = kDwconvEspnnS16Kernels,
     .params = kDwconvEspnnS16Params,
     .candidates = nullptr,
     .legal = &dwconv_espnn_s16_legal,
     .generate = &dwconv_espnn_s16_generate},
    {.name = "dwconv_s16",
     .op = OpKind::kDepthwiseConv2d,
     .version = 2,
     .prefix = "dwconv_qs16_qacc",
     .summary = "8 channels in 40-bit QACC lanes over an int16 copy with the input offset added: no 20-bit "
                "lane-range limit",
     .params = kDwconvS16Params,
     .candidates = nullptr,
     .legal = &dwconv_s16_legal,
     .generate = &dwconv_s16_generate},
    {.name = "dwconv_pix",
     .op = OpKind::kDepthwiseConv2d,
     .version = 3,
     .prefix = "dwconv_qs16_pix",
     .summary = "8 output pixels of one channel in 40-bit QACC lanes, the weight broadcast: one requantization "
                "slot per channel; NHWC or NCHW activations",
     .pixel_lanes = true,
     .params = kPixParams,
     .candidates = nullptr,
     .legal = &pix_lanes_legal,
     .generate = &pix_lanes_generate},
    {.name = "fc_accx",
     .op = OpKind::kFullyConnected,
     .version = 1,
     .prefix = "fc_qs8_accx",
     .summary = "ACCX dot product per output unit over the input row",
     .params = kFcAccxParams,
     .candidates = nullptr,
     .legal = &fc_accx_legal,
     .generate = &fc_accx_generate},
    {.name = "fc_qacc",
     .op = OpKind::kFullyConnected,
     .version = 1,
     .prefix = "fc_qs8_qacc",
     .summary = "output units in the QACC lanes, each input element broadcast: 16 units in 8-bit lanes or 8 in "
                "16-bit lanes",
     .params = kFcQaccParams,
     .candidates = nullptr,
     .legal = &fc_qacc_legal,
     .generate = &fc_qacc_generate},
    {.name = "fc_espnn",
     .op = OpKind::kFullyConnected,
     .version = 1,
     .prefix = "fc_qs8_espnn",
     .summary = "baseline with esp-nn's structure: per output a call of the unaligned ACCX dot product, C tail "
                "and requantization; or the s16 kernel (sign-widened 8-element ACCX MACs) with any zero points",
     .baseline = true,
     .espnn_kernels = kFcEspnnKernels,
     .params = kFcEspnnParams,
     .candidates = nullptr,
     .legal = &fc_espnn_legal,
     .generate = &fc_espnn_generate},
    {.name = "maxpool_vmax",
     .op = OpKind::kMaxPool2d,
     .version = 1,
     .prefix = "maxpool_qs8_vmax",
     .summary = "16 channels per vector, EE.VMAX.S8 over the taps, vector activation clamp",
     .params = kMaxpoolVmaxParams,
     .candidates = nullptr,
     .legal = &maxpool_vmax_legal,
     .generate = &maxpool_vmax_generate},
    {.name = "maxpool_espnn",
     .op = OpKind::kMaxPool2d,
     .version = 1,
     .prefix = "maxpool_qs8_espnn",
     .summary = "baseline with esp-nn's structure: window clipped per output pixel, 8 (or 4) channels per "
                "EE.VMAX.S8 over the in-image taps, stack-slot loop state",
     .baseline = true,
     .espnn_kernels = kMaxpoolEspnnKernels,
     .params = kMaxpoolEspnnParams,
     .candidates = nullptr,
     .legal = &maxpool_espnn_legal,
     .generate = &maxpool_espnn_generate},
    {.name = "maxpool_pix",
     .op = OpKind::kMaxPool2d,
     .version = 1,
     .prefix = "maxpool_qs8_pix",
     .summary = "16 output pixels of one channel per vector from phase-split staged planes, EE.VMAX.S8 over the "
                "taps, vector clamp; NHWC or NCHW activations",
     .params = kMaxpoolPixParams,
     .candidates = nullptr,
     .legal = &pool_pix_legal,
     .generate = &pool_pix_generate},
    {.name = "avgpool_qacc",
     .op = OpKind::kAveragePool2d,
     .version = 1,
     .prefix = "avgpool_qs8_qacc",
     .summary = "16 channels of window sums in QACC lanes, exact rounded division by the in-image tap count",
     .params = kAvgpoolQaccParams,
     .candidates = nullptr,
     .legal = &avgpool_qacc_legal,
     .generate = &avgpool_qacc_generate},
    {.name = "avgpool_espnn",
     .op = OpKind::kAveragePool2d,
     .version = 1,
     .prefix = "avgpool_qs8_espnn",
     .summary = "baseline with esp-nn's structure: window clipped per output pixel, 8 (or 4) channels widened "
                "to 32-bit sums, per-lane scalar rounded division by the in-image tap count",
     .baseline = true,
     .espnn_kernels = kAvgpoolEspnnKernels,
     .params = kAvgpoolEspnnParams,
     .candidates = nullptr,
     .legal = &avgpool_espnn_legal,
     .generate = &avgpool_espnn_generate},
    {.name = "avgpool_pix",
     .op = OpKind::kAveragePool2d,
     .version = 1,
     .prefix = "avgpool_qs8_pix",
     .summary = "window sums of 16 output pixels of one channel in QACC lanes from phase-split staged planes, exact "
                "rounded division by each output's in-image tap count; NHWC or NCHW activations",
     .params = kAvgpoolPixParams,
     .candidates = nullptr,
     .legal = &pool_pix_legal,
     .generate = &pool_pix_generate},
    {.name = "add_vec",
     .op = OpKind::kAdd,
     .version = 1,
     .prefix = "add_qs8_vec",
     .summary = "element-wise, scalar exact requantization: per operand a 256-entry table of its scaled value "
                "(rqtable) or TFLM's three requantizations per element (rqscalar)",
     .params = kAddVecParams,
     .candidates = nullptr,
     .legal = &add_vec_legal,
     .generate = &add_vec_generate},
    {.name = "add_espnn",
     .op = OpKind::kAdd,
     .version = 1,
     .prefix = "add_qs8_espnn",
     .summary = "baseline with esp-nn's structure: 8 elements per iteration widened to s32 lanes, per-lane scalar "
                "high multiplies (three requantizations), vector rounding shift and clamp, scalar leftover loop",
     .baseline = true,
     .espnn_kernels = kAddEspnnKernels,
     .params = kAddEspnnParams,
     .candidates = nullptr,
     .legal = &add_espnn_legal,
     .generate = &add_espnn_generate},
    {.name = "mul_vec",
     .op = OpKind::kMul,
     .version = 1,
     .prefix = "mul_qs8_vec",
     .summary = "element-wise: 16 offset operands widened and multiplied to exact 32-bit products in vectors "
                "(16e) or scalar (1e), scalar exact requantization",
     .params = kMulVecParams,
     .candidates = nullptr,
     .legal = &mul_vec_legal,
     .generate = &mul_vec_generate},
    {.name = "mul_espnn",
     .op = OpKind::kMul,
     .version = 1,
     .prefix = "mul_qs8_espnn",
     .summary = "baseline with esp-nn's structure: 8 products per iteration from two EE.VMUL.S16, per-lane scalar "
                "high multiply, vector rounding shift and clamp, scalar LOOPGTZ leftover",
     .baseline = true,
     .espnn_kernels = kMulEspnnKernels,
     .params = kMulEspnnParams,
     .candidates = nullptr,
     .legal = &mul_espnn_legal,
     .generate = &mul_espnn_generate},
    {.name = "transpose_vec",
     .op = OpKind::kTranspose,
     .version = 1,
     .prefix = "transpose_qs8_vec",
     .summary = "batched matrix transpose of bytes: 16x8 blocks through three EE.VUNZIP.8 stages (unzip) or "
                "l8ui/s8i per element (bytes)",
     .params = kTransposeVecParams,
     .candidates = nullptr,
     .legal = &transpose_vec_legal,
     .generate = &transpose_vec_generate},
};

}  // namespace

std::span<const FamilySpec> all_families() { return kFamilies; }

ActivationLayout variant_activation_layout(const Variant& variant) {
  const ParamValue* value = variant.find_param("activations");
  return value && value->word == "nchw" ? ActivationLayout::kNchw : ActivationLayout::kNhwc;
}

std::optional<Rejection> check_legal(const FamilySpec& family, const Layer& layer, const Variant& variant) {
  const ActivationLayout wanted = variant_activation_layout(variant);
  // Element-wise layers are the same in both layouts; a FULLY_CONNECTED reading an NCHW input
  // differs only in its weights' column order, which every FC family takes (weights_int8).
  if (wanted != layer.options.layout && !layout_agnostic(layer) && !flattens_nchw(layer))
    return Rejection{"activation_layout",
                     fmt::format("the layer's activations are {}, the variant takes {} (a transpose of the input "
                                 "and the output that no kernel does)",
                                 to_string(layer.options.layout), to_string(wanted))};
  if (family.baseline) {
    const espnn::EspnnPath path = espnn::espnn_path(layer);
    if (std::find(family.espnn_kernels.begin(), family.espnn_kernels.end(), path.kernel) == family.espnn_kernels.end())
      return Rejection{"espnn_path", fmt::format("a baseline for {}; esp-nn runs {} on this layer",
                                                 fmt::join(family.espnn_kernels, ", "), espnn::espnn_path_text(path))};
  }
  return family.legal(layer, variant);
}

const FamilySpec* find_family(std::string_view name) {
  for (const FamilySpec& f : kFamilies)
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace pietune::kernels
