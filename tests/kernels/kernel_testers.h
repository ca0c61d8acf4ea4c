// Tester builders for the variant families (STYLE §3, after XNNPACK's microkernel testers):
//   ConvTester().in_channels(17).kernel(3, 3).stride(2).input_zero_point(-128).seed(7).test(family);
// Chained setters check their preconditions; test() builds the layer with seeded constant data,
// and for every variant of the family that is legal for it (or one given variant) runs the
// emulated kernel on random inputs against the reference op, failing with the first mismatch as
// (n, y, x, c), expected and actual, and the variant name. Every rejected variant must carry a
// rule and a reason. layers_verified() counts the layers run, for the property tests' totals.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "kernels/enumerate.h"
#include "kernels/layer.h"
#include "kernels/layer_check.h"
#include "kernels/registry.h"
#include "kernels/verify.h"

namespace pietune::kernels::testing {

inline std::int64_t& layers_verified() {
  static std::int64_t count = 0;
  return count;
}

// How the weights are drawn: uniform in [-127, 127] with some extremes, or only -127 and 127.
enum class WeightMode { kRandom, kExtreme };

// Common quantization and data knobs; Derived is the concrete tester (CRTP for chaining).
template <typename Derived>
class TesterBase {
 public:
  Derived& input_zero_point(int zp) {
    EXPECT_TRUE(zp >= -128 && zp <= 127) << zp;
    input_zp_ = zp;
    return self();
  }
  Derived& output_zero_point(int zp) {
    EXPECT_TRUE(zp >= -128 && zp <= 127) << zp;
    output_zp_ = zp;
    return self();
  }
  Derived& per_channel(bool on) {
    per_channel_ = on;
    return self();
  }
  // Real multipliers (input_scale * weight_scale / output_scale) drawn in [2^lo, 2^hi): negative
  // exponents give right shifts, positive ones left shifts.
  Derived& multiplier_exponents(int lo, int hi) {
    EXPECT_LE(lo, hi);
    exp_lo_ = lo;
    exp_hi_ = hi;
    return self();
  }
  // Real multipliers of exactly 2^(exponent - 1): quantized multiplier 2^30 (the SRCMB epilogue's
  // precondition; exact only where the output scale is 1, i.e. without a ReLU6 scale).
  Derived& power_of_two_scales(bool on) {
    power_of_two_ = on;
    return self();
  }
  Derived& activation(ActivationKind kind) {
    activation_ = kind;
    return self();
  }
  Derived& weights(WeightMode mode) {
    weight_mode_ = mode;
    return self();
  }
  Derived& with_bias(bool on) {
    bias_ = on;
    return self();
  }
  Derived& seed(std::uint64_t s) {
    seed_ = s;
    return self();
  }
  Derived& cases(int n) {
    EXPECT_GE(n, 1);
    cases_ = n;
    return self();
  }

  // Every legal variant of `family` (which must be for this op); returns how many were verified.
  int test(const FamilySpec& family) const {
    const Layer layer = self_const().layer();
    int verified = 0;
    for (const Variant& v : candidate_variants(family, layer)) {
      if (std::optional<Rejection> r = check_legal(family, layer, v)) {
        EXPECT_FALSE(r->rule.empty()) << v.name();
        EXPECT_FALSE(r->reason.empty()) << v.name();
        continue;
      }
      run(layer, v);
      ++verified;
    }
    ++layers_verified();
    return verified;
  }
  // One variant, which must be legal.
  void test(const Variant& variant) const {
    const Layer layer = self_const().layer();
    const FamilySpec* family = find_family(variant.family);
    ASSERT_NE(family, nullptr);
    const std::optional<Rejection> r = check_legal(*family, layer, variant);
    ASSERT_FALSE(r.has_value()) << variant.name() << ": " << r->rule << ": " << r->reason;
    run(layer, variant);
    ++layers_verified();
  }

  std::string describe() const { return self_const().shape_text() + fmt::format(" seed {}", seed_); }

