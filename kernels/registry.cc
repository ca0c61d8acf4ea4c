// The family rows. This array is the only list of variant families (STYLE §3): enumeration,
// verification, the CLI, tests and benchmarks iterate it.
#include "kernels/registry.h"

#include <fmt/format.h>

#include "kernels/families/add_vec.h"
#include "kernels/families/avgpool_qacc.h"
#include "kernels/families/conv_accx.h"
#include "kernels/families/conv_espnn.h"
#include "kernels/families/conv_first.h"
#include "kernels/families/conv_pw.h"
#include "kernels/families/conv_qacc.h"
#include "kernels/families/dwconv_espnn.h"
#include "kernels/families/dwconv_qacc.h"
#include "kernels/families/dwconv_s16.h"
#include "kernels/families/fc_accx.h"
#include "kernels/families/fc_qacc.h"
#include "kernels/families/maxpool_vmax.h"
#include "kernels/families/mul_vec.h"
#include "kernels/families/pix_lanes.h"

namespace pietune::kernels {
namespace {

using namespace families;

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
     .version = 1,
     .prefix = "conv_qs8_espnn",
     .summary = "baseline with esp-nn's structure: per filter row an unaligned ACCX dot product and SRS.ACCX, "
                "scalar sum and requantization",
     .baseline = true,
     .params = kConvEspnnParams,
     .candidates = nullptr,
     .legal = &conv_espnn_legal,
     .generate = &conv_espnn_generate},
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
     .params = kPixParams,
     .candidates = nullptr,
     .legal = &pix_lanes_legal,
     .generate = &pix_lanes_generate},
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
     .params = kDwconvEspnnParams,
     .candidates = nullptr,
     .legal = &dwconv_espnn_legal,
     .generate = &dwconv_espnn_generate},
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
    {.name = "maxpool_vmax",
     .op = OpKind::kMaxPool2d,
     .version = 1,
     .prefix = "maxpool_qs8_vmax",
     .summary = "16 channels per vector, EE.VMAX.S8 over the taps, vector activation clamp",
     .params = kMaxpoolVmaxParams,
     .candidates = nullptr,
     .legal = &maxpool_vmax_legal,
     .generate = &maxpool_vmax_generate},
    {.name = "avgpool_qacc",
     .op = OpKind::kAveragePool2d,
     .version = 1,
     .prefix = "avgpool_qs8_qacc",
     .summary = "16 channels of window sums in QACC lanes, exact rounded division by the in-image tap count",
     .params = kAvgpoolQaccParams,
     .candidates = nullptr,
     .legal = &avgpool_qacc_legal,
     .generate = &avgpool_qacc_generate},
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
};

}  // namespace

std::span<const FamilySpec> all_families() { return kFamilies; }

ActivationLayout variant_activation_layout(const Variant& variant) {
  const ParamValue* value = variant.find_param("activations");
  return value && value->word == "nchw" ? ActivationLayout::kNchw : ActivationLayout::kNhwc;
}

std::optional<Rejection> check_legal(const FamilySpec& family, const Layer& layer, const Variant& variant) {
  const ActivationLayout wanted = variant_activation_layout(variant);
  if (wanted != layer.options.layout)
    return Rejection{"activation_layout",
                     fmt::format("the layer's activations are {}, the variant takes {} (a transpose of the input "
                                 "and the output that no kernel does)",
                                 to_string(layer.options.layout), to_string(wanted))};
  return family.legal(layer, variant);
}

const FamilySpec* find_family(std::string_view name) {
  for (const FamilySpec& f : kFamilies)
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace pietune::kernels
