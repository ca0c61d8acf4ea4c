// Layer checks (counts, ranks, channels, kernel vs padded input, output shapes) and derived options.
#include "kernels/layer_check.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "kernels/activation.h"
#include "kernels/layout_order.h"
#include "kernels/padding.h"
#include "model/support/error.h"

namespace pietune::kernels {
namespace {

using Shape = std::vector<std::int32_t>;

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
  throw InputError(fmt::format(format, std::forward<Args>(args)...));
}

// Re-throws an InputError from a nested check with "<where>: " in front.
template <typename Fn>
void with_context(const std::string& where, Fn&& fn) {
  try {
    fn();
  } catch (const InputError& e) {
    throw InputError(where + ": " + e.what());
  }
}

bool is_pool(OpKind op) { return op == OpKind::kAveragePool2d || op == OpKind::kMaxPool2d; }

bool has_weights(OpKind op) {
  return op == OpKind::kConv2d || op == OpKind::kDepthwiseConv2d || op == OpKind::kFullyConnected;
}

// How many activation inputs each modelled op takes.
struct InputCount {
  std::size_t min = 1;
  std::size_t max = 1;
};

InputCount input_count(OpKind op) {
  switch (op) {
    case OpKind::kAdd:
    case OpKind::kMul:
      return {2, 2};
    case OpKind::kConcatenation:
      return {1, 1u << 16};
    default:
      return {1, 1};
  }
}

void check_rank(const TensorDesc& t, const char* role, std::size_t rank) {
  if (t.shape.size() != rank) {
    fail("{} shape {} has rank {}, expected {}", role, shape_to_string(t.shape), t.shape.size(), rank);
  }
}

void check_positive_scales(const TensorDesc& t) {
  if (!t.quant) return;
  for (float scale : t.quant->scales) check_positive_scale(scale);
}

// The scales the reference arithmetic reads (activations and weights; the bias scale is not read).
void check_arithmetic_scales(const Layer& layer) {
  for (std::size_t i = 0; i < layer.inputs.size(); ++i)
    with_context(fmt::format("input {}", i), [&] { check_positive_scales(layer.inputs[i]); });
  for (std::size_t i = 0; i < layer.outputs.size(); ++i)
    with_context(fmt::format("output {}", i), [&] { check_positive_scales(layer.outputs[i]); });
  if (layer.weights) with_context("weights", [&] { check_positive_scales(*layer.weights); });
}

// Counts, ranks and the per-tensor checks; option ranges. Nothing derived is looked at.
void check_structure(const Layer& layer) {
  const bool modelled = layer.op != OpKind::kUnsupported;
  for (std::size_t i = 0; i < layer.inputs.size(); ++i) {
    with_context(fmt::format("input {}", i), [&] { check_tensor(layer.inputs[i], !modelled); });
  }
  for (std::size_t i = 0; i < layer.outputs.size(); ++i) {
    with_context(fmt::format("output {}", i), [&] { check_tensor(layer.outputs[i], !modelled); });
  }
  if (layer.weights) with_context("weights", [&] { check_tensor(*layer.weights, !modelled); });
  if (layer.bias) with_context("bias", [&] { check_tensor(*layer.bias, !modelled); });
  if (!modelled) return;
  check_arithmetic_scales(layer);
  if (layer.options.layout != ActivationLayout::kNhwc && !is_spatial(layer.op) && !layout_agnostic(layer) &&
      !can_flatten_nchw(layer))
    fail("options.layout: {} applies to the spatial ops (CONV_2D, DEPTHWISE_CONV_2D, the pools), to ADD and MUL "
         "without broadcast or a constant operand and to FULLY_CONNECTED with a rank-4 input of one image per "
         "row; this {} is NHWC only",
         to_string(layer.options.layout), to_string(layer.op));

  const InputCount count = input_count(layer.op);
  if (layer.inputs.size() < count.min || layer.inputs.size() > count.max) {
    if (count.min == count.max) {
      fail("{} inputs, {} takes {}", layer.inputs.size(), to_string(layer.op), count.min);
    }
    fail("{} inputs, {} takes at least {}", layer.inputs.size(), to_string(layer.op), count.min);
  }
  if (layer.outputs.size() != 1) {
    fail("{} outputs, {} has 1", layer.outputs.size(), to_string(layer.op));
  }
  if (has_weights(layer.op) && !layer.weights) fail("no weights: {} needs them", to_string(layer.op));
  if (!has_weights(layer.op) && (layer.weights || layer.bias)) {
    fail("weights or bias given: {} takes none", to_string(layer.op));
  }

  const LayerOptions& o = layer.options;
  if (is_spatial(layer.op)) {
    check_rank(layer.input(), "input", 4);
    check_rank(layer.output(), "output", 4);
    if (o.stride_h < 1 || o.stride_w < 1) fail("stride {}x{} below 1", o.stride_h, o.stride_w);
    if (o.dilation_h < 1 || o.dilation_w < 1) {
      fail("dilation {}x{} below 1", o.dilation_h, o.dilation_w);
    }
  }
  if (layer.op == OpKind::kConv2d || layer.op == OpKind::kDepthwiseConv2d) {
    check_rank(*layer.weights, "weights", 4);
  }
  if (is_pool(layer.op)) {
    if (o.filter_h < 1 || o.filter_w < 1) fail("pool size {}x{} below 1", o.filter_h, o.filter_w);
    if (o.dilation_h != 1 || o.dilation_w != 1) {
      fail("dilation {}x{} on a pool, pools take 1x1", o.dilation_h, o.dilation_w);
    }
  }
  if (layer.op == OpKind::kFullyConnected) check_rank(*layer.weights, "weights", 2);
}

// Channel relations of CONV_2D / DEPTHWISE_CONV_2D and the kernel size they imply.
struct ConvDerived {
  int filter_h = 0, filter_w = 0, groups = 1, depth_multiplier = 1;
};

ConvDerived derive_conv(const Layer& layer) {
  const TensorDesc& in = layer.input();
  const TensorDesc& w = *layer.weights;
  const std::int32_t in_c = in.shape[3];
  ConvDerived d{w.shape[1], w.shape[2], 1, 1};
  if (layer.op == OpKind::kConv2d) {
    const std::int32_t filter_c = w.shape[3];
    if (in_c % filter_c != 0) {
      fail("input channels {} not a multiple of weights input channels {}", in_c, filter_c);
    }
    d.groups = in_c / filter_c;
    if (w.shape[0] % d.groups != 0) {
      fail("output channels {} not a multiple of groups {}", w.shape[0], d.groups);
    }
  } else {
    if (w.shape[0] != 1) fail("weights shape {}: dimension 0 must be 1", shape_to_string(w.shape));
    if (w.shape[3] % in_c != 0) {
      fail("weights output channels {} not a multiple of input channels {}", w.shape[3], in_c);
    }
    d.depth_multiplier = w.shape[3] / in_c;
  }
  return d;
}

struct SpatialDerived {
  PadAmounts pads;
  std::int64_t out_h = 0, out_w = 0;
};

// EXPLICIT padding: the given pads, and the output size TFLite's formula gives for a padded input,
// (in + before + after - effective) / stride + 1. A pad as large as the window reads only padding.
SpatialDerived explicit_spatial(const Layer& layer, std::int64_t eff_h, std::int64_t eff_w) {
  const LayerOptions& o = layer.options;
  const PadAmounts& p = o.pads;
  if (p.top >= eff_h || p.bottom >= eff_h || p.left >= eff_w || p.right >= eff_w)
    fail("options.pads: {},{},{},{} (top, bottom, left, right): a pad must be smaller than the window {}x{}", p.top,
         p.bottom, p.left, p.right, eff_h, eff_w);
  const std::int64_t span_h = std::int64_t{layer.input().shape[1]} + p.top + p.bottom - eff_h;
  const std::int64_t span_w = std::int64_t{layer.input().shape[2]} + p.left + p.right - eff_w;
  if (span_h < 0 || span_w < 0)
    fail("kernel {}x{} larger than padded input {}x{} (EXPLICIT)", eff_h, eff_w, span_h + eff_h, span_w + eff_w);
  return {p, span_h / o.stride_h + 1, span_w / o.stride_w + 1};
}

// Pads and output size of a spatial op; rejects kernels that cannot fit the padded input.
SpatialDerived derive_spatial(const Layer& layer, int filter_h, int filter_w) {
  const LayerOptions& o = layer.options;
  const std::int64_t in_h = layer.input().shape[1];
  const std::int64_t in_w = layer.input().shape[2];
  const std::int64_t eff_h = effective_kernel_size(filter_h, o.dilation_h);
  const std::int64_t eff_w = effective_kernel_size(filter_w, o.dilation_w);
  constexpr std::int64_t kMaxExtent = std::numeric_limits<std::int32_t>::max();
  if (eff_h > kMaxExtent || eff_w > kMaxExtent) {
    fail("dilated kernel {}x{} too large (kernel {}x{}, dilation {}x{})", eff_h, eff_w, filter_h,
         filter_w, o.dilation_h, o.dilation_w);
  }
  if (o.padding == Padding::kValid && (eff_h > in_h || eff_w > in_w)) {
    if (o.dilation_h == 1 && o.dilation_w == 1) {
      fail("kernel {}x{} larger than padded input {}x{} (VALID)", filter_h, filter_w, in_h, in_w);
    }
    fail("dilated kernel {}x{} (kernel {}x{}, dilation {}x{}) larger than padded input {}x{} (VALID)",
         eff_h, eff_w, filter_h, filter_w, o.dilation_h, o.dilation_w, in_h, in_w);
  }
  if (o.padding == Padding::kExplicit) return explicit_spatial(layer, eff_h, eff_w);
  const AxisPadding h = compute_axis_padding(in_h, filter_h, o.stride_h, o.dilation_h, o.padding);
  const AxisPadding w = compute_axis_padding(in_w, filter_w, o.stride_w, o.dilation_w, o.padding);
  SpatialDerived d;
  d.pads = {static_cast<int>(h.before), static_cast<int>(h.after), static_cast<int>(w.before),
            static_cast<int>(w.after)};
  d.out_h = h.output;
  d.out_w = w.output;
  return d;
}

void expect_output_shape(const Layer& layer, const Shape& expected, const char* implied_by) {
  if (layer.output().shape != expected) {
    fail("output shape {} does not match {} implied by {}", shape_to_string(layer.output().shape),
         shape_to_string(expected), implied_by);
  }
}

void check_bias(const Layer& layer, std::int64_t channels) {
  if (layer.bias && layer.bias->element_count() != channels) {
    fail("bias has {} elements for {} output channels", layer.bias->element_count(), channels);
  }
}

// NumPy-style broadcast of two shapes; fails when a pair of dims is neither equal nor 1.
Shape broadcast(const Shape& a, const Shape& b) {
  const std::size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    const std::int32_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const std::int32_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) {
      fail("input shapes {} and {} do not broadcast", shape_to_string(a), shape_to_string(b));
    }
    out[i] = std::max(da, db);
  }
  return out;
}