 protected:
  void run(const Layer& layer, const Variant& v) const {
    const Verdict verdict = verify_variant(layer, v, VerifyOptions{.cases = cases_, .seed = seed_});
    EXPECT_FALSE(verdict.fault) << v.name() << " on " << describe() << ": " << verdict.fault.value_or("");
    EXPECT_EQ(verdict.guard_writes, 0) << v.name() << " on " << describe();
    if (verdict.first) {
      const Mismatch& m = *verdict.first;
      ADD_FAILURE() << v.name() << " on " << describe() << ": " << verdict.mismatches << " mismatches of "
                    << verdict.outputs << ", max abs diff " << verdict.max_abs_diff << "; first at case "
                    << m.case_index << " (n, y, x, c) = (" << m.n << ", " << m.y << ", " << m.x << ", " << m.c
                    << "): expected " << m.expected << ", got " << m.actual;
    }
  }

  Derived& self() { return static_cast<Derived&>(*this); }
  const Derived& self_const() const { return static_cast<const Derived&>(*this); }

  // Quantization for `channels` output channels: input scale 1, weight scales = real multipliers
  // times the output scale; output scale chosen so ReLU6 clamps inside the int8 range.
  void quantize(Layer& l, int channels, int weight_dim) const {
    std::mt19937_64 rng(seed_ * 7919 + 17);
    const float out_scale = activation_ == ActivationKind::kRelu6 ? 6.0f / 90.0f : 1.0f;
    std::uniform_real_distribution<double> mant(0.5, 1.0);
    std::uniform_int_distribution<int> ex(exp_lo_, exp_hi_);
    std::vector<float> scales;
    const int n = per_channel_ ? channels : 1;
    for (int c = 0; c < n; ++c)
      scales.push_back(static_cast<float>(std::ldexp(power_of_two_ ? 0.5 : mant(rng), ex(rng)) * out_scale));
    l.inputs[0].quant = Quantization{{1.0f}, {input_zp_}, 0};
    l.outputs[0].quant = Quantization{{out_scale}, {output_zp_}, 0};
    l.weights->quant = Quantization{scales, std::vector<std::int64_t>(scales.size(), 0), per_channel_ ? weight_dim : 0};
    if (l.bias) l.bias->quant = Quantization{{1.0f}, {0}, 0};
    l.options.activation.kind = activation_;
  }

  void fill_constants(Layer& l) const {
    std::mt19937_64 rng(seed_ * 104729 + 3);
    std::vector<std::uint8_t> w(static_cast<std::size_t>(l.weights->element_count()));
    std::uniform_int_distribution<int> value(-127, 127);
    std::uniform_int_distribution<int> kind(0, 7);
    for (auto& b : w) {
      int v = value(rng);
      if (weight_mode_ == WeightMode::kExtreme) v = (v & 1) ? 127 : -127;
      else if (kind(rng) == 0) v = (v & 1) ? 127 : -127;
      b = static_cast<std::uint8_t>(static_cast<std::int8_t>(v));
    }
    l.weights->data = std::make_shared<const std::vector<std::uint8_t>>(std::move(w));
    if (l.bias) {
      std::vector<std::uint8_t> bytes;
      std::uniform_int_distribution<std::int32_t> bias(-(1 << 15), 1 << 15);
      for (std::int64_t i = 0; i < l.bias->element_count(); ++i) {
        const auto u = static_cast<std::uint32_t>(bias(rng));
        for (int k = 0; k < 4; ++k) bytes.push_back(static_cast<std::uint8_t>(u >> (8 * k)));
      }
      l.bias->data = std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes));
    }
  }

  static TensorDesc tensor(std::vector<std::int32_t> shape, ElementType type = ElementType::kInt8,
                           bool constant = false) {
    TensorDesc t;
    t.shape = std::move(shape);
    t.type = type;
    t.constant = constant;
    return t;
  }

  int input_zp_ = 0, output_zp_ = 0;
  bool per_channel_ = true;
  bool power_of_two_ = false;
  int exp_lo_ = -10, exp_hi_ = -6;
  ActivationKind activation_ = ActivationKind::kNone;
  WeightMode weight_mode_ = WeightMode::kRandom;
  bool bias_ = true;
  std::uint64_t seed_ = 1;
  int cases_ = 2;
};

