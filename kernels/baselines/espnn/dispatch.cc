// esp-nn's dispatch table (see the header). Read from the public sources to learn the conditions;
// every line here is our own. Sources, abbreviated in the rows:
//   [TFLM conv]  espressif/esp-tflite-micro tensorflow/lite/micro/kernels/esp_nn/conv.cc
//                (Eval, EvalQuantizedPerChannel); likewise depthwise_conv.cc, fully_connected.cc,
//                pooling.cc, add.cc, mul.cc, softmax.cc in the same folder.
//   [NN conv]    espressif/esp-nn src/convolution/esp_nn_conv_esp32s3.c, esp_nn_conv_s8_esp32s3()
//   [NN dw]      espressif/esp-nn src/convolution/esp_nn_depthwise_conv_s8_esp32s3.c,
//                esp_nn_depthwise_conv_s8_esp32s3()
//   [NN fc]      espressif/esp-nn src/fully_connected/esp_nn_fully_connected_esp32s3.c,
//                esp_nn_fully_connected_s8_esp32s3() (and the per-channel twin)
// Later esp-nn commits add paths this table leaves out on purpose (it follows d45b843, the commit
// research/s3_isa_facts.md §7 and the published timings describe): a re-enabled 3x3 conv path
// (esp_nn_conv_s8_3x3_can_use), an int8 (K,1) depthwise path for width-1 tensors, and an empirical
// row_len threshold between the two fully connected paths.
#include "kernels/baselines/espnn/dispatch.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

