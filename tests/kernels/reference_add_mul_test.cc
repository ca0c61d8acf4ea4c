// kernels/reference/add, mul and broadcast: hand-checked elements, NumPy broadcasting up to 6-D
// (shapes and which operand element each output reads), ADD's and MUL's multipliers, and seeded
// random cases against the per-element formulas of tflite_semantics.md §2.4-§2.5.
#include <random>

#include <gtest/gtest.h>

#include "kernels/reference/add.h"
#include "kernels/reference/broadcast.h"
#include "kernels/reference/mul.h"
#include "model/support/error.h"
#include "reference_test_support.h"

namespace pietune::kernels::reference {
namespace {

using namespace testing;

Layer binary_layer(OpKind op, Shape a, float sa, std::int64_t za, Shape b, float sb, std::int64_t zb,
                   float so, std::int64_t zo, ActivationKind act = ActivationKind::kNone) {
  Layer l;
  l.index = 3;
  l.op = op;
  l.op_name = op == OpKind::kAdd ? "ADD" : "MUL";
  l.inputs = {activation(a, sa, za), activation(b, sb, zb)};
  l.outputs = {activation(broadcast_shape(a, b), so, zo)};
  l.options.activation.kind = act;
  return completed(l);
}

// Flat index into `shape` (right-aligned against `out`) of the output element `flat`.
std::size_t operand_index(const Shape& shape, const Shape& out, std::int64_t flat) {
  std::vector<std::int64_t> coord(out.size());
  for (std::size_t d = out.size(); d-- > 0;) {
    coord[d] = flat % out[d];
    flat /= out[d];
  }
  std::int64_t index = 0;
  const std::size_t skip = out.size() - shape.size();
  for (std::size_t d = 0; d < shape.size(); ++d)
    index = index * shape[d] + (shape[d] == 1 ? 0 : coord[skip + d]);
  return static_cast<std::size_t>(index);
}

TEST(Broadcast, Shapes) {
  EXPECT_EQ(broadcast_shape({2, 1, 3}, {4, 1}), (Shape{2, 4, 3}));
  EXPECT_EQ(broadcast_shape({1, 2, 2, 3}, {3}), (Shape{1, 2, 2, 3}));
  EXPECT_EQ(broadcast_shape({}, {2, 2}), (Shape{2, 2}));
  EXPECT_EQ(broadcast_shape({2, 1, 2, 1, 2, 1}, {1, 3, 1, 2, 1, 2}), (Shape{2, 3, 2, 2, 2, 2}));
  EXPECT_THROW(broadcast_shape({2, 3}, {4, 3}), InputError);
  try {
    broadcast_shape({1, 1, 1, 1, 1, 1, 2}, {2});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "rank 7 above the 6 dimensions of broadcasting ops");
  }
  try {
    broadcast_shape({2, 3}, {4, 3});
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "input shapes 2x3 and 4x3 do not broadcast");
  }
}

TEST(Broadcast, WalkVisitsTheRightOperandElements) {
  const std::vector<std::pair<Shape, Shape>> cases = {
      {{2, 1, 3}, {4, 1}}, {{1, 2, 2, 3}, {3}}, {{3}, {1, 2, 2, 3}}, {{2, 1, 2, 1, 2, 1}, {1, 3, 1, 2, 1, 2}},
      {{}, {2, 2}},        {{2, 3}, {2, 3}}};
  for (const auto& [a, b] : cases) {
    const BroadcastWalk walk(a, b);
    std::int64_t visited = 0;
    walk.for_each([&](std::int64_t o, std::int64_t ia, std::int64_t ib) {
      EXPECT_EQ(o, visited++);
      EXPECT_EQ(static_cast<std::size_t>(ia), operand_index(a, walk.output_shape(), o));
      EXPECT_EQ(static_cast<std::size_t>(ib), operand_index(b, walk.output_shape(), o));
    });
    EXPECT_EQ(visited, shape_element_count(walk.output_shape()));
  }
}