class ConvTester : public TesterBase<ConvTester> {
 public:
  ConvTester& batches(int n) { EXPECT_GE(n, 1); batches_ = n; return *this; }
  ConvTester& input_size(int h, int w) { EXPECT_TRUE(h >= 1 && w >= 1); height_ = h; width_ = w; return *this; }
  ConvTester& in_channels(int c) { EXPECT_GE(c, 1); in_c_ = c; return *this; }
  ConvTester& out_channels(int c) { EXPECT_GE(c, 1); out_c_ = c; return *this; }
  ConvTester& kernel(int h, int w) { EXPECT_TRUE(h >= 1 && w >= 1); kh_ = h; kw_ = w; return *this; }
  ConvTester& stride(int s) { return stride(s, s); }
  ConvTester& stride(int h, int w) { EXPECT_TRUE(h >= 1 && w >= 1); sh_ = h; sw_ = w; return *this; }
  ConvTester& dilation(int d) { return dilation(d, d); }
  ConvTester& dilation(int h, int w) { EXPECT_TRUE(h >= 1 && w >= 1); dh_ = h; dw_ = w; return *this; }
  ConvTester& padding(Padding p) { padding_ = p; return *this; }
  // Input channels / filter input channels (both channel counts must divide by it).
  ConvTester& groups(int g) { EXPECT_GE(g, 1); groups_ = g; return *this; }
  ConvTester& layout(ActivationLayout l) { layout_ = l; return *this; }

  Layer layer() const {
    Layer l;
    l.op = OpKind::kConv2d;
    l.op_name = "CONV_2D";
    l.inputs = {tensor({batches_, height_, width_, in_c_})};
    l.weights = tensor({out_c_, kh_, kw_, in_c_ / groups_}, ElementType::kInt8, true);
    if (bias_) l.bias = tensor({out_c_}, ElementType::kInt32, true);
    const int ekh = (kh_ - 1) * dh_ + 1, ekw = (kw_ - 1) * dw_ + 1;
    const int oh = padding_ == Padding::kSame ? (height_ + sh_ - 1) / sh_ : (height_ - ekh) / sh_ + 1;
    const int ow = padding_ == Padding::kSame ? (width_ + sw_ - 1) / sw_ : (width_ - ekw) / sw_ + 1;
    l.outputs = {tensor({batches_, oh, ow, out_c_})};
    l.options.stride_h = sh_;
    l.options.stride_w = sw_;
    l.options.dilation_h = dh_;
    l.options.dilation_w = dw_;
    l.options.padding = padding_;
    l.options.layout = layout_;
    quantize(l, out_c_, 0);
    fill_constants(l);
    complete_layer(l);
    return l;
  }

  std::string shape_text() const {
    return fmt::format("conv {}x{}x{}x{} -> {} k{}x{} s{}x{} d{}x{} g{} {} zp {}/{} {} {}", batches_, height_, width_,
                       in_c_, out_c_, kh_, kw_, sh_, sw_, dh_, dw_, groups_, to_string(padding_), input_zp_, output_zp_,
                       to_string(activation_), to_string(layout_));
  }

 private:
  int batches_ = 1, height_ = 5, width_ = 5, in_c_ = 16, out_c_ = 4;
  int kh_ = 3, kw_ = 3, sh_ = 1, sw_ = 1, dh_ = 1, dw_ = 1, groups_ = 1;
  Padding padding_ = Padding::kSame;
  ActivationLayout layout_ = ActivationLayout::kNhwc;
};

