// mul_vec: lengths around the 16-element blocks and the unroll, zero points at the rails (products
// up to 255 * 255), clamps, left and right output shifts, 4-D and leading-one shapes,
// single-element and constant operands; the vector and scalar paths; its rejections.
#include <gtest/gtest.h>

#include "kernels/registry.h"
#include "tests/kernels/elementwise_tester.h"

namespace pietune::kernels {
namespace {

using testing::ElementwiseTester;

const FamilySpec& family() { return *find_family("mul_vec"); }
ElementwiseTester mul() { return ElementwiseTester().op(OpKind::kMul); }

TEST(MulVec, Lengths) {
  for (int n : {1, 3, 15, 16, 17, 64, 1000})
    EXPECT_EQ(mul().length(n).zero_points(n % 5 - 128, 120).output_zero_point(n % 13).seed(n).test(family()), 4) << n;
}

TEST(MulVec, ZeroPointsClampsAndShifts) {
  // Rails: (x - zp) reaches -255 and 255 on both operands.
  mul().length(48).zero_points(-128, 127).output_zero_point(-128).seed(1).test(family());
  mul().length(48).zero_points(127, 127).output_zero_point(127).seed(2).test(family());
  mul().length(48).zero_points(-128, -128).scales(1.0f / 16, 1.0f / 32, 1.0f).seed(3).test(family());
  mul().length(33).activation(ActivationKind::kRelu).output_zero_point(-128).seed(4).test(family());
  mul().length(33).scales(0.1f, 0.2f, 6.0f / 255).activation(ActivationKind::kRelu6).output_zero_point(-128).seed(5)
      .test(family());
  // Left shifts (real multiplier 4 and 2^20: the products wrap as TFLM's int32 shift does) and a
  // deep right shift.
  mul().length(40).scales(1.0f, 1.0f, 0.25f).zero_points(3, -9).seed(6).test(family());
  mul().length(40).scales(1024.0f, 1024.0f, 1.0f).zero_points(-128, 127).output_zero_point(90).seed(7).test(family());
  mul().length(40).scales(1e-4f, 1e-4f, 1.0f).zero_points(-128, -128).seed(8).test(family());
}

TEST(MulVec, ShapesAndOperands) {
  mul().shape({1, 5, 7, 16}).zero_points(-1, 2).seed(9).test(family());
  mul().shape({2, 3, 3, 17}).seed(10).test(family());
  mul().shape({1, 4, 4, 8}).operand_shape(0, {4, 4, 8}).seed(11).test(family());
  EXPECT_EQ(mul().length(37).operand_shape(1, {1}).zero_points(-128, 5).seed(12).test(family()), 2);
  EXPECT_EQ(mul().length(37).operand_shape(0, {1, 1}).seed(13).test(family()), 2);
  EXPECT_EQ(mul().length(45).constant_operand(1).zero_points(3, -128).seed(14).test(family()), 4);
  EXPECT_EQ(mul().length(45).constant_operand(0).zero_points(127, 3).seed(15).test(family()), 4);
}

TEST(MulVec, Rejections) {
  const Variant scalar = *parse_variant_name("mul_qs8_vec_1e_u1__pie_direct_rqscalar");
  const Variant vector = *parse_variant_name("mul_qs8_vec_16e_u2__pie_direct_rqscalar");
  std::optional<Rejection> r = family().legal(mul().shape({2, 3, 8}).operand_shape(1, {2, 1, 8}).layer(), scalar);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "broadcast");
  EXPECT_EQ(r->reason, "input shapes 2x3x8 and 2x1x8 differ: the kernel walks both operands element by element "
                       "(equal shapes, or one operand of a single element)");

  r = family().legal(mul().length(20).operand_shape(1, {1}).layer(), vector);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "vector_operands");
  EXPECT_EQ(r->reason, "input 1 has one element against 20: 16-element vector loads need two full operands (the 1e "
                       "path repeats it)");

  r = family().legal(mul().length(8).scales(65536.0f, 65536.0f, 0.25f).layer(), scalar);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "shift_range");
  EXPECT_EQ(r->reason, "output multiplier shift 35 outside -31..31");

  Layer uint8 = mul().length(8).layer();
  uint8.outputs[0].type = ElementType::kUint8;
  r = family().legal(uint8, scalar);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "types");
  EXPECT_EQ(r->reason, "output type uint8: the kernel writes int8");
}

}  // namespace
}  // namespace pietune::kernels
