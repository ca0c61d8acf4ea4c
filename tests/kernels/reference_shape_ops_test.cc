// kernels/reference reshape, pad, concatenation and mean: hand-checked small cases, the
// equal-quantization shortcut of MEAN (truncation) versus its requantizing path, and refusals.
#include <gtest/gtest.h>

#include "kernels/reference/concatenation.h"
#include "kernels/reference/mean.h"
#include "kernels/reference/pad.h"
#include "kernels/reference/reshape.h"
#include "model/support/error.h"
#include "reference_test_support.h"

namespace pietune::kernels::reference {
namespace {

using namespace testing;

Layer unary_layer(OpKind op, const char* name, TensorDesc in, TensorDesc out) {
  Layer l;
  l.index = 9;
  l.op = op;
  l.op_name = name;
  l.inputs = {std::move(in)};
  l.outputs = {std::move(out)};
  return l;
}

TEST(ReferenceReshape, KeepsValuesTakesTheOutputShape) {
  const Layer layer = completed(unary_layer(OpKind::kReshape, "RESHAPE", activation({1, 1, 1, 4}, 0.5f, 3),
                                            activation({1, 4}, 0.5f, 3)));
  EXPECT_EQ(reshape(layer, Tensor::from_int8({1, 1, 1, 4}, {1, -2, 3, -4})),
            Tensor::from_int8({1, 4}, {1, -2, 3, -4}));
}

TEST(ReferencePad, SpatialPadsFilledWithTheOutputZeroPoint) {
  Layer layer = unary_layer(OpKind::kPad, "PAD", activation({1, 2, 2, 1}, 1.0f, -5),
                            activation({1, 3, 4, 1}, 1.0f, -5));
  layer.options.pads = {1, 0, 0, 2};  // top, bottom, left, right
  layer = completed(layer);
  EXPECT_EQ(pad(layer, Tensor::from_int8({1, 2, 2, 1}, {1, 2, 3, 4})),
            Tensor::from_int8({1, 3, 4, 1}, {-5, -5, -5, -5, 1, 2, -5, -5, 3, 4, -5, -5}));
}

TEST(ReferencePad, FloatPadsWithZero) {
  Layer layer = unary_layer(OpKind::kPad, "PAD", activation({1, 1, 1, 2}, 1.0f, 0, -1, ElementType::kFloat32),
                            activation({1, 1, 2, 2}, 1.0f, 0, -1, ElementType::kFloat32));
  layer.inputs[0].quant.reset();
  layer.outputs[0].quant.reset();
  layer.options.pads = {0, 0, 1, 0};
  layer = completed(layer);
  EXPECT_EQ(pad(layer, Tensor::from_float32({1, 1, 1, 2}, {1.5f, -2.5f})),
            Tensor::from_float32({1, 1, 2, 2}, {0.0f, 0.0f, 1.5f, -2.5f}));
}

TEST(ReferencePad, RefusesWhatTheLayerDoesNotKeep) {
  Layer channels = completed(
      unary_layer(OpKind::kPad, "PAD", activation({1, 2, 2, 1}, 1.0f, 0), activation({1, 2, 2, 3}, 1.0f, 0)));
  try {
    pad_params(channels);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "layer 9 (PAD): padding of dimension 3 (1 to 3) not kept by the layer (only the spatial "
                 "pads of a rank-4 tensor are)");
  }
  Layer v2 = completed(unary_layer(OpKind::kPad, "PADV2", activation({1, 2, 2, 1}, 1.0f, 0),
                                   activation({1, 2, 2, 1}, 1.0f, 0)));
  try {
    pad_params(v2);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "layer 9 (PADV2): PADV2 not supported: the layer does not keep its constant pad value");
  }
}

Layer concat_layer(std::vector<TensorDesc> inputs, TensorDesc out, int axis,
                   ActivationKind act = ActivationKind::kNone) {
  Layer l;
  l.index = 11;
  l.op = OpKind::kConcatenation;
  l.op_name = "CONCATENATION";
  l.inputs = std::move(inputs);
  l.outputs = {std::move(out)};
  l.options.axis = axis;
  l.options.activation.kind = act;
  return completed(l);
}

