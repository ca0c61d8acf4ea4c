// Geometry, common legality rules and constant data for the family generators.
#include "kernels/families/family_support.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "kernels/codegen/requant_scalar.h"
#include "kernels/layout_order.h"
#include "kernels/reference/layer_tensors.h"
#include "model/support/error.h"

namespace pietune::kernels::families {

ConvGeometry conv_geometry(const Layer& layer) {
  ConvGeometry g;
  const auto& in = layer.input().shape;
  const auto& out = layer.output().shape;
  PIETUNE_CHECK(in.size() == 4 && out.size() == 4) << "conv geometry of a non-4D layer";
  g.batches = in[0];
  g.in_h = in[1];
  g.in_w = in[2];
  g.in_c = in[3];
  g.out_h = out[1];
  g.out_w = out[2];
  g.out_c = out[3];
  const LayerOptions& o = layer.options;
  g.kernel_h = o.filter_h;
  g.kernel_w = o.filter_w;
  g.stride_h = o.stride_h;
  g.stride_w = o.stride_w;
  g.dilation_h = o.dilation_h;
  g.dilation_w = o.dilation_w;
  g.top = o.pads.top;
  g.left = o.pads.left;
  const auto reach = [](int out_size, int stride, int kernel, int dilation, int before, int in_size) {
    const std::int64_t last = std::int64_t{out_size - 1} * stride + std::int64_t{kernel - 1} * dilation + 1;
    return static_cast<int>(std::max<std::int64_t>(0, last - before - in_size));
  };
  g.bottom = reach(g.out_h, g.stride_h, g.kernel_h, g.dilation_h, g.top, g.in_h);
  g.right = reach(g.out_w, g.stride_w, g.kernel_w, g.dilation_w, g.left, g.in_w);
  return g;
}

FcShape fc_shape(const Layer& layer) {
  PIETUNE_CHECK(layer.weights && layer.weights->shape.size() == 2) << "fully connected weights";
  FcShape s;
  s.units = layer.weights->shape[0];
  s.depth = layer.weights->shape[1];
  s.batches = static_cast<int>(layer.output().element_count() / s.units);
  return s;
}

std::optional<Rejection> check_fc_common(const Layer& layer) {
  if (auto r = check_types(layer)) return r;
  if (layer.weights->shape.size() != 2)
    return Rejection{"types", fmt::format("weights of rank {}: the kernel takes [units, depth]", layer.weights->shape.size())};
  const reference::ChannelQuantization q = reference::channel_quantization(layer, reference::RoundingMode::kDouble);
  if (q.weights_offset != 0)
    return Rejection{"weights_zero_point",
                     fmt::format("weights zero point {}: the kernel folds only the input offset", -q.weights_offset)};
  return check_shift_range(q);
}

std::optional<Rejection> check_types(const Layer& layer) {
  const auto bad = [](const char* role, ElementType type, const char* want) {
    return Rejection{"types", fmt::format("{} type {}: the kernels take {}", role, to_string(type), want)};
  };
  if (layer.input().type != ElementType::kInt8) return bad("input", layer.input().type, "int8");
  if (layer.output().type != ElementType::kInt8) return bad("output", layer.output().type, "int8");
  if (!layer.weights) return Rejection{"types", "no weights tensor"};
  if (layer.weights->type != ElementType::kInt8) return bad("weights", layer.weights->type, "int8");
  if (layer.bias && layer.bias->type != ElementType::kInt32) return bad("bias", layer.bias->type, "int32");
  return std::nullopt;
}

std::optional<Rejection> check_shift_range(const reference::ChannelQuantization& q) {
  const std::string problem = codegen::requant_shift_problem(q);
  if (problem.empty()) return std::nullopt;
  return Rejection{"shift_range", problem + ": the scalar epilogue shifts by 0..31"};
}

std::optional<Rejection> check_pool_quantization(const Layer& layer) {
  if (layer.input().type != ElementType::kInt8 || layer.output().type != ElementType::kInt8)
    return Rejection{"types", fmt::format("input type {}, output type {}: the kernel takes int8",
                                          to_string(layer.input().type), to_string(layer.output().type))};
  const auto& in = layer.input().quant;
  const auto& out = layer.output().quant;
  const float in_scale = in && !in->scales.empty() ? in->scales.front() : 0.0f;
  const float out_scale = out && !out->scales.empty() ? out->scales.front() : 0.0f;
  const std::int64_t in_zp = in ? in->zero_point() : 0, out_zp = out ? out->zero_point() : 0;
  if (std::fabs(in_scale - out_scale) > 1e-6f || in_zp != out_zp)
    return Rejection{"quantization", fmt::format("input scale {} zero point {} vs output scale {} zero point {}: {} "
                                                 "pooling does not requantize",
                                                 in_scale, in_zp, out_scale, out_zp,
                                                 layer.op == OpKind::kMaxPool2d ? "max" : "average")};
  return std::nullopt;
}

int pool_window_taps(const ConvGeometry& g, int oy, int ox) {
  const int y0 = oy * g.stride_h - g.top, x0 = ox * g.stride_w - g.left;
  const int rows = std::max(0, std::min(g.in_h, y0 + g.kernel_h) - std::max(0, y0));
  const int cols = std::max(0, std::min(g.in_w, x0 + g.kernel_w) - std::max(0, x0));
  return rows * cols;
}

std::vector<std::int8_t> weights_int8(const Layer& layer) {
  const reference::Tensor w = reference::with_layer_context(layer, [&] { return reference::weight_values(layer); });
  if (flattens_nchw(layer)) return nchw_weight_columns(w.int8(), layer.input().shape);
  return {w.int8().begin(), w.int8().end()};
}

std::vector<std::int32_t> bias_int32(const Layer& layer, std::int64_t channels) {
  return reference::with_layer_context(layer, [&] { return reference::bias_values(layer, channels); });
}

void append_int32(std::vector<std::uint8_t>& out, std::int32_t value) {
  const auto u = static_cast<std::uint32_t>(value);
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(u >> (8 * i)));
}

