// kernels/reference/pooling: average rounding (halves away from zero), padding taps not counted,
// activation clamps, max pooling, and the refusal of mismatched quantization.
#include "kernels/reference/pooling.h"

#include <gtest/gtest.h>

#include "model/support/error.h"
#include "reference_test_support.h"

namespace pietune::kernels::reference {
namespace {

using namespace testing;

Layer pool_layer(OpKind op, Shape in, Shape out, int fh, int fw, int stride, Padding padding,
                 ActivationKind act = ActivationKind::kNone, float out_scale = 1.0f) {
  Layer l;
  l.index = 5;
  l.op = op;
  l.op_name = op == OpKind::kAveragePool2d ? "AVERAGE_POOL_2D" : "MAX_POOL_2D";
  l.inputs = {activation(std::move(in), 1.0f, 0)};
  l.outputs = {activation(std::move(out), out_scale, 0)};
  l.options.filter_h = fh;
  l.options.filter_w = fw;
  l.options.stride_h = l.options.stride_w = stride;
  l.options.padding = padding;
  l.options.activation.kind = act;
  return completed(l);
}

TEST(ReferenceAveragePool, RoundsHalvesAwayFromZero) {
  // 1x2 windows over pairs: 2+3 = 5/2 = 2.5 -> 3; -5/2 -> -3; 1+0 = 0.5 -> 1; -1+0 -> -1; 4/2 = 2.
  const Layer layer =
      pool_layer(OpKind::kAveragePool2d, {1, 1, 10, 1}, {1, 1, 5, 1}, 1, 2, 2, Padding::kValid);
  const Tensor x = Tensor::from_int8({1, 1, 10, 1}, {2, 3, -2, -3, 1, 0, -1, 0, 2, 2});
  EXPECT_EQ(average_pool2d(layer, x), Tensor::from_int8({1, 1, 5, 1}, {3, -3, 1, -1, 2}));
}

TEST(ReferenceAveragePool, ThirdsRoundToNearest) {
  // 1x3 windows: 7/3 = 2.33 -> 2; 8/3 = 2.67 -> 3; -7/3 -> -2; -8/3 -> -3.
  const Layer layer =
      pool_layer(OpKind::kAveragePool2d, {1, 1, 12, 1}, {1, 1, 4, 1}, 1, 3, 3, Padding::kValid);
  const Tensor x = Tensor::from_int8({1, 1, 12, 1}, {2, 2, 3, 2, 3, 3, -2, -2, -3, -2, -3, -3});
  EXPECT_EQ(average_pool2d(layer, x), Tensor::from_int8({1, 1, 4, 1}, {2, 3, -2, -3}));
}

TEST(ReferenceAveragePool, PaddingTapsAreNotCounted) {
  // 3x3 SAME over 1..9: corner (0,0) averages 1 2 4 5 = 3; edge (0,1) 1..6 = 3.5 -> 4; centre 5;
  // corner (2,2) 5 6 8 9 = 7. Counting the padding would give 12/9 = 1 at the corner.
  const Layer layer = pool_layer(OpKind::kAveragePool2d, {1, 3, 3, 1}, {1, 3, 3, 1}, 3, 3, 1, Padding::kSame);
  const Tensor out = average_pool2d(layer, Tensor::from_int8({1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(out, Tensor::from_int8({1, 3, 3, 1}, {3, 4, 4, 5, 5, 6, 6, 7, 7}));
}

TEST(ReferenceAveragePool, ChannelsAndStrideWithGlobalWindow) {
  // Global 2x2 average of two channels, as the models' final pools.
  const Layer layer =
      pool_layer(OpKind::kAveragePool2d, {1, 2, 2, 2}, {1, 1, 1, 2}, 2, 2, 2, Padding::kValid);
  EXPECT_EQ(average_pool2d(layer, Tensor::from_int8({1, 2, 2, 2}, {10, -1, 20, -2, 30, -3, 41, -4})),
            Tensor::from_int8({1, 1, 1, 2}, {25, -3}));  // 101/4 = 25.25; -10/4 = -2.5 -> -3
}

TEST(ReferenceMaxPool, MaximumAndClamp) {
  const Layer layer = pool_layer(OpKind::kMaxPool2d, {1, 2, 4, 1}, {1, 1, 2, 1}, 2, 2, 2, Padding::kValid);
  EXPECT_EQ(max_pool2d(layer, Tensor::from_int8({1, 2, 4, 1}, {-5, -9, 7, 1, -128, -6, 3, 100})),
            Tensor::from_int8({1, 1, 2, 1}, {-5, 100}));
  // RELU at zp 0 clamps negatives to 0; RELU6 at scale 1 also caps at 6.
  const Layer relu6 = pool_layer(OpKind::kMaxPool2d, {1, 2, 4, 1}, {1, 1, 2, 1}, 2, 2, 2, Padding::kValid,
                                 ActivationKind::kRelu6);
  EXPECT_EQ(max_pool2d(relu6, Tensor::from_int8({1, 2, 4, 1}, {-5, -9, 7, 1, -128, -6, 3, 100})),
            Tensor::from_int8({1, 1, 2, 1}, {0, 6}));
}

TEST(ReferencePooling, RefusesRequantization) {
  const Layer layer = pool_layer(OpKind::kAveragePool2d, {1, 2, 2, 1}, {1, 1, 1, 1}, 2, 2, 2, Padding::kValid,
                                 ActivationKind::kNone, 0.5f);
  try {
    average_pool2d(layer, Tensor::from_int8({1, 2, 2, 1}, {1, 2, 3, 4}));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "layer 5 (AVERAGE_POOL_2D): output quantization (scale 0.5, zero point 0) differs from "
                 "the input's (scale 1, zero point 0): pooling does not requantize");
  }
}

}  // namespace
}  // namespace pietune::kernels::reference