void check_spatial_output(const Layer& layer, const SpatialDerived& s, std::int32_t channels) {
  const Shape expected{layer.input().shape[0], static_cast<std::int32_t>(s.out_h),
                       static_cast<std::int32_t>(s.out_w), channels};
  expect_output_shape(layer, expected, "the input, kernel, stride and padding");
}

void check_fully_connected(const Layer& layer) {
  const TensorDesc& w = *layer.weights;
  const std::int64_t units = w.shape[0];
  const std::int64_t depth = w.shape[1];
  const TensorDesc& out = layer.output();
  if (out.shape.empty() || out.shape.back() != units) {
    fail("output shape {} does not end in the {} output units of weights {}",
         shape_to_string(out.shape), units, shape_to_string(w.shape));
  }
  const std::int64_t batches = out.element_count() / units;
  if (layer.input().element_count() != batches * depth) {
    fail("input shape {} has {} elements, expected {} batches x depth {} = {}",
         shape_to_string(layer.input().shape), layer.input().element_count(), batches, depth,
         batches * depth);
  }
  check_bias(layer, units);
}

void check_concatenation(const Layer& layer) {
  const Shape& first = layer.inputs[0].shape;
  const int rank = static_cast<int>(first.size());
  const int axis = layer.options.axis;
  if (axis < 0 || axis >= rank) fail("axis {} out of range for rank {}", axis, rank);
  Shape expected = first;
  std::int64_t along = 0;
  for (std::size_t i = 0; i < layer.inputs.size(); ++i) {
    const Shape& s = layer.inputs[i].shape;
    bool compatible = s.size() == first.size();
    for (int d = 0; compatible && d < rank; ++d) compatible = d == axis || s[d] == first[d];
    if (!compatible) {
      fail("input {} shape {} does not concatenate with {} along axis {}", i, shape_to_string(s),
           shape_to_string(first), axis);
    }
    along += s[axis];
  }
  if (along > kMaxElements) fail("concatenated size {} along axis {} too large", along, axis);
  expected[axis] = static_cast<std::int32_t>(along);
  expect_output_shape(layer, expected, "concatenating the inputs");
}