TEST(ReferenceAdd, HandCheckedWithBroadcastBias) {
  // Equal scales 1, zp 0: multipliers 0.5, 0.5 and 2 / 2^20; out = a + b exactly.
  const Layer layer = binary_layer(OpKind::kAdd, {1, 2, 2, 3}, 1.0f, 0, {3}, 1.0f, 0, 1.0f, 0);
  const AddParams p = add_params(layer);
  EXPECT_EQ(p.input1_multiplier, (QuantizedMultiplier{1 << 30, 0}));
  EXPECT_EQ(p.output_multiplier, (QuantizedMultiplier{1 << 30, -18}));
  const Tensor a = Tensor::from_int8({1, 2, 2, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  const Tensor b = Tensor::from_int8({3}, {100, 0, -20});
  EXPECT_EQ(add(layer, a, b),
            Tensor::from_int8({1, 2, 2, 3}, {101, 2, -17, 104, 5, -14, 107, 8, -11, 110, 11, -8}));
}

TEST(ReferenceAdd, ScalesZeroPointsAndRelu) {
  // a: scale 0.5 zp 10; b: scale 0.25 zp -4; out: scale 1 zp -3. real values: (20-10)*0.5 = 5,
  // (0+4)*0.25 = 1 -> 6 -> q 3; (4-10)*0.5 = -3, (-8+4)*0.25 = -1 -> -4 -> q -7, RELU clamps to -3.
  const Layer layer =
      binary_layer(OpKind::kAdd, {2}, 0.5f, 10, {2}, 0.25f, -4, 1.0f, -3, ActivationKind::kRelu);
  EXPECT_EQ(add(layer, Tensor::from_int8({2}, {20, 4}), Tensor::from_int8({2}, {0, -8})),
            Tensor::from_int8({2}, {3, -3}));
}

TEST(ReferenceAdd, RefusesAnOutputScaleTooSmall) {
  const Layer layer = binary_layer(OpKind::kAdd, {2}, 1.0f, 0, {2}, 1.0f, 0, 1e-7f, 0);
  try {
    add_params(layer);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("layer 3 (ADD): output multiplier"), std::string::npos) << e.what();
  }
}

TEST(ReferenceMul, HandChecked) {
  // (3 - 1) * (-4 - 0) = -8 at real scale 0.5 * 0.25 / 0.125 = 1; (-1 - 1) * (5 - 0) = -10; zp 2.
  const Layer layer = binary_layer(OpKind::kMul, {2}, 0.5f, 1, {2}, 0.25f, 0, 0.125f, 2);
  EXPECT_EQ(mul_params(layer).output_multiplier, (QuantizedMultiplier{1 << 30, 1}));
  EXPECT_EQ(mul(layer, Tensor::from_int8({2}, {3, -1}), Tensor::from_int8({2}, {-4, 5})),
            Tensor::from_int8({2}, {-6, -8}));
}

TEST(ReferenceMul, BroadcastRowTimesColumn) {
  const Layer layer = binary_layer(OpKind::kMul, {3, 1}, 1.0f, 0, {1, 4}, 1.0f, 0, 1.0f, 0);
  EXPECT_EQ(mul(layer, Tensor::from_int8({3, 1}, {1, 2, 3}), Tensor::from_int8({1, 4}, {1, -1, 10, 0})),
            Tensor::from_int8({3, 4}, {1, -1, 10, 0, 2, -2, 20, 0, 3, -3, 30, 0}));
}

TEST(ReferenceAddMul, RandomBroadcastCasesMatchTheFormulas) {
  std::mt19937 rng(31);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::uniform_real_distribution<float> scale(0.01f, 0.2f);
  for (int i = 0; i < 200; ++i) {
    const int rank = pick(1, 6);
    Shape a(rank), b(static_cast<std::size_t>(pick(1, rank)));
    for (int d = 0; d < rank; ++d) a[d] = pick(1, 3);
    for (std::size_t d = 0; d < b.size(); ++d) {
      const std::int32_t ad = a[rank - b.size() + d];
      b[d] = pick(0, 2) == 0 ? 1 : ad;
      if (pick(0, 3) == 0) {  // broadcast the other way
        a[rank - b.size() + d] = 1;
        b[d] = ad;
      }
    }
    if (pick(0, 1) == 1) std::swap(a, b);
    const float sa = scale(rng), sb = scale(rng), so = scale(rng) * 2;
    const int za = pick(-128, 127), zb = pick(-128, 127), zo = pick(-128, 127);
    const Tensor ta =
        Tensor::from_int8(a, random_int8(rng, static_cast<std::size_t>(shape_element_count(a))));
    const Tensor tb =
        Tensor::from_int8(b, random_int8(rng, static_cast<std::size_t>(shape_element_count(b))));
    const Shape out = broadcast_shape(a, b);
    for (RoundingMode mode : {RoundingMode::kDouble, RoundingMode::kSingle}) {
      const bool single = mode == RoundingMode::kSingle;
      // ADD
      const double twice_max = 2.0 * static_cast<double>(std::max(sa, sb));
      const QuantizedMultiplier m1 = independent_multiplier(static_cast<double>(sa) / twice_max, single);
      const QuantizedMultiplier m2 = independent_multiplier(static_cast<double>(sb) / twice_max, single);
      const QuantizedMultiplier mo =
          independent_multiplier(twice_max / (1048576.0 * static_cast<double>(so)), single);
      const QuantizedMultiplier mm =
          independent_multiplier(static_cast<double>(sa) * sb / static_cast<double>(so), single);
      std::vector<std::int8_t> add_expected, mul_expected;
      for (std::int64_t o = 0; o < shape_element_count(out); ++o) {
        const int xa = ta.int8()[operand_index(a, out, o)] - za;
        const int xb = tb.int8()[operand_index(b, out, o)] - zb;
        const std::int32_t s1 = independent_requantize(xa * (1 << 20), m1, mode);
        const std::int32_t s2 = independent_requantize(xb * (1 << 20), m2, mode);
        add_expected.push_back(clamp_int8(independent_requantize(s1 + s2, mo, mode) + zo));
        mul_expected.push_back(clamp_int8(independent_requantize(xa * xb, mm, mode) + zo));
      }
      const Layer add_layer = binary_layer(OpKind::kAdd, a, sa, za, b, sb, zb, so, zo);
      const Layer mul_layer = binary_layer(OpKind::kMul, a, sa, za, b, sb, zb, so, zo);
      ASSERT_EQ(add(add_layer, ta, tb, mode), Tensor::from_int8(out, add_expected)) << "case " << i;
      ASSERT_EQ(mul(mul_layer, ta, tb, mode), Tensor::from_int8(out, mul_expected)) << "case " << i;
    }
  }
}

}  // namespace
}  // namespace pietune::kernels::reference