namespace pietune::kernels::espnn {
namespace {

int dim(const TensorDesc& t, std::size_t i) { return i < t.shape.size() ? t.shape[i] : 0; }

bool is_int8(ElementType t) { return t == ElementType::kInt8; }

// ---- shared wording ------------------------------------------------------------------------------

std::string kernel_size(const DispatchFacts& f) { return fmt::format("{}x{}", f.filter_h, f.filter_w); }

std::string types_text(const DispatchFacts& f) {
  return fmt::format("input {}, filter {}", to_string(f.input_type), to_string(f.weight_type));
}

bool is_3x3(const DispatchFacts& f) { return f.filter_w == 3 && f.filter_h == 3; }
bool pointwise_stride1_pad0(const DispatchFacts& f) {
  return f.filter_w == 1 && f.filter_h == 1 && f.pad_wd == 0 && f.pad_ht == 0 && f.stride_w == 1 && f.stride_h == 1;
}
int filter_row_bytes(const DispatchFacts& f) { return f.filter_w * f.in_ch; }
int window_bytes(const DispatchFacts& f) { return f.filter_w * f.filter_h * f.in_ch; }
int round_up(int v, int m) { return (v + m - 1) / m * m; }

// [NN dw] pads the input into scratch whole when it fits 40 KB, otherwise in row strips.
std::string dw_padded_copy_text(const DispatchFacts& f) {
  const long long bytes = 1LL * (f.in_w + 2 * f.pad_wd) * (f.in_h + 2 * f.pad_ht) * f.in_ch;
  return bytes <= 40 * 1024 ? fmt::format("input padded into scratch whole ({} bytes <= 40 KB)", bytes)
                            : fmt::format("input padded into scratch in row strips ({} bytes > 40 KB)", bytes);
}

// [NN dw] converts to int16 whole when 2 * (filter + input) fits 48 KB, otherwise per output row.
std::string dw_s16_copy_text(const DispatchFacts& f) {
  const long long bytes =
      2LL * (1LL * f.filter_w * f.filter_h * f.in_ch * f.ch_mult + 1LL * f.in_w * f.in_h * f.in_ch);
  return bytes <= 48 * 1024 ? fmt::format("s8->s16 copies whole ({} bytes <= 48 KB)", bytes)
                            : fmt::format("s8->s16 copies per output row ({} bytes > 48 KB)", bytes);
}

std::string reference_because(std::string_view why) { return fmt::format("{}: TFLM reference op", why); }

// ---- the table -----------------------------------------------------------------------------------

constexpr std::string_view kTflmConv = "esp-tflite-micro kernels/esp_nn/conv.cc Eval, EvalQuantizedPerChannel";
constexpr std::string_view kTflmDw =
    "esp-tflite-micro kernels/esp_nn/depthwise_conv.cc Eval, EvalQuantizedPerChannel";
constexpr std::string_view kNnConv = "esp-nn src/convolution/esp_nn_conv_esp32s3.c esp_nn_conv_s8_esp32s3";
constexpr std::string_view kNnDw =
    "esp-nn src/convolution/esp_nn_depthwise_conv_s8_esp32s3.c esp_nn_depthwise_conv_s8_esp32s3";
constexpr std::string_view kNnFc =
    "esp-nn src/fully_connected/esp_nn_fully_connected_esp32s3.c esp_nn_fully_connected_s8_esp32s3";

const std::array kRules = std::to_array<DispatchRule>({
    // CONV_2D --------------------------------------------------------------------------------------
    {OpKind::kConv2d, "", "", false, "input or filter not int8, or tensors not 4-D", kTflmConv,
     [](const DispatchFacts& f) { return !f.shapes_known || !is_int8(f.input_type) || !is_int8(f.weight_type); },
     [](const DispatchFacts& f) { return reference_because(f.shapes_known ? types_text(f) : "tensors not 4-D"); }},
    {OpKind::kConv2d, "", "", false, "dilation != 1", kTflmConv,
     [](const DispatchFacts& f) { return f.dilation_w != 1 || f.dilation_h != 1; },
     [](const DispatchFacts& f) {
       return reference_because(fmt::format("dilation {}x{} != 1", f.dilation_h, f.dilation_w));
     }},
    {OpKind::kConv2d, "", "esp_nn_conv_s8_ansi", true, "grouped: in_ch != filter channels", kNnConv,
     [](const DispatchFacts& f) { return f.in_ch != f.filter_ch; },
     [](const DispatchFacts& f) {
       return fmt::format("grouped: in_ch {} != filter channels {}: ANSI C", f.in_ch, f.filter_ch);
     }},
    {OpKind::kConv2d, "", "esp_nn_conv_s8_mult8_1x1_esp32s3", false, "1x1, pad 0, stride 1, in_ch % 8 == 0",
     kNnConv, [](const DispatchFacts& f) { return pointwise_stride1_pad0(f) && f.in_ch % 8 == 0; },
     [](const DispatchFacts& f) { return fmt::format("1x1, pad 0, stride 1, in_ch {} % 8 == 0", f.in_ch); }},
    {OpKind::kConv2d, "", "esp_nn_conv_s8_1x1", false, "1x1, pad 0, stride 1, in_ch % 8 != 0 (C + inline asm)",
     kNnConv, [](const DispatchFacts& f) { return pointwise_stride1_pad0(f); },
     [](const DispatchFacts& f) { return fmt::format("1x1, pad 0, stride 1, in_ch {} % 8 != 0", f.in_ch); }},
    {OpKind::kConv2d, "", "esp_nn_conv_s8_im2col_s3", false,
     "filter_wd * in_ch < 16 and filter_wd * filter_ht * in_ch >= 16 (im2col + esp_nn_dot_s8_aligned_esp32s3)",
     kNnConv, [](const DispatchFacts& f) { return filter_row_bytes(f) < 16 && window_bytes(f) >= 16; },
     [](const DispatchFacts& f) {
       return fmt::format("{}, filter row {}x{} = {} < 16 bytes, window {} >= 16: im2col rows of {} bytes",
                          kernel_size(f), f.filter_w, f.in_ch, filter_row_bytes(f), window_bytes(f),
                          round_up(window_bytes(f), 16));
     }},
    {OpKind::kConv2d, "", "esp_nn_conv_s8_filter_aligned_input_padded_esp32s3", false,
     "every other shape: filter rows zero-padded to 16 bytes, input padded with -input_offset when needed",
     kNnConv, [](const DispatchFacts&) { return true; },
     [](const DispatchFacts& f) {
       const int row = filter_row_bytes(f);
       std::string r = fmt::format("{}, stride {}x{}, ", kernel_size(f), f.stride_h, f.stride_w);
       r += row % 16 == 0 ? fmt::format("filter row {} bytes (16-byte multiple)", row)
                          : fmt::format("filter row {} bytes padded to {}", row, round_up(row, 16));
       if (f.pad_wd || f.pad_ht || f.pad_right > 0 || f.pad_bottom > 0)
         r += fmt::format(", input padded (top {}, bottom {}, left {}, right {})", f.pad_ht, f.pad_bottom, f.pad_wd,
                          f.pad_right);
       const long long filter_elems = 1LL * window_bytes(f) * f.out_ch;
       if (f.input_offset != 0 && filter_elems > 16384)
         r += fmt::format(", offset corrections precomputed in C ({} filter elements > 16384)", filter_elems);
       return r;
     }},

    // DEPTHWISE_CONV_2D ----------------------------------------------------------------------------
    {OpKind::kDepthwiseConv2d, "", "", false, "input or filter not int8, or tensors not 4-D", kTflmDw,
     [](const DispatchFacts& f) { return !f.shapes_known || !is_int8(f.input_type) || !is_int8(f.weight_type); },
     [](const DispatchFacts& f) { return reference_because(f.shapes_known ? types_text(f) : "tensors not 4-D"); }},
    {OpKind::kDepthwiseConv2d, "", "", false, "dilation != 1", kTflmDw,
     [](const DispatchFacts& f) { return f.dilation_w != 1 || f.dilation_h != 1; },
     [](const DispatchFacts& f) {
       return reference_because(fmt::format("dilation {}x{} != 1", f.dilation_h, f.dilation_w));
     }},
    {OpKind::kDepthwiseConv2d, "", "esp_nn_depthwise_conv_s8_mult1_3x3_padded_esp32s3", false,
     "ch_mult 1, 3x3, ch % 16 == 0, pad 1,1", kNnDw,
     [](const DispatchFacts& f) {
       return f.ch_mult == 1 && is_3x3(f) && f.in_ch % 16 == 0 && f.pad_wd == 1 && f.pad_ht == 1;
     },
     [](const DispatchFacts& f) {
       return fmt::format("ch_mult 1, 3x3, ch {} % 16 == 0, pad 1,1: {}", f.in_ch, dw_padded_copy_text(f));
     }},
    {OpKind::kDepthwiseConv2d, "", "esp_nn_depthwise_conv_s8_mult1_3x3_padded_esp32s3", false,
     "ch_mult 1, 3x3, ch % 16 == 0, pad 0,0 (right/bottom end padding when the last window overhangs)", kNnDw,
     [](const DispatchFacts& f) {
       return f.ch_mult == 1 && is_3x3(f) && f.in_ch % 16 == 0 && f.pad_wd == 0 && f.pad_ht == 0;
     },
     [](const DispatchFacts& f) {
       // [NN dw] end padding: (out * stride + filter - 1) - in, per axis.
       const int right = f.out_w * f.stride_w + 2 - f.in_w, bottom = f.out_h * f.stride_h + 2 - f.in_h;
       return fmt::format("ch_mult 1, 3x3, ch {} % 16 == 0, pad 0,0: {}", f.in_ch,
                          right || bottom ? fmt::format("input end-padded (right {}, bottom {})", right, bottom)
                                          : std::string("input used in place"));
     }},
    {OpKind::kDepthwiseConv2d, "", "esp_nn_depthwise_conv_s8_mult1_3x3_padded_esp32s3", false,
     "ch_mult 1, 3x3, ch % 8 == 0, ch >= 12, not one of the two rows above: channels padded to 16, output compacted",
     kNnDw, [](const DispatchFacts& f) { return f.ch_mult == 1 && is_3x3(f) && f.in_ch % 8 == 0 && f.in_ch >= 12; },
     [](const DispatchFacts& f) {
       const std::string why = f.in_ch % 16 != 0 ? fmt::format("ch {} % 16 != 0", f.in_ch)
                                                 : fmt::format("pad {},{} neither 0,0 nor 1,1", f.pad_ht, f.pad_wd);
       return fmt::format("ch_mult 1, 3x3, ch {} % 8 == 0, {}, ch >= 12: channels padded to {}, output compacted",
                          f.in_ch, why, round_up(f.in_ch, 16));
     }},
    {OpKind::kDepthwiseConv2d, "", "esp_nn_depthwise_conv_s16_mult1_3x3_esp32s3", false,
     "ch_mult 1, 3x3, ch % 8 == 0, ch < 12 (ch 8)", kNnDw,
     [](const DispatchFacts& f) { return f.ch_mult == 1 && is_3x3(f) && f.in_ch % 8 == 0; },
     [](const DispatchFacts& f) {
       return fmt::format("ch_mult 1, 3x3, ch {} % 8 == 0, ch < 12: s8->s16 copies", f.in_ch);
     }},
    {OpKind::kDepthwiseConv2d, "", "esp_nn_depthwise_conv_s16_mult1_esp32s3", false,
     "ch_mult 1, not 3x3, ch % 8 == 0", kNnDw, [](const DispatchFacts& f) { return f.ch_mult == 1 && f.in_ch % 8 == 0; },
     [](const DispatchFacts& f) {
       return fmt::format("ch_mult 1, {}, ch {} % 8 == 0: {}", kernel_size(f), f.in_ch, dw_s16_copy_text(f));
     }},
    {OpKind::kDepthwiseConv2d, "", "esp_nn_depthwise_conv_s16_mult1_esp32s3", false,
     "ch_mult 1, ch % 8 != 0, ch > 3: channels padded to a multiple of 8, s8->s16 copies", kNnDw,
     [](const DispatchFacts& f) { return f.ch_mult == 1 && f.in_ch > 3; },
     [](const DispatchFacts& f) {
       return fmt::format("ch_mult 1, {}, ch {} % 8 != 0, ch > 3: channels padded to {}, s8->s16 copies",
                          kernel_size(f), f.in_ch, round_up(f.in_ch, 8));
     }},
    {OpKind::kDepthwiseConv2d, "", "esp_nn_depthwise_conv_s16_mult8_3x3_esp32s3", false, "ch_mult % 8 == 0, 3x3",
     kNnDw, [](const DispatchFacts& f) { return f.ch_mult % 8 == 0 && is_3x3(f); },
     [](const DispatchFacts& f) {
       return fmt::format("ch_mult {} % 8 == 0, 3x3, ch {}: s8->s16 copies", f.ch_mult, f.in_ch);
     }},
    {OpKind::kDepthwiseConv2d, "", "esp_nn_depthwise_conv_s16_mult8_esp32s3", false, "ch_mult % 8 == 0, not 3x3",
     kNnDw, [](const DispatchFacts& f) { return f.ch_mult % 8 == 0; },
     [](const DispatchFacts& f) {
       return fmt::format("ch_mult {} % 8 == 0, {}, ch {}: s8->s16 copies", f.ch_mult, kernel_size(f), f.in_ch);
     }},
    {OpKind::kDepthwiseConv2d, "", "esp_nn_depthwise_conv_s16_mult4_esp32s3", false, "ch_mult % 4 == 0", kNnDw,
     [](const DispatchFacts& f) { return f.ch_mult % 4 == 0; },
     [](const DispatchFacts& f) {
       return fmt::format("ch_mult {} % 4 == 0, {}, ch {}: s8->s16 copies", f.ch_mult, kernel_size(f), f.in_ch);
     }},
    {OpKind::kDepthwiseConv2d, "", "esp_nn_depthwise_conv_s8_opt", true,
     "every other multiplier, or ch_mult 1 with ch <= 3: portable C", kNnDw, [](const DispatchFacts&) { return true; },
     [](const DispatchFacts& f) {
       return f.ch_mult == 1 ? fmt::format("ch_mult 1, ch {} <= 3: C fallback", f.in_ch)
                             : fmt::format("ch_mult {} not 1 and not a multiple of 4: C fallback", f.ch_mult);
     }},

    // FULLY_CONNECTED ------------------------------------------------------------------------------
    {OpKind::kFullyConnected, "", "", false, "input or filter not int8",
     "esp-tflite-micro kernels/esp_nn/fully_connected.cc Eval",
     [](const DispatchFacts& f) { return !is_int8(f.input_type) || !is_int8(f.weight_type); },
     [](const DispatchFacts& f) { return reference_because(types_text(f)); }},
    {OpKind::kFullyConnected, "", "esp_nn_dot_s8_unaligned_esp32s3", false,
     "filter_offset == 0, row_len >= 16 (input 16-byte aligned in the TFLM arena): one dot product per output",
     kNnFc, [](const DispatchFacts& f) { return f.filter_offset == 0 && f.row_len >= 16; },
     [](const DispatchFacts& f) {
       return fmt::format("filter_offset 0, row_len {} >= 16: {} x 16-byte chunks{} per output", f.row_len,
                          f.row_len / 16, f.row_len % 16 ? fmt::format(" + {} scalar", f.row_len % 16) : "");
     }},
    {OpKind::kFullyConnected, "", "esp_nn_fc_s16_esp32s3", false, "filter_offset != 0 or row_len < 16", kNnFc,
     [](const DispatchFacts&) { return true; },
     [](const DispatchFacts& f) {
       return f.filter_offset != 0 ? fmt::format("filter_offset {} != 0: s16 path", f.filter_offset)
                                   : fmt::format("row_len {} < 16: s16 path", f.row_len);
     }},

    // Pools, element-wise, softmax ---------------------------------------------------------------
    {OpKind::kMaxPool2d, "", "", false, "input not int8", "esp-tflite-micro kernels/esp_nn/pooling.cc",
     [](const DispatchFacts& f) { return !is_int8(f.input_type); },
     [](const DispatchFacts& f) { return reference_because(fmt::format("input {}", to_string(f.input_type))); }},
    {OpKind::kMaxPool2d, "", "esp_nn_max_pool_s8_esp32s3", false, "int8",
     "esp-tflite-micro kernels/esp_nn/pooling.cc; esp-nn src/pooling/esp_nn_max_pool_s8_esp32s3.S",
     [](const DispatchFacts&) { return true; },
     [](const DispatchFacts& f) {
       return fmt::format("int8, {} window, stride {}x{}, ch {}", kernel_size(f), f.stride_h, f.stride_w, f.in_ch);
     }},
    {OpKind::kAveragePool2d, "", "", false, "input not int8", "esp-tflite-micro kernels/esp_nn/pooling.cc",
     [](const DispatchFacts& f) { return !is_int8(f.input_type); },
     [](const DispatchFacts& f) { return reference_because(fmt::format("input {}", to_string(f.input_type))); }},
    {OpKind::kAveragePool2d, "", "esp_nn_avg_pool_s8_esp32s3", false, "int8",
     "esp-tflite-micro kernels/esp_nn/pooling.cc; esp-nn src/pooling/esp_nn_avg_pool_s8_esp32s3.S",
     [](const DispatchFacts&) { return true; },
     [](const DispatchFacts& f) {
       return fmt::format("int8, {} window, stride {}x{}, ch {}", kernel_size(f), f.stride_h, f.stride_w, f.in_ch);
     }},
    {OpKind::kAdd, "", "", false, "inputs not int8", "esp-tflite-micro kernels/esp_nn/add.cc",
     [](const DispatchFacts& f) { return !is_int8(f.input_type) || !is_int8(f.weight_type); },
     [](const DispatchFacts& f) { return reference_because(fmt::format("input {}", to_string(f.input_type))); }},
    {OpKind::kAdd, "", "", false, "inputs of different sizes (broadcast)", "esp-tflite-micro kernels/esp_nn/add.cc",
     [](const DispatchFacts& f) { return f.broadcast; },
     [](const DispatchFacts&) { return reference_because("broadcast (BroadcastAdd4DSlow)"); }},
    {OpKind::kAdd, "", "esp_nn_add_elementwise_s8_esp32s3", false, "int8, same sizes",
     "esp-tflite-micro kernels/esp_nn/add.cc", [](const DispatchFacts&) { return true; },
     [](const DispatchFacts&) { return std::string("int8, same sizes: element-wise"); }},
    {OpKind::kMul, "", "", false, "inputs not int8", "esp-tflite-micro kernels/esp_nn/mul.cc MulEval",
     [](const DispatchFacts& f) { return !is_int8(f.input_type) || !is_int8(f.weight_type); },
     [](const DispatchFacts& f) { return reference_because(fmt::format("input {}", to_string(f.input_type))); }},
    {OpKind::kMul, "", "", false, "inputs of different sizes (broadcast)",
     "esp-tflite-micro kernels/esp_nn/mul.cc MulEvalQuantized", [](const DispatchFacts& f) { return f.broadcast; },
     [](const DispatchFacts&) { return reference_because("broadcast (BroadcastMul4DSlow)"); }},
    {OpKind::kMul, "", "esp_nn_mul_elementwise_s8_esp32s3", false, "int8, same sizes",
     "esp-tflite-micro kernels/esp_nn/mul.cc MulEvalQuantized", [](const DispatchFacts&) { return true; },
     [](const DispatchFacts&) { return std::string("int8, same sizes: element-wise"); }},
    {OpKind::kSoftmax, "", "esp_nn_softmax_s8_esp32s3", false, "int8 in, int8 out",
     "esp-tflite-micro kernels/esp_nn/softmax.cc SoftmaxQuantized",
     [](const DispatchFacts& f) { return is_int8(f.input_type) && is_int8(f.output_type); },
     [](const DispatchFacts&) { return std::string("int8 in, int8 out"); }},
    // esp-nn has esp_nn_relu6_s8, but esp-tflite-micro has no esp_nn wrapper for RELU6: its RELU6
    // op runs the reference (a fused RELU6 is the conv's clamp).
    {OpKind::kUnsupported, "RELU6", "", false, "standalone RELU6", "esp-tflite-micro kernels/esp_nn/ (no relu wrapper)",
     [](const DispatchFacts&) { return true; },
     [](const DispatchFacts&) { return reference_because("no esp-nn wrapper for RELU6 in esp-tflite-micro"); }},
});

}  // namespace

DispatchFacts dispatch_facts(const Layer& layer) {
  DispatchFacts f;
  if (layer.inputs.empty() || layer.outputs.empty()) {
    f.shapes_known = false;
    return f;
  }
  const TensorDesc& in = layer.input();
  const TensorDesc& out = layer.output();
  const LayerOptions& o = layer.options;
  f.input_type = in.type;
  f.output_type = out.type;
  // ADD/MUL: the second operand is the one whose type matters next to the first.
  if (layer.weights) f.weight_type = layer.weights->type;
  else if (layer.inputs.size() > 1) f.weight_type = layer.inputs[1].type;
  else f.weight_type = in.type;
  const bool spatial = layer.op == OpKind::kConv2d || layer.op == OpKind::kDepthwiseConv2d ||
                       layer.op == OpKind::kMaxPool2d || layer.op == OpKind::kAveragePool2d;
  if (spatial) {
    f.shapes_known = in.shape.size() == 4 && out.shape.size() == 4 &&
                     (layer.op == OpKind::kMaxPool2d || layer.op == OpKind::kAveragePool2d ||
                      (layer.weights && layer.weights->shape.size() == 4));
    f.in_h = dim(in, 1), f.in_w = dim(in, 2), f.in_ch = dim(in, 3);
    f.out_h = dim(out, 1), f.out_w = dim(out, 2), f.out_ch = dim(out, 3);
  }
  f.filter_w = o.filter_w, f.filter_h = o.filter_h;
  if (layer.op == OpKind::kConv2d && layer.weights) f.filter_ch = dim(*layer.weights, 3);
  f.stride_w = o.stride_w, f.stride_h = o.stride_h;
  f.dilation_w = o.dilation_w, f.dilation_h = o.dilation_h;
  f.pad_wd = o.pads.left, f.pad_ht = o.pads.top;
  // [NN conv]: trailing padding derived from the output extent, not taken from TFLM.
  f.pad_right = std::max(0, (f.out_w - 1) * f.stride_w + f.filter_w - f.pad_wd - f.in_w);
  f.pad_bottom = std::max(0, (f.out_h - 1) * f.stride_h + f.filter_h - f.pad_ht - f.in_h);
  f.ch_mult = std::max(1, o.depth_multiplier);
  if (layer.op == OpKind::kFullyConnected && layer.weights && !layer.weights->shape.empty())
    f.row_len = layer.weights->shape.back();
  if (in.quant) f.input_offset = -in.quant->zero_point();
  if (layer.weights && layer.weights->quant) f.filter_offset = -layer.weights->quant->zero_point();
  // TFLM's ProcessBroadcastShapes: operands of one flat size take the element-wise path.
  if (layer.inputs.size() > 1) f.broadcast = layer.inputs[0].element_count() != layer.inputs[1].element_count();
  return f;
}

std::span<const DispatchRule> dispatch_rules() { return kRules; }

EspnnPath espnn_path(const Layer& layer) {
  const DispatchFacts f = dispatch_facts(layer);
  for (const DispatchRule& r : kRules) {
    if (r.op != layer.op || (!r.op_name.empty() && r.op_name != layer.op_name)) continue;
    if (r.holds(f)) return {std::string(r.kernel), r.reason(f), r.ansi_c_fallback};
  }
  return {"", "no esp-nn kernel: TFLM reference op", false};
}

std::string espnn_path_text(const EspnnPath& path) {
  return path.kernel.empty() ? path.reason : fmt::format("{} ({})", path.kernel, path.reason);
}

}  // namespace pietune::kernels::espnn