void check_pad(const Layer& layer) {
  const Shape& in = layer.input().shape;
  const Shape& out = layer.output().shape;
  if (in.size() != out.size()) {
    fail("output rank {} differs from input rank {}", out.size(), in.size());
  }
  const PadAmounts& p = layer.options.pads;
  if (p.top < 0 || p.bottom < 0 || p.left < 0 || p.right < 0) {
    fail("pads {},{},{},{} negative", p.top, p.bottom, p.left, p.right);
  }
  for (std::size_t d = 0; d < in.size(); ++d) {
    if (in.size() == 4 && (d == 1 || d == 2)) {
      // PadAmounts holds the spatial pads of an NHWC tensor.
      const std::int64_t expected = d == 1 ? std::int64_t{in[d]} + p.top + p.bottom
                                           : std::int64_t{in[d]} + p.left + p.right;
      if (out[d] != expected) {
        fail("output shape {} dimension {} is {}, input {} plus pads gives {}",
             shape_to_string(out), d, out[d], shape_to_string(in), expected);
      }
    } else if (out[d] < in[d]) {
      fail("output shape {} smaller than input {} in dimension {}", shape_to_string(out),
           shape_to_string(in), d);
    }
  }
}

void check_mean(const Layer& layer) {
  const Shape& in = layer.input().shape;
  const auto& axes = layer.options.axes;
  Shape kept;
  Shape kept_dims = in;
  for (std::size_t d = 0; d < in.size(); ++d) {
    const bool reduced = std::find(axes.begin(), axes.end(), static_cast<std::int32_t>(d)) != axes.end();
    if (!reduced) kept.push_back(in[d]);
    else kept_dims[d] = 1;
  }
  for (std::int32_t a : axes) {
    if (a < 0 || a >= static_cast<std::int32_t>(in.size())) {
      fail("axis {} out of range for rank {}", a, in.size());
    }
  }
  if (axes.empty()) return;  // axis tensor not constant: nothing to compare
  expect_output_shape(layer, layer.options.keep_dims ? kept_dims : kept,
                      "the input and the reduced axes");
}

