// add_vec: lengths around the unroll and loop boundaries, zero points at the rails, clamps, scale
// ratios from equal to extreme (flushed multipliers), 4-D and leading-one shapes, single-element
// and constant operands; both epilogues and unrolls; its rejections.
#include <gtest/gtest.h>

#include "kernels/registry.h"
#include "tests/kernels/elementwise_tester.h"

namespace pietune::kernels {
namespace {

using testing::ElementwiseTester;

const FamilySpec& family() { return *find_family("add_vec"); }
ElementwiseTester add() { return ElementwiseTester().op(OpKind::kAdd); }

TEST(AddVec, Lengths) {
  for (int n : {1, 3, 15, 16, 17, 64, 1000})
    EXPECT_EQ(add().length(n).zero_points(n % 7 - 3, 5).output_zero_point(-n % 11).seed(n).test(family()), 4) << n;
}

TEST(AddVec, ZeroPointsClampsAndScales) {
  add().length(33).zero_points(-128, 127).output_zero_point(-128).seed(1).test(family());
  add().length(33).zero_points(127, -128).output_zero_point(127).seed(2).test(family());
  add().length(40).zero_points(-3, 9).output_zero_point(-128).activation(ActivationKind::kRelu).seed(3).test(family());
  add().length(40).scales(0.05f, 0.05f, 6.0f / 255).activation(ActivationKind::kRelu6).output_zero_point(-128).seed(4)
      .test(family());
  // Equal scales, a scale ratio of 2^-12, and one of 2^-40 (operand 1's multiplier flushes to 0).
  add().length(50).scales(0.1f, 0.1f, 0.1f).zero_points(10, -20).seed(5).test(family());
  add().length(50).scales(1.0f, 1.0f / 4096, 0.01f).zero_points(-128, 127).seed(6).test(family());
  add().length(50).scales(1.0f, 1e-12f, 0.004f).zero_points(77, -77).seed(7).test(family());
  add().length(50).scales(1e-3f, 0.5f, 2.0f).output_zero_point(100).seed(8).test(family());
}

TEST(AddVec, ShapesAndOperands) {
  add().shape({1, 5, 7, 16}).zero_points(-1, 2).seed(9).test(family());
  add().shape({2, 3, 3, 17}).seed(10).test(family());
  add().shape({1, 4, 4, 8}).operand_shape(1, {4, 4, 8}).seed(11).test(family());
  add().length(37).operand_shape(1, {1}).zero_points(-128, 5).seed(12).test(family());
  add().length(37).operand_shape(0, {1, 1, 1, 1}).seed(13).test(family());
  add().length(45).constant_operand(1).zero_points(3, -128).seed(14).test(family());
  add().length(45).constant_operand(0).zero_points(127, 3).seed(15).test(family());
  add().length(21).operand_shape(1, {1}).constant_operand(1).seed(16).test(family());
}

TEST(AddVec, Rejections) {
  const Variant v = *parse_variant_name("add_qs8_vec_1e_u1__pie_direct_rqtable");
  std::optional<Rejection> r = family().legal(add().shape({1, 4, 4, 8}).operand_shape(1, {1, 1, 1, 8}).layer(), v);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "broadcast");
  EXPECT_EQ(r->reason, "input shapes 1x4x4x8 and 1x1x1x8 differ: the kernel walks both operands element by element "
                       "(equal shapes, or one operand of a single element)");

  r = family().legal(add().length(8).scales(1.0f, 1.0f, 1e-6f).layer(), v);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "multiplier_range");
  EXPECT_NE(r->reason.find("output multiplier"), std::string::npos) << r->reason;

  Layer int16 = add().length(8).layer();
  int16.inputs[1].type = ElementType::kInt16;
  r = family().legal(int16, v);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "types");
  EXPECT_EQ(r->reason, "input 1 type int16: the kernel takes int8");

  Layer both = add().length(8).constant_operand(0).layer();
  both.inputs[1].constant = true;
  r = family().legal(both, v);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "operands");
}

}  // namespace
}  // namespace pietune::kernels