model::Program single_function_program(model::Function function) {
  model::Program program;
  function.align_bytes = 4;
  program.functions.push_back(std::move(function));
  return program;
}

std::vector<codegen::LaneSpan> qacc_partial_spans(int channels, std::int64_t terms,
                                                 const std::function<int(int, std::int64_t)>& weight, bool have_data) {
  std::vector<codegen::LaneSpan> spans(static_cast<std::size_t>(channels));
  for (int c = 0; c < channels; ++c) {
    std::int64_t pos = 0, neg = 0;  // Σ of the positive weights, Σ|negative weights|
    if (have_data) {
      for (std::int64_t t = 0; t < terms; ++t) {
        const int v = weight(c, t);
        (v > 0 ? pos : neg) += v > 0 ? v : -v;
      }
    } else {
      pos = 127 * terms;
    }
    // Every prefix of the sum lies between these (inputs -128..127).
    spans[c].high = have_data ? 127 * pos + 128 * neg : 128 * pos;
    spans[c].low = have_data ? -(128 * pos + 127 * neg) : -128 * pos;
  }
  return spans;
}

std::optional<Rejection> check_qacc_lane_range(int channels, std::int64_t terms, const char* terms_name,
                                               const std::function<int(int, std::int64_t)>& weight, bool have_data) {
  constexpr std::int64_t kLaneMax = (1 << 19) - 1;
  constexpr std::int64_t kLaneMin = -(1 << 19);
  const std::vector<codegen::LaneSpan> spans = qacc_partial_spans(have_data ? channels : 1, terms, weight, have_data);
  for (std::size_t c = 0; c < spans.size(); ++c) {
    const std::int64_t up = spans[c].high, down = spans[c].low;
    if (up > kLaneMax || down < kLaneMin) {
      const std::int64_t abs_sum = (up - down) / 255;  // up = 127 P + 128 N, down = -(128 P + 127 N)
      return Rejection{"qacc_lane_range",
                       fmt::format("channel {}: worst-case lane sum {} over {} {} exceeds the 20-bit QACC lane "
                                   "range {}..{} ({}, inputs -128..127)",
                                   c, up > kLaneMax ? up : down, terms, terms_name, kLaneMin, kLaneMax,
                                   have_data ? fmt::format("sum of |w| = {}", abs_sum)
                                             : std::string("|w| = 127 assumed without weight data"))};
    }
  }
  return std::nullopt;
}

std::optional<Rejection> check_scratch(std::int64_t bytes, const char* what) {
  if (bytes <= kMaxScratchBytes) return std::nullopt;
  return Rejection{"scratch", fmt::format("{} needs {} bytes of scratch, more than the {}-byte limit", what, bytes,
                                          kMaxScratchBytes)};
}

}  // namespace pietune::kernels::families
