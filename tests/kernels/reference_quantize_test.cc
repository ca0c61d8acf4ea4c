// kernels/reference/quantize and dequantize: float rounding (halves away from zero) and clamps,
// integer requantization in both rounding modes, the int16 -> int8 input path, unsupported pairs.
#include <gtest/gtest.h>

#include "kernels/reference/dequantize.h"
#include "kernels/reference/quantize.h"
#include "model/support/error.h"
#include "reference_test_support.h"

namespace pietune::kernels::reference {
namespace {

using namespace testing;

Layer convert_layer(OpKind op, Shape shape, ElementType in_type, float in_scale, std::int64_t in_zp,
                    ElementType out_type, float out_scale, std::int64_t out_zp) {
  Layer l;
  l.index = 0;
  l.op = op;
  l.op_name = op == OpKind::kQuantize ? "QUANTIZE" : "DEQUANTIZE";
  l.inputs = {activation(shape, in_scale, in_zp, -1, in_type)};
  l.outputs = {activation(shape, out_scale, out_zp, -1, out_type)};
  if (out_type == ElementType::kFloat32) l.outputs[0].quant.reset();
  if (in_type == ElementType::kFloat32) l.inputs[0].quant.reset();
  return completed(l);
}

TEST(ReferenceQuantize, FloatToInt8RoundsHalvesAwayFromZeroAndClamps) {
  // scale 0.5, zp -1: 1.25 / 0.5 = 2.5 -> 3 -> 2; -1.25 -> -2.5 -> -3 -> -4; 0.2 -> 0.4 -> 0 -> -1.
  const Layer layer =
      convert_layer(OpKind::kQuantize, {5}, ElementType::kFloat32, 1.0f, 0, ElementType::kInt8, 0.5f, -1);
  EXPECT_EQ(quantize(layer, Tensor::from_float32({5}, {1.25f, -1.25f, 0.2f, 1000.0f, -1000.0f})),
            Tensor::from_int8({5}, {2, -4, -1, 127, -128}));
}

TEST(ReferenceQuantize, FloatToInt16) {
  const Layer layer = convert_layer(OpKind::kQuantize, {3}, ElementType::kFloat32, 1.0f, 0,
                                    ElementType::kInt16, 1.0f / 1024.0f, 0);
  EXPECT_EQ(quantize(layer, Tensor::from_float32({3}, {1.5f, -40.0f, 0.00048828125f})),
            Tensor::from_int16({3}, {1536, -32768, 1}));  // 0.5 step -> rounds away from zero
}

TEST(ReferenceQuantize, Int8RequantizeShowsTheRoundingModes) {
  // in scale 1, out scale 4 (x 0.25), out zp 5: -6 -> -1.5 (double -2, single -1); 6 -> 1.5 -> 2; 3 -> 0.75
  // -> 1.
  const Layer layer =
      convert_layer(OpKind::kQuantize, {3}, ElementType::kInt8, 1.0f, 0, ElementType::kInt8, 4.0f, 5);
  const Tensor x = Tensor::from_int8({3}, {-6, 6, 3});
  EXPECT_EQ(quantize(layer, x, RoundingMode::kDouble), Tensor::from_int8({3}, {3, 7, 6}));
  EXPECT_EQ(quantize(layer, x, RoundingMode::kSingle), Tensor::from_int8({3}, {4, 7, 6}));
}

TEST(ReferenceQuantize, Int16ToInt8AndInt8ToInt32) {
  // x / 16 with zp 0: 1600 -> 100, 3000 -> 187.5 -> clamp 127, -24 -> -1.5 -> -2.
  const Layer down = convert_layer(OpKind::kQuantize, {3}, ElementType::kInt16, 1.0f / 1024.0f, 0,
                                   ElementType::kInt8, 1.0f / 64.0f, 0);
  EXPECT_EQ(quantize(down, Tensor::from_int16({3}, {1600, 3000, -24})),
            Tensor::from_int8({3}, {100, 127, -2}));
  // int8 zp 3 to int32 at 8x finer scale: (x - 3) * 8.
  const Layer up =
      convert_layer(OpKind::kQuantize, {2}, ElementType::kInt8, 1.0f, 3, ElementType::kInt32, 0.125f, 0);
  EXPECT_EQ(quantize(up, Tensor::from_int8({2}, {-128, 127})), Tensor::from_int32({2}, {-1048, 992}));
}

TEST(ReferenceQuantize, RefusesUnsupportedPairs) {
  const Layer layer =
      convert_layer(OpKind::kQuantize, {2}, ElementType::kFloat32, 1.0f, 0, ElementType::kInt32, 1.0f, 0);
  try {
    quantize(layer, Tensor::from_float32({2}, {0.0f, 1.0f}));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "layer 0 (QUANTIZE): float32 to int32 not supported");
  }
}

TEST(ReferenceDequantize, Int8AndInt16ToFloat) {
  const Layer layer =
      convert_layer(OpKind::kDequantize, {3}, ElementType::kInt8, 0.25f, 1, ElementType::kFloat32, 1, 0);
  EXPECT_EQ(dequantize(layer, Tensor::from_int8({3}, {-3, 1, 127})),
            Tensor::from_float32({3}, {-1.0f, 0.0f, 31.5f}));
  const Layer wide =
      convert_layer(OpKind::kDequantize, {2}, ElementType::kInt16, 0.001f, 0, ElementType::kFloat32, 1, 0);
  EXPECT_EQ(dequantize(wide, Tensor::from_int16({2}, {1000, -32768})),
            Tensor::from_float32({2}, {0.001f * 1000.0f, 0.001f * -32768.0f}));
}

}  // namespace
}  // namespace pietune::kernels::reference
