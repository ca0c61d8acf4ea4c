// Tester builder for the element-wise families (ADD, MUL), in the style of kernel_testers.h:
//   ElementwiseTester().op(OpKind::kAdd).length(17).zero_points(-128, 127).output_zero_point(3)
//       .scales(0.02f, 0.5f, 0.1f).activation(ActivationKind::kRelu6).seed(7).test(family);
// The layer has two int8 operands of one shape (or a second shape for single-element and
// rejection cases), either of which may be a model constant with seeded random data. test() runs
// every legal variant of the family (or one given variant) in the emulator on random inputs
// against the reference op (TesterBase: the first mismatch with its variant) and checks that every
// rejected variant names its rule and reason.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/kernels/kernel_testers.h"
#include "tests/kernels/layer_builders.h"

namespace pietune::kernels::testing {

class ElementwiseTester : public TesterBase<ElementwiseTester> {
 public:
  ElementwiseTester& op(OpKind kind) {
    EXPECT_TRUE(kind == OpKind::kAdd || kind == OpKind::kMul) << to_string(kind);
    op_ = kind;
    return *this;
  }
  // Both operands and the output of shape [1, n].
  ElementwiseTester& length(int n) { return shape({1, n}); }
  ElementwiseTester& shape(std::vector<std::int32_t> s) {
    for (std::int32_t d : s) EXPECT_GE(d, 1);
    shape_ = std::move(s);
    return *this;
  }
  // Operand `which` (0 or 1) gets its own shape (a single element, or a rejected broadcast).
  ElementwiseTester& operand_shape(int which, std::vector<std::int32_t> s) {
    EXPECT_TRUE(which == 0 || which == 1) << which;
    operand_shape_[which] = std::move(s);
    return *this;
  }
  // Zero points of operand 0 (input_zero_point) and operand 1.
  ElementwiseTester& zero_points(int first, int second) {
    input_zero_point(first);
    EXPECT_TRUE(second >= -128 && second <= 127) << second;
    second_zp_ = second;
    return *this;
  }
  ElementwiseTester& scales(float first, float second, float output) {
    EXPECT_TRUE(first > 0 && second > 0 && output > 0);
    scales_ = {first, second, output};
    return *this;
  }
  // Operand `which` becomes a model constant with seeded random data (-1: none).
  ElementwiseTester& constant_operand(int which) {
    EXPECT_TRUE(which >= -1 && which <= 1) << which;
    constant_ = which;
    return *this;
  }

  // The layer's activation layout (NCHW: element-wise without broadcast, layout_agnostic).
  ElementwiseTester& layout(ActivationLayout l) {
    layout_ = l;
    return *this;
  }

  Layer layer() const {
    Layer l;
    l.op = op_;
    l.op_name = op_ == OpKind::kAdd ? "ADD" : "MUL";
    l.options.layout = layout_;
    const std::int64_t zps[2] = {input_zp_, second_zp_};
    const std::array<float, 3> scales = scales_.value_or(default_scales());
    for (int i = 0; i < 2; ++i) {
      const std::vector<std::int32_t>& s = operand_shape_[i] ? *operand_shape_[i] : shape_;
      l.inputs.push_back(testing::tensor(s, ElementType::kInt8, per_tensor(scales[i], zps[i]), i == constant_));
    }
    l.outputs = {testing::tensor(broadcast(l.inputs[0].shape, l.inputs[1].shape), ElementType::kInt8,
                                 per_tensor(scales[2], output_zp_))};
    l.options.activation.kind = activation_;
    if (constant_ >= 0) {
      TensorDesc& c = l.inputs[static_cast<std::size_t>(constant_)];
      std::mt19937_64 rng(seed_ * 6151 + 11);
      std::uniform_int_distribution<int> value(-128, 127);
      std::vector<std::uint8_t> bytes(static_cast<std::size_t>(element_count(c.shape)));
      for (auto& b : bytes) b = static_cast<std::uint8_t>(static_cast<std::int8_t>(value(rng)));
      c.data = std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes));
    }
    complete_layer(l);
    return l;
  }

  std::string shape_text() const {
    std::string operands;
    for (int i = 0; i < 2; ++i)
      operands += fmt::format("{}{}{}", i ? " , " : "", operand_shape_[i] ? shape_to_string(*operand_shape_[i])
                                                                           : shape_to_string(shape_),
                              i == constant_ ? " const" : "");
    const std::array<float, 3> scales = scales_.value_or(default_scales());
    return fmt::format("{} {} zp {}/{}/{} scales {}/{}/{} {} {}", op_ == OpKind::kAdd ? "add" : "mul", operands,
                       input_zp_, second_zp_, output_zp_, scales[0], scales[1], scales[2], to_string(activation_),
                       to_string(layout_));
  }

 private:
  // NumPy broadcasting: shapes aligned at the last dimension, the larger extent of each (the
  // rejection tests build shapes that do not broadcast; their output is never run).
  static std::vector<std::int32_t> broadcast(const std::vector<std::int32_t>& x, const std::vector<std::int32_t>& y) {
    std::vector<std::int32_t> out(std::max(x.size(), y.size()), 1);
    for (std::size_t i = 0; i < out.size(); ++i) {
      const std::int32_t dx = i < x.size() ? x[x.size() - 1 - i] : 1, dy = i < y.size() ? y[y.size() - 1 - i] : 1;
      out[out.size() - 1 - i] = std::max(dx, dy);
    }
    return out;
  }
  // Scales whose outputs span the int8 range without saturating most of it: ADD's sum of two
  // operands over 0.08; MUL's real multiplier 1/300, so products up to 255 * 255 reach the rails
  // and every 16-bit half of them matters.
  std::array<float, 3> default_scales() const {
    return op_ == OpKind::kAdd ? std::array<float, 3>{0.05f, 0.03f, 0.08f}
                               : std::array<float, 3>{0.05f, 0.03f, 0.05f * 0.03f * 300.0f};
  }
  static std::int64_t element_count(const std::vector<std::int32_t>& s) {
    std::int64_t n = 1;
    for (std::int32_t d : s) n *= d;
    return n;
  }

  OpKind op_ = OpKind::kAdd;
  ActivationLayout layout_ = ActivationLayout::kNhwc;
  std::vector<std::int32_t> shape_ = {1, 16};
  std::optional<std::vector<std::int32_t>> operand_shape_[2];
  int second_zp_ = 0;
  std::optional<std::array<float, 3>> scales_;
  int constant_ = -1;
};

}  // namespace pietune::kernels::testing
