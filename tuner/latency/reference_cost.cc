// The reference-op cost table (see the header).
#include "tuner/latency/reference_cost.h"

#include <fmt/format.h>

namespace pietune::tuner {
namespace {

using kernels::Layer;
using kernels::OpKind;

// Two timed runs of one op: cycles = per_mac * macs + per_output * outputs, solved exactly.
struct TwoRuns {
  double cycles1, macs1, outputs1, cycles2, macs2, outputs2;
  double per_mac() const {
    return (cycles1 * outputs2 - cycles2 * outputs1) / (macs1 * outputs2 - macs2 * outputs1);
  }
  double per_output() const { return (cycles1 - per_mac() * macs1) / outputs1; }
};

// esp-nn README (2023) ANSI C ticks, S3 at 240 MHz: conv 10x10x64->64 1x1 and 8x8x16->16 1x1.
constexpr TwoRuns kConv{4642259, 409600, 6400, 300032, 16384, 1024};
// Depthwise 18x18x16 3x3 -> 16x16x16, and 12x12x4 5x5 multiplier 8 -> 12x12x32.
constexpr TwoRuns kDepthwise{1192832, 36864, 4096, 1679406, 115200, 4608};
// Fully connected, row 271, 3 outputs: 12290 ticks; its per-output part taken from the convolution's.
constexpr double kFcTicks = 12290, kFcMacs = 813, kFcOutputs = 3;
// Pools over 16x16x16 with a 3x3 window (36864 taps); ADD and MUL over 1615 elements.
constexpr double kMaxPoolTicks = 485714, kAvgPoolTicks = 541462, kPoolTaps = 36864;
constexpr double kAddTicks = 312327, kMulTicks = 122046, kElementwiseCount = 1615;
// X51 memcpy, SRAM to SRAM: 64,039 cycles per 100 KB (project-x51/esp32-s3-memorycopy README).
constexpr double kMemcpyCyclesPerByte = 64039.0 / 102400.0;

constexpr const char* kReadme = "esp-nn README 2023 ANSI C ticks";

double output_elements(const Layer& layer) { return static_cast<double>(layer.output().element_count()); }

ReferenceCost inner_product(double per_mac, double per_output, const Layer& layer, const char* rows) {
  return {per_mac * static_cast<double>(layer.macs()) + per_output * output_elements(layer),
          fmt::format("{:.2f} per MAC + {:.0f} per output ({}, {})", per_mac, per_output, kReadme, rows)};
}

ReferenceCost per_unit(double per, double units, const std::string& basis) { return {per * units, basis}; }

double window_taps(const Layer& layer) {
  return output_elements(layer) * layer.options.filter_h * layer.options.filter_w;
}

double bytes_of_output(const Layer& layer) { return static_cast<double>(layer.output().size_bytes()); }

}  // namespace

std::optional<ReferenceCost> reference_cost(const Layer& layer) {
  switch (layer.op) {
    case OpKind::kConv2d:
      return inner_product(kConv.per_mac(), kConv.per_output(), layer, "conv rows 1-2");
    case OpKind::kDepthwiseConv2d:
      return inner_product(kDepthwise.per_mac(), kDepthwise.per_output(), layer, "depthwise rows 4-5");
    case OpKind::kFullyConnected: {
      const double per_mac = (kFcTicks - kConv.per_output() * kFcOutputs) / kFcMacs;
      return inner_product(per_mac, kConv.per_output(), layer, "fully connected row 8, per output from conv");
    }
    case OpKind::kMaxPool2d:
      return per_unit(kMaxPoolTicks / kPoolTaps, window_taps(layer),
                      fmt::format("{:.1f} per window tap ({}, max pool row 6)", kMaxPoolTicks / kPoolTaps, kReadme));
    case OpKind::kAveragePool2d:
      return per_unit(kAvgPoolTicks / kPoolTaps, window_taps(layer),
                      fmt::format("{:.1f} per window tap ({}, avg pool row 7)", kAvgPoolTicks / kPoolTaps, kReadme));
    case OpKind::kAdd:
      return per_unit(kAddTicks / kElementwiseCount, output_elements(layer),
                      fmt::format("{:.0f} per element ({}, add row 10)", kAddTicks / kElementwiseCount, kReadme));
    case OpKind::kMul:
      return per_unit(kMulTicks / kElementwiseCount, output_elements(layer),
                      fmt::format("{:.0f} per element ({}, mul row 11)", kMulTicks / kElementwiseCount, kReadme));
    case OpKind::kReshape:
    case OpKind::kConcatenation:
      return per_unit(kMemcpyCyclesPerByte, bytes_of_output(layer),
                      fmt::format("a memcpy of the output, {:.3f} per byte (X51 SRAM memcpy)", kMemcpyCyclesPerByte));
    case OpKind::kPad:
      return per_unit(2 * kMemcpyCyclesPerByte, bytes_of_output(layer),
                      "inferred: a fill and a copy per output byte at the X51 memcpy rate");
    case OpKind::kSoftmax:
      return per_unit(200, output_elements(layer),
                      "inferred: 200 per element: TFLM's int8 softmax makes a max pass, a fixed-point exp per element "
                      "(gemmlowp exp_on_negative_values, ~40 multiplies and shifts), a sum pass and a rescaling pass");
    case OpKind::kQuantize:
    case OpKind::kDequantize:
      return per_unit(30, output_elements(layer),
                      "inferred: 30 per element: one MultiplyByQuantizedMultiplier or float multiply, round and "
                      "clamp per element");
    case OpKind::kTranspose:
      return per_unit(12, output_elements(layer),
                      "inferred: 12 per element: TFLM's reference Transpose walks the output with one index "
                      "per dimension (an add and a compare per element, a carry per row) and loads each "
                      "element through the permuted strides");
    case OpKind::kMean:
      return per_unit(10, static_cast<double>(layer.input().element_count()),
                      "inferred: 10 per input element (load, add into a 32-bit sum) plus the per-output rescale");
    case OpKind::kUnsupported:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace pietune::tuner