// TFLM's TransposePrepare: rank at most 5, perm a permutation of 0..rank-1, same element type.
void check_transpose(const Layer& layer) {
  const Shape& in = layer.input().shape;
  const auto& perm = layer.options.perm;
  constexpr std::size_t kTfliteMaxRank = 5;
  if (in.size() > kTfliteMaxRank) fail("input rank {} above TFLite Micro's {} for TRANSPOSE", in.size(), kTfliteMaxRank);
  if (layer.output().type != layer.input().type) {
    fail("output type {} differs from input type {}", to_string(layer.output().type), to_string(layer.input().type));
  }
  if (perm.empty()) return;  // perm tensor not constant: nothing to compare
  if (perm.size() != in.size()) fail("perm has {} entries for an input of rank {}", perm.size(), in.size());
  std::vector<bool> seen(in.size(), false);
  Shape expected;
  for (std::int32_t p : perm) {
    if (p < 0 || p >= static_cast<std::int32_t>(in.size())) fail("perm entry {} out of range for rank {}", p, in.size());
    if (seen[static_cast<std::size_t>(p)]) fail("perm [{}] names dimension {} twice", fmt::join(perm, ","), p);
    seen[static_cast<std::size_t>(p)] = true;
    expected.push_back(in[static_cast<std::size_t>(p)]);
  }
  expect_output_shape(layer, expected, "permuting the input");
}