TEST(ReferenceConcatenation, InterleavesAlongTheLastAxisAndCopiesRawValues) {
  // Different input quantization is copied as is, as TFLM's int8 path does.
  const Layer layer = concat_layer({activation({1, 1, 2, 1}, 0.5f, 1), activation({1, 1, 2, 2}, 0.25f, -3)},
                                   activation({1, 1, 2, 3}, 0.5f, 1), 3);
  const std::vector<Tensor> in{Tensor::from_int8({1, 1, 2, 1}, {1, 2}),
                               Tensor::from_int8({1, 1, 2, 2}, {10, 20, 30, 40})};
  EXPECT_EQ(concatenation(layer, in), Tensor::from_int8({1, 1, 2, 3}, {1, 10, 20, 2, 30, 40}));
}

TEST(ReferenceConcatenation, FirstAxisAppendsAndActivationIsRefused) {
  const Layer layer = concat_layer({activation({1, 2}, 1.0f, 0), activation({2, 2}, 1.0f, 0)},
                                   activation({3, 2}, 1.0f, 0), 0);
  const std::vector<Tensor> in{Tensor::from_int8({1, 2}, {1, 2}), Tensor::from_int8({2, 2}, {3, 4, 5, 6})};
  EXPECT_EQ(concatenation(layer, in), Tensor::from_int8({3, 2}, {1, 2, 3, 4, 5, 6}));
  const Layer relu = concat_layer({activation({1, 2}, 1.0f, 0), activation({2, 2}, 1.0f, 0)},
                                  activation({3, 2}, 1.0f, 0), 0, ActivationKind::kRelu);
  try {
    concatenation(relu, in);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "layer 11 (CONCATENATION): fused activation RELU not supported (TFLM takes NONE only)");
  }
}

Layer mean_layer(Shape in, float in_scale, std::int64_t in_zp, Shape out, float out_scale,
                 std::int64_t out_zp, std::vector<std::int32_t> axes, bool keep_dims) {
  Layer l = unary_layer(OpKind::kMean, "MEAN", activation(std::move(in), in_scale, in_zp),
                        activation(std::move(out), out_scale, out_zp));
  l.options.axes = std::move(axes);
  l.options.keep_dims = keep_dims;
  return completed(l);
}

const Tensor kMeanInput = Tensor::from_int8({1, 2, 2, 2}, {1, -1, 2, -2, 3, -3, 5, -5});

TEST(ReferenceMean, EqualQuantizationTruncates) {
  // Channel sums 11 and -11 over 4 values: 2.75 -> 2, -2.75 -> -2 (C division, no rounding).
  const Layer layer = mean_layer({1, 2, 2, 2}, 0.5f, 0, {1, 1, 1, 2}, 0.5f, 0, {1, 2}, true);
  EXPECT_EQ(mean(layer, kMeanInput), Tensor::from_int8({1, 1, 1, 2}, {2, -2}));
}

TEST(ReferenceMean, OtherQuantizationRequantizesWithTheFoldedCount) {
  // Scale 1 -> 0.5 (multiplier 2 = {2^30, 2}); n = 4 folds to {2^30, 0}: 11 * 0.5 = 5.5 -> 6,
  // -5.5 -> -5 (ties up at bit 31). With input zp 1: (11 - 4) * 0.5 = 3.5 -> 4; (-11 - 4) -> -7.5 -> -7.
  EXPECT_EQ(mean(mean_layer({1, 2, 2, 2}, 1.0f, 0, {1, 2}, 0.5f, 0, {1, 2}, false), kMeanInput),
            Tensor::from_int8({1, 2}, {6, -5}));
  EXPECT_EQ(mean(mean_layer({1, 2, 2, 2}, 1.0f, 1, {1, 2}, 0.5f, 0, {1, 2}, false), kMeanInput),
            Tensor::from_int8({1, 2}, {4, -7}));
}

TEST(ReferenceMean, NonPowerOfTwoCount) {
  // n = 3, scale 1 -> 1 with output zp 2: {2^30, 1} folds to {(2^31) / 3 = 715827882, 0}:
  // 10 -> floor((10 * 715827882 + 2^30) / 2^31) = 3 -> 5; -10 -> -3 -> -1.
  const Layer layer = mean_layer({2, 3}, 1.0f, 0, {2}, 1.0f, 2, {1}, false);
  EXPECT_EQ(mean(layer, Tensor::from_int8({2, 3}, {2, 3, 5, -2, -3, -5})), Tensor::from_int8({2}, {5, -1}));
}

TEST(ReferenceMean, UnknownAxesAreRefused) {
  const Layer layer = mean_layer({1, 2, 2, 2}, 1.0f, 0, {1, 2}, 1.0f, 0, {}, false);
  EXPECT_THROW(mean(layer, kMeanInput), InputError);
}

}  // namespace
}  // namespace pietune::kernels::reference
