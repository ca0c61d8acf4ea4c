// activation_test: fused activation clamp bounds from the output quantization (§2.0), float math.
#include "kernels/activation.h"

#include <gtest/gtest.h>

#include "model/support/error.h"

namespace pietune::kernels {
namespace {

void expect_bounds(const Activation& a, std::int32_t min, std::int32_t max) {
  EXPECT_EQ(a.min, min);
  EXPECT_EQ(a.max, max);
}

TEST(ActivationTest, NoneTanhSignBitKeepTheTypeRange) {
  expect_bounds(make_activation(ActivationKind::kNone, ElementType::kInt8, 0.1f, 3), -128, 127);
  expect_bounds(make_activation(ActivationKind::kTanh, ElementType::kInt8, 0.1f, 3), -128, 127);
  expect_bounds(make_activation(ActivationKind::kSignBit, ElementType::kUint8, 0.1f, 3), 0, 255);
  expect_bounds(make_activation(ActivationKind::kNone, ElementType::kInt16, 0.1f, 0), -32768, 32767);
}

TEST(ActivationTest, ReluClampsAtTheZeroPoint) {
  expect_bounds(make_activation(ActivationKind::kRelu, ElementType::kInt8, 0.05f, -10), -10, 127);
  expect_bounds(make_activation(ActivationKind::kRelu, ElementType::kInt8, 0.05f, -128), -128, 127);
  expect_bounds(make_activation(ActivationKind::kRelu, ElementType::kUint8, 0.05f, 10), 10, 255);
}

TEST(ActivationTest, Relu6) {
  // person_detect.tflite operator 0 output: scale 0.0235294122248888 (6/255), zp -128 (read with a
  // raw flatbuffer walk): -128 + round(6 / scale) = -128 + 255 = 127.
  expect_bounds(make_activation(ActivationKind::kRelu6, ElementType::kInt8, 0.0235294122248888f, -128),
                -128, 127);
  // scale 0.05, zp -10: 6 / 0.05 = 120 -> [-10, 110].
  expect_bounds(make_activation(ActivationKind::kRelu6, ElementType::kInt8, 0.05f, -10), -10, 110);
  // A large scale leaves 6.0 well inside: 6 / 0.5 = 12 -> [0, 12].
  expect_bounds(make_activation(ActivationKind::kRelu6, ElementType::kInt8, 0.5f, 0), 0, 12);
  // A tiny scale puts quantize(6) far above 127: clamped to the type's max.
  expect_bounds(make_activation(ActivationKind::kRelu6, ElementType::kInt8, 0.001f, 0), 0, 127);
}

TEST(ActivationTest, ReluN1To1) {
  // scale 0.02, zp 5: round(-1 / 0.02) = -50 -> -45; round(1 / 0.02) = 50 -> 55.
  expect_bounds(make_activation(ActivationKind::kReluN1To1, ElementType::kInt8, 0.02f, 5), -45, 55);
  // scale 1/128, zp 0: -128 and 128 -> clamped to [-128, 127].
  expect_bounds(make_activation(ActivationKind::kReluN1To1, ElementType::kInt8, 0.0078125f, 0), -128, 127);
}

TEST(ActivationTest, DivisionAndRoundingAreDoneInFloat) {
  // 6 / 0.8f: in double 7.4999998882... rounds to 7, but the float quotient is exactly 7.5f and
  // rounds (away from zero) to 8. TFLite divides and rounds in float, so the bound is 8.
  expect_bounds(make_activation(ActivationKind::kRelu6, ElementType::kInt8, 0.8f, 0), 0, 8);
  // -1 / 0.4f is -2.5f in float (-2.4999999627 in double); ties round away from zero: -3 and 3.
  expect_bounds(make_activation(ActivationKind::kReluN1To1, ElementType::kInt8, 0.4f, 0), -3, 3);
}

TEST(ActivationTest, Relu6NeedsAPositiveScale) {
  EXPECT_THROW(make_activation(ActivationKind::kRelu6, ElementType::kInt8, 0.0f, 0), InputError);
  EXPECT_THROW(make_activation(ActivationKind::kReluN1To1, ElementType::kInt8, -1.0f, 0), InputError);
  // RELU does not divide by the scale.
  expect_bounds(make_activation(ActivationKind::kRelu, ElementType::kInt8, 0.0f, 3), 3, 127);
}

TEST(ActivationTest, ForOutputTensor) {
  TensorDesc out;
  out.type = ElementType::kInt8;
  out.quant = Quantization{{0.05f}, {-10}, 0};
  expect_bounds(activation_for_output(ActivationKind::kRelu6, out), -10, 110);

  TensorDesc float_out;
  float_out.type = ElementType::kFloat32;  // float models: the kind only, no quantized clamp
  const Activation a = activation_for_output(ActivationKind::kRelu6, float_out);
  EXPECT_EQ(a.kind, ActivationKind::kRelu6);
  EXPECT_EQ(a.min, std::numeric_limits<std::int32_t>::min());
  EXPECT_EQ(a.max, std::numeric_limits<std::int32_t>::max());

  TensorDesc unquantized_int8;
  unquantized_int8.type = ElementType::kInt8;
  EXPECT_THROW(activation_for_output(ActivationKind::kRelu6, unquantized_int8), InputError);
}

}  // namespace
}  // namespace pietune::kernels