void check_activation_bounds(const Layer& layer) {
  if (layer.outputs.empty()) return;
  const Activation& act = layer.options.activation;
  const QuantRange range = quantized_range(layer.output().type);
  if (act.min > act.max || act.min < range.min || act.max > range.max) {
    fail("activation bounds [{}, {}] invalid for a {} output (range [{}, {}])", act.min, act.max,
         to_string(layer.output().type), range.min, range.max);
  }
}

// Per-channel weights must be quantized along their output channels.
void check_weight_quantization(const Layer& layer) {
  if (!layer.weights || !layer.weights->quant || !layer.weights->quant->per_channel()) return;
  const int expected = layer.op == OpKind::kDepthwiseConv2d ? 3 : 0;
  if (layer.weights->quant->quantized_dimension != expected) {
    fail("weights quantized along dimension {}, {} needs {}",
         layer.weights->quant->quantized_dimension, to_string(layer.op), expected);
  }
}

// Derived values of the op and the shape checks that need them.
void check_op(const Layer& layer, const Layer* derived_into_check) {
  check_weight_quantization(layer);
  switch (layer.op) {
    case OpKind::kConv2d:
    case OpKind::kDepthwiseConv2d: {
      const ConvDerived c = derive_conv(layer);
      const SpatialDerived s = derive_spatial(layer, c.filter_h, c.filter_w);
      const std::int32_t out_c = layer.op == OpKind::kConv2d ? layer.weights->shape[0]
                                                            : layer.weights->shape[3];
      check_spatial_output(layer, s, out_c);
      check_bias(layer, out_c);
      if (derived_into_check) {
        const LayerOptions& o = derived_into_check->options;
        if (o.filter_h != c.filter_h || o.filter_w != c.filter_w) {
          fail("kernel {}x{} does not match weights {}", o.filter_h, o.filter_w,
               shape_to_string(layer.weights->shape));
        }
        if (layer.op == OpKind::kConv2d && o.groups != c.groups) {
          fail("groups {} does not match input channels / weights input channels = {}", o.groups,
               c.groups);
        }
        if (layer.op == OpKind::kDepthwiseConv2d && o.depth_multiplier != c.depth_multiplier) {
          fail("depth multiplier {} does not match output channels / input channels = {}",
               o.depth_multiplier, c.depth_multiplier);
        }
        const PadAmounts& p = o.pads;
        if (p.top != s.pads.top || p.bottom != s.pads.bottom || p.left != s.pads.left ||
            p.right != s.pads.right) {
          fail("pads {},{},{},{} do not match {},{},{},{} derived from {} padding", p.top, p.bottom,
               p.left, p.right, s.pads.top, s.pads.bottom, s.pads.left, s.pads.right,
               to_string(o.padding));
        }
      }
      break;
    }
    case OpKind::kAveragePool2d:
    case OpKind::kMaxPool2d: {
      const SpatialDerived s = derive_spatial(layer, layer.options.filter_h, layer.options.filter_w);
      check_spatial_output(layer, s, layer.input().shape[3]);
      if (derived_into_check) {
        const PadAmounts& p = derived_into_check->options.pads;
        if (p.top != s.pads.top || p.bottom != s.pads.bottom || p.left != s.pads.left ||
            p.right != s.pads.right) {
          fail("pads {},{},{},{} do not match {},{},{},{} derived from {} padding", p.top, p.bottom,
               p.left, p.right, s.pads.top, s.pads.bottom, s.pads.left, s.pads.right,
               to_string(layer.options.padding));
        }
      }
      break;
    }
    case OpKind::kFullyConnected:
      check_fully_connected(layer);
      break;
    case OpKind::kAdd:
    case OpKind::kMul:
      expect_output_shape(layer, broadcast(layer.inputs[0].shape, layer.inputs[1].shape),
                          "broadcasting the inputs");
      break;
    case OpKind::kSoftmax:
    case OpKind::kQuantize:
    case OpKind::kDequantize:
      expect_output_shape(layer, layer.input().shape, "the input");
      break;
    case OpKind::kReshape:
      if (layer.input().element_count() != layer.output().element_count()) {
        fail("output shape {} has {} elements, input shape {} has {}",
             shape_to_string(layer.output().shape), layer.output().element_count(),
             shape_to_string(layer.input().shape), layer.input().element_count());
      }
      break;
    case OpKind::kConcatenation:
      check_concatenation(layer);
      break;
    case OpKind::kPad:
      check_pad(layer);
      break;
    case OpKind::kMean:
      check_mean(layer);
      break;
    case OpKind::kTranspose:
      check_transpose(layer);
      break;
    case OpKind::kUnsupported:
      return;  // no shape rules and no fused activation
  }
  check_activation_bounds(layer);
}

}  // namespace