class DepthwiseTester : public TesterBase<DepthwiseTester> {
 public:
  DepthwiseTester& batches(int n) { EXPECT_GE(n, 1); batches_ = n; return *this; }
  DepthwiseTester& input_size(int h, int w) { EXPECT_TRUE(h >= 1 && w >= 1); height_ = h; width_ = w; return *this; }
  DepthwiseTester& channels(int c) { EXPECT_GE(c, 1); channels_ = c; return *this; }
  DepthwiseTester& depth_multiplier(int m) { EXPECT_GE(m, 1); multiplier_ = m; return *this; }
  DepthwiseTester& kernel(int h, int w) { EXPECT_TRUE(h >= 1 && w >= 1); kh_ = h; kw_ = w; return *this; }
  DepthwiseTester& stride(int s) { return stride(s, s); }
  DepthwiseTester& stride(int h, int w) { EXPECT_TRUE(h >= 1 && w >= 1); sh_ = h; sw_ = w; return *this; }
  DepthwiseTester& dilation(int d) { return dilation(d, d); }
  DepthwiseTester& dilation(int h, int w) { EXPECT_TRUE(h >= 1 && w >= 1); dh_ = h; dw_ = w; return *this; }
  DepthwiseTester& padding(Padding p) { padding_ = p; return *this; }
  DepthwiseTester& layout(ActivationLayout l) { layout_ = l; return *this; }

  Layer layer() const {
    const int out_c = channels_ * multiplier_;
    Layer l;
    l.op = OpKind::kDepthwiseConv2d;
    l.op_name = "DEPTHWISE_CONV_2D";
    l.inputs = {tensor({batches_, height_, width_, channels_})};
    l.weights = tensor({1, kh_, kw_, out_c}, ElementType::kInt8, true);
    if (bias_) l.bias = tensor({out_c}, ElementType::kInt32, true);
    const int ekh = (kh_ - 1) * dh_ + 1, ekw = (kw_ - 1) * dw_ + 1;
    const int oh = padding_ == Padding::kSame ? (height_ + sh_ - 1) / sh_ : (height_ - ekh) / sh_ + 1;
    const int ow = padding_ == Padding::kSame ? (width_ + sw_ - 1) / sw_ : (width_ - ekw) / sw_ + 1;
    l.outputs = {tensor({batches_, oh, ow, out_c})};
    l.options.stride_h = sh_;
    l.options.stride_w = sw_;
    l.options.dilation_h = dh_;
    l.options.dilation_w = dw_;
    l.options.padding = padding_;
    l.options.layout = layout_;
    quantize(l, out_c, 3);
    fill_constants(l);
    complete_layer(l);
    return l;
  }

  std::string shape_text() const {
    return fmt::format("dwconv {}x{}x{}x{} dm {} k{}x{} s{}x{} d{}x{} {} zp {}/{} {} {}", batches_, height_, width_,
                       channels_, multiplier_, kh_, kw_, sh_, sw_, dh_, dw_, to_string(padding_), input_zp_, output_zp_,
                       to_string(activation_), to_string(layout_));
  }

 private:
  int batches_ = 1, height_ = 5, width_ = 5, channels_ = 16, multiplier_ = 1;
  int kh_ = 3, kw_ = 3, sh_ = 1, sw_ = 1, dh_ = 1, dw_ = 1;
  Padding padding_ = Padding::kSame;
  ActivationLayout layout_ = ActivationLayout::kNhwc;
};

class FullyConnectedTester : public TesterBase<FullyConnectedTester> {
 public:
  FullyConnectedTester& batches(int n) { EXPECT_GE(n, 1); batches_ = n; return *this; }
  FullyConnectedTester& depth(int d) { EXPECT_GE(d, 1); depth_ = d; return *this; }
  FullyConnectedTester& units(int u) { EXPECT_GE(u, 1); units_ = u; return *this; }
  // A rank-4 input [batches, h, w, c] (depth h * w * c) in `layout`: NCHW takes the weights' columns
  // in (c, h, w) order.
  FullyConnectedTester& image(int h, int w, int c, ActivationLayout layout) {
    EXPECT_TRUE(h >= 1 && w >= 1 && c >= 1);
    image_ = {h, w, c};
    depth_ = h * w * c;
    layout_ = layout;
    return *this;
  }

