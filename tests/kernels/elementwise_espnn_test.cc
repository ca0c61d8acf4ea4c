// add_espnn and mul_espnn (esp-nn's element-wise baselines): bit-exact over lengths around esp-nn's
// vector thresholds (ADD 12, MUL 8) and the 8-element block, zero points at the rails, clamps,
// scale ratios (flushed multipliers), left and deep right shifts, shapes and constant operands;
// the loop structure (vector trips size / 8, leftover size % 8); their rejections.
#include <gtest/gtest.h>

#include "kernels/registry.h"
#include "kernels/verify.h"
#include "model/timing/fast_model.h"
#include "model/timing/machine.h"
#include "tests/kernels/elementwise_tester.h"

namespace pietune::kernels {
namespace {

using testing::ElementwiseTester;

const FamilySpec& add_family() { return *find_family("add_espnn"); }
const FamilySpec& mul_family() { return *find_family("mul_espnn"); }
ElementwiseTester add() { return ElementwiseTester().op(OpKind::kAdd); }
ElementwiseTester mul() { return ElementwiseTester().op(OpKind::kMul); }
const Variant& add_variant() {
  static const Variant v = *parse_variant_name("add_qs8_espnn_8e_u1__pie_aligned_rqlanes");
  return v;
}
const Variant& mul_variant() {
  static const Variant v = *parse_variant_name("mul_qs8_espnn_8e_u1__pie_aligned_rqlanes");
  return v;
}

constexpr int kLengths[] = {1, 7, 8, 9, 11, 12, 15, 16, 17, 23, 24, 64, 1000, 1615};

// Trip counts of the generated loops, in program order.
std::vector<std::int64_t> loop_trips(const Layer& layer, const Variant& v) {
  const FamilySpec& f = *find_family(v.family);
  const GeneratedKernel k = f.generate(layer, v);
  std::vector<std::int64_t> trips;
  for (const model::Insn& insn : k.program.functions.at(0).insns)
    if (insn.trip_count != model::kUnknownTrips) trips.push_back(insn.trip_count);
  return trips;
}

TEST(ElementwiseEspnn, AddLengths) {
  for (int n : kLengths)
    EXPECT_EQ(add().length(n).zero_points(n % 7 - 3, 5).output_zero_point(-n % 11).seed(n).test(add_family()), 1) << n;
}

TEST(ElementwiseEspnn, MulLengths) {
  for (int n : kLengths)
    EXPECT_EQ(mul().length(n).zero_points(n % 5 - 128, 120).output_zero_point(n % 13).seed(n).test(mul_family()), 1)
        << n;
}

TEST(ElementwiseEspnn, AddZeroPointsClampsAndScales) {
  add().length(41).zero_points(-128, 127).output_zero_point(-128).seed(1).test(add_family());
  add().length(41).zero_points(127, -128).output_zero_point(127).seed(2).test(add_family());
  add().length(40).zero_points(-3, 9).output_zero_point(-128).activation(ActivationKind::kRelu).seed(3)
      .test(add_family());
  add().length(40).scales(0.05f, 0.05f, 6.0f / 255).activation(ActivationKind::kRelu6).output_zero_point(-128).seed(4)
      .test(add_family());
  // Equal scales, a ratio of 2^-12, one of 2^-40 (operand 1's multiplier flushes to 0, shift 0:
  // its rounding-shift branch is taken), an output multiplier near 1.
  add().length(50).scales(0.1f, 0.1f, 0.1f).zero_points(10, -20).seed(5).test(add_family());
  add().length(50).scales(1.0f, 1.0f / 4096, 0.01f).zero_points(-128, 127).seed(6).test(add_family());
  add().length(50).scales(1.0f, 1e-12f, 0.004f).zero_points(77, -77).seed(7).test(add_family());
  add().length(50).scales(1e-3f, 0.5f, 2.0f).output_zero_point(100).seed(8).test(add_family());
}

TEST(ElementwiseEspnn, MulZeroPointsClampsAndShifts) {
  mul().length(48).zero_points(-128, 127).output_zero_point(-128).seed(1).test(mul_family());
  mul().length(45).zero_points(127, 127).output_zero_point(127).seed(2).test(mul_family());
  mul().length(45).zero_points(-128, -128).scales(1.0f / 16, 1.0f / 32, 1.0f).seed(3).test(mul_family());
  mul().length(33).activation(ActivationKind::kRelu).output_zero_point(-128).seed(4).test(mul_family());
  mul().length(33).scales(0.1f, 0.2f, 6.0f / 255).activation(ActivationKind::kRelu6).output_zero_point(-128).seed(5)
      .test(mul_family());
  // Left shifts (multiplier 4 and 2^20: the products wrap as TFLM's int32 shift), shift 0 (the
  // rounding-shift branches taken), a deep right shift.
  mul().length(43).scales(1.0f, 1.0f, 0.25f).zero_points(3, -9).seed(6).test(mul_family());
  mul().length(43).scales(1024.0f, 1024.0f, 1.0f).zero_points(-128, 127).output_zero_point(90).seed(7)
      .test(mul_family());
  mul().length(43).scales(0.75f, 1.0f, 1.0f).zero_points(0, 0).seed(8).test(mul_family());
  mul().length(43).scales(1e-4f, 1e-4f, 1.0f).zero_points(-128, -128).seed(9).test(mul_family());
}

TEST(ElementwiseEspnn, ShapesAndConstantOperands) {
  for (const FamilySpec* f : {&add_family(), &mul_family()}) {
    const OpKind op = f->op;
    EXPECT_EQ(ElementwiseTester().op(op).shape({1, 5, 7, 16}).zero_points(-1, 2).seed(9).test(*f), 1);
    EXPECT_EQ(ElementwiseTester().op(op).shape({2, 3, 3, 17}).seed(10).test(*f), 1);
    EXPECT_EQ(ElementwiseTester().op(op).shape({1, 4, 4, 8}).operand_shape(1, {4, 4, 8}).seed(11).test(*f), 1);
    EXPECT_EQ(ElementwiseTester().op(op).length(45).constant_operand(1).zero_points(3, -128).seed(14).test(*f), 1);
    EXPECT_EQ(ElementwiseTester().op(op).length(45).constant_operand(0).zero_points(127, 3).seed(15).test(*f), 1);
  }
}

// esp-nn's loops: the vector loop runs size / 8 times from ADD's 12 and MUL's 8 elements on, the
// leftover loop the rest (all elements below the threshold).
TEST(ElementwiseEspnn, LoopStructure) {
  EXPECT_EQ(loop_trips(add().length(1615).layer(), add_variant()), (std::vector<std::int64_t>{201, 7}));
  EXPECT_EQ(loop_trips(add().length(16).layer(), add_variant()), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(loop_trips(add().length(11).layer(), add_variant()), (std::vector<std::int64_t>{11}));
  EXPECT_EQ(loop_trips(add().length(12).layer(), add_variant()), (std::vector<std::int64_t>{1, 4}));
  EXPECT_EQ(loop_trips(mul().length(1615).layer(), mul_variant()), (std::vector<std::int64_t>{201, 7}));
  EXPECT_EQ(loop_trips(mul().length(8).layer(), mul_variant()), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(loop_trips(mul().length(7).layer(), mul_variant()), (std::vector<std::int64_t>{7}));
  const GeneratedKernel k = add_family().generate(add().length(64).layer(), add_variant());
  EXPECT_EQ(k.input_align_bytes, 16u);
  EXPECT_EQ(k.output_align_bytes, 8u);
}

// Fast mode prices the programs as the emulated run does (all in SRAM): the same instruction count
// (the taken forward branches skip nothing) and cycles within 2%, shift-0 layers (taken blti per
// iteration) included.
TEST(ElementwiseEspnn, FastModeMatchesDetailed) {
  const model::FastModel fast(model::default_machine());
  const std::pair<Layer, const Variant*> cases[] = {
      {add().length(1615).seed(1).layer(), &add_variant()},
      {add().length(13).seed(2).layer(), &add_variant()},
      {add().length(100).scales(1.0f, 1e-12f, 0.004f).seed(3).layer(), &add_variant()},
      {mul().length(1615).seed(4).layer(), &mul_variant()},
      {mul().length(100).scales(0.75f, 1.0f, 1.0f).seed(5).layer(), &mul_variant()},
      {mul().length(7).seed(6).layer(), &mul_variant()},
  };
  for (const auto& [layer, v] : cases) {
    SCOPED_TRACE(v->name() + " " + std::to_string(layer.output().element_count()));
    const GeneratedKernel k = find_family(v->family)->generate(layer, *v);
    const model::Cost cost = fast.estimate(k.program.functions.at(0));
    const Verdict verdict = verify_kernel(layer, k, {.cases = 1, .seed = 1, .all_in_sram = true, .time_last_case = true});
    EXPECT_TRUE(verdict.passed());
    ASSERT_TRUE(verdict.detailed_cycles);
    EXPECT_NEAR(cost.cycles, *verdict.detailed_cycles, 0.02 * *verdict.detailed_cycles);
    EXPECT_EQ(cost.instructions, verdict.instructions);
  }
}

TEST(ElementwiseEspnn, Rejections) {
  // A single-element operand: esp-tflite-micro broadcasts with the reference op.
  Layer single = add().length(37).operand_shape(1, {1}).layer();
  std::optional<Rejection> r = add_family().legal(single, add_variant());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "broadcast");
  EXPECT_EQ(r->reason, "input 1 has one element against 37: esp-nn's element-wise add walks two operands of one size "
                       "(esp-tflite-micro broadcasts with the reference op)");
  r = check_legal(add_family(), single, add_variant());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "espnn_path");
  r = mul_family().legal(mul().length(20).operand_shape(0, {1}).layer(), mul_variant());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "broadcast");
  EXPECT_EQ(r->reason, "input 0 has one element against 20: esp-nn's element-wise multiply walks two operands of one "
                       "size (esp-tflite-micro broadcasts with the reference op)");

  r = add_family().legal(add().shape({1, 4, 4, 8}).operand_shape(1, {1, 1, 1, 8}).layer(), add_variant());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "broadcast");

  r = add_family().legal(add().length(8).scales(1.0f, 1.0f, 1e-6f).layer(), add_variant());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "multiplier_range");
  EXPECT_NE(r->reason.find("output multiplier"), std::string::npos) << r->reason;

  Layer int16 = mul().length(8).layer();
  int16.inputs[1].type = ElementType::kInt16;
  r = mul_family().legal(int16, mul_variant());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "types");
  EXPECT_EQ(r->reason, "input 1 type int16: the kernel takes int8");

  // The other baseline's op: check_legal names the esp-nn kernel this layer runs.
  r = check_legal(add_family(), add().length(8).operand_shape(0, {1}).layer(), add_variant());
  ASSERT_TRUE(r);
  EXPECT_NE(r->reason.find("esp_nn_add_elementwise_s8_esp32s3"), std::string::npos) << r->reason;
}

}  // namespace
}  // namespace pietune::kernels