void check_tensor(const TensorDesc& t, bool allow_zero_dims) {
  if (t.shape.size() > static_cast<std::size_t>(kMaxRank)) {
    fail("rank {} above the supported {}", t.shape.size(), kMaxRank);
  }
  for (std::size_t i = 0; i < t.shape.size(); ++i) {
    if (t.shape[i] < 0 || (t.shape[i] == 0 && !allow_zero_dims)) {
      fail("shape {}: dimension {} is {}", shape_to_string(t.shape), i, t.shape[i]);
    }
  }
  if (t.element_count() > kMaxElements) {
    fail("shape {} has {} elements, more than {}", shape_to_string(t.shape), t.element_count(),
         kMaxElements);
  }
  if (!t.quant) return;
  const Quantization& q = *t.quant;
  if (q.scales.empty()) fail("quantization without scales");
  for (std::size_t i = 0; i < q.scales.size(); ++i) {
    if (!std::isfinite(q.scales[i]) || q.scales[i] < 0.0f) fail("scale {} is {}", i, q.scales[i]);
  }
  if (!q.zero_points.empty() && q.zero_points.size() != q.scales.size()) {
    fail("{} scales but {} zero points", q.scales.size(), q.zero_points.size());
  }
  const QuantRange range = quantized_range(t.type);
  for (std::int64_t zp : q.zero_points) {
    if (zp < range.min || zp > range.max) {
      fail("zero point {} outside the {} range [{}, {}]", zp, to_string(t.type), range.min, range.max);
    }
  }
  if (q.per_channel()) {
    if (q.quantized_dimension < 0 || q.quantized_dimension >= static_cast<int>(t.shape.size())) {
      fail("quantized dimension {} out of range for shape {}", q.quantized_dimension,
           shape_to_string(t.shape));
    }
    const std::int32_t extent = t.shape[static_cast<std::size_t>(q.quantized_dimension)];
    if (static_cast<std::int64_t>(q.scales.size()) != extent) {
      fail("{} scales for quantized dimension {} of size {}", q.scales.size(),
           q.quantized_dimension, extent);
    }
  }
}

void check_positive_scale(float scale) {
  if (!(std::isfinite(scale) && scale > 0.0f)) fail("scale {} is not a positive number", scale);
}

void complete_layer(Layer& layer) {
  check_structure(layer);
  LayerOptions& o = layer.options;
  if (layer.op == OpKind::kConv2d || layer.op == OpKind::kDepthwiseConv2d) {
    const ConvDerived c = derive_conv(layer);
    o.filter_h = c.filter_h;
    o.filter_w = c.filter_w;
    o.groups = c.groups;
    o.depth_multiplier = c.depth_multiplier;
  }
  if (is_spatial(layer.op)) o.pads = derive_spatial(layer, o.filter_h, o.filter_w).pads;
  if (layer.op == OpKind::kConcatenation) {
    const int rank = static_cast<int>(layer.inputs[0].shape.size());
    if (o.axis < -rank || o.axis >= rank) fail("axis {} out of range for rank {}", o.axis, rank);
    if (o.axis < 0) o.axis += rank;
  }
  if (layer.op == OpKind::kMean) {
    const int rank = static_cast<int>(layer.input().shape.size());
    for (std::int32_t& a : o.axes) {
      if (a < -rank || a >= rank) fail("axis {} out of range for rank {}", a, rank);
      if (a < 0) a += rank;
    }
    std::sort(o.axes.begin(), o.axes.end());
    o.axes.erase(std::unique(o.axes.begin(), o.axes.end()), o.axes.end());
  }
  if (!layer.outputs.empty()) o.activation = activation_for_output(o.activation.kind, layer.output());
  check_op(layer, nullptr);
}

void check_layer(const Layer& layer) {
  check_structure(layer);
  check_op(layer, &layer);
}

}  // namespace pietune::kernels