  Layer layer() const {
    Layer l;
    l.op = OpKind::kFullyConnected;
    l.op_name = "FULLY_CONNECTED";
    l.inputs = {image_.empty() ? tensor({batches_, depth_}) : tensor({batches_, image_[0], image_[1], image_[2]})};
    l.options.layout = layout_;
    l.weights = tensor({units_, depth_}, ElementType::kInt8, true);
    if (bias_) l.bias = tensor({units_}, ElementType::kInt32, true);
    l.outputs = {tensor({batches_, units_})};
    quantize(l, units_, 0);
    fill_constants(l);
    complete_layer(l);
    return l;
  }

  std::string shape_text() const {
    return fmt::format("fc {}x{} -> {} zp {}/{} {} {}", batches_, depth_, units_, input_zp_, output_zp_,
                       to_string(activation_), to_string(layout_));
  }

 private:
  int batches_ = 1, depth_ = 32, units_ = 8;
  std::vector<std::int32_t> image_;
  ActivationLayout layout_ = ActivationLayout::kNhwc;
};

// MAX_POOL_2D or, with op(OpKind::kAveragePool2d), AVERAGE_POOL_2D (no weights): the quantization
// knobs that apply are the zero point (input and output share it, as TFLM requires) and the
// activation.
class MaxPoolTester : public TesterBase<MaxPoolTester> {
 public:
  MaxPoolTester& op(OpKind kind) {
    EXPECT_TRUE(kind == OpKind::kMaxPool2d || kind == OpKind::kAveragePool2d);
    op_ = kind;
    return *this;
  }
  MaxPoolTester& batches(int n) { EXPECT_GE(n, 1); batches_ = n; return *this; }
  MaxPoolTester& input_size(int h, int w) { EXPECT_TRUE(h >= 1 && w >= 1); height_ = h; width_ = w; return *this; }
  MaxPoolTester& channels(int c) { EXPECT_GE(c, 1); channels_ = c; return *this; }
  MaxPoolTester& kernel(int h, int w) { EXPECT_TRUE(h >= 1 && w >= 1); kh_ = h; kw_ = w; return *this; }
  MaxPoolTester& stride(int s) { return stride(s, s); }
  MaxPoolTester& stride(int h, int w) { EXPECT_TRUE(h >= 1 && w >= 1); sh_ = h; sw_ = w; return *this; }
  MaxPoolTester& padding(Padding p) { padding_ = p; return *this; }

  Layer layer() const {
    Layer l;
    l.op = op_;
    l.op_name = op_ == OpKind::kMaxPool2d ? "MAX_POOL_2D" : "AVERAGE_POOL_2D";
    l.inputs = {tensor({batches_, height_, width_, channels_})};
    const int oh = padding_ == Padding::kSame ? (height_ + sh_ - 1) / sh_ : (height_ - kh_) / sh_ + 1;
    const int ow = padding_ == Padding::kSame ? (width_ + sw_ - 1) / sw_ : (width_ - kw_) / sw_ + 1;
    l.outputs = {tensor({batches_, oh, ow, channels_})};
    const float scale = activation_ == ActivationKind::kRelu6 ? 6.0f / 90.0f : 0.5f;
    l.inputs[0].quant = Quantization{{scale}, {input_zp_}, 0};
    l.outputs[0].quant = Quantization{{scale}, {input_zp_}, 0};
    l.options.activation.kind = activation_;
    l.options.filter_h = kh_;
    l.options.filter_w = kw_;
    l.options.stride_h = sh_;
    l.options.stride_w = sw_;
    l.options.padding = padding_;
    complete_layer(l);
    return l;
  }

  std::string shape_text() const {
    return fmt::format("{} {}x{}x{}x{} k{}x{} s{}x{} {} zp {} {}", op_ == OpKind::kMaxPool2d ? "maxpool" : "avgpool",
                       batches_, height_, width_, channels_, kh_, kw_,
                       sh_, sw_, to_string(padding_), input_zp_, to_string(activation_));
  }

 private:
  int batches_ = 1, height_ = 5, width_ = 5, channels_ = 16;
  int kh_ = 2, kw_ = 2, sh_ = 2, sw_ = 2;
  Padding padding_ = Padding::kSame;
  OpKind op_ = OpKind::kMaxPool2d;
};

}  // namespace pietune::kernels::testing
