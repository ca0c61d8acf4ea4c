// conv_espnn_1x1 (esp-nn's mult8 1x1 kernel as a baseline): blocks of 8 pixels and the leftover
// path, in_ch 8 (no MAC loop) to 64, zero points, clamps, left and right shifts, no bias,
// batches; the generated structure; its rejections.
#include <algorithm>

#include <gtest/gtest.h>

#include "kernels/registry.h"
#include "kernels/verify.h"
#include "model/timing/fast_model.h"
#include "model/timing/machine.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using testing::ConvTester;
using testing::WeightMode;

const FamilySpec& family() { return *find_family("conv_espnn_1x1"); }
const Variant& variant() {
  static const Variant v = *parse_variant_name("conv_qs16_espnn1x1_8p1c_u1__pie_widened_rqespnn");
  return v;
}

ConvTester pointwise(int h, int w, int in_c, int out_c) {
  return ConvTester().kernel(1, 1).padding(Padding::kValid).input_size(h, w).in_channels(in_c).out_channels(out_c);
}

std::int64_t count(const GeneratedKernel& k, model::Opcode op) {
  const auto& insns = k.program.functions.at(0).insns;
  return std::count_if(insns.begin(), insns.end(), [&](const model::Insn& i) { return i.opcode == op; });
}

TEST(ConvEspnn1x1, ValidationShapes) {
  pointwise(8, 8, 16, 16).input_zero_point(-5).output_zero_point(3).seed(1).test(variant());
  pointwise(10, 10, 64, 64).input_zero_point(-5).output_zero_point(3).seed(2).test(variant());
}

TEST(ConvEspnn1x1, BlocksAndLeftoverPixels) {
  for (int size : {1, 7, 8, 9, 15, 16, 23}) {
    SCOPED_TRACE(size);
    pointwise(1, size, 16, 5).seed(static_cast<std::uint64_t>(size)).test(variant());
  }
  pointwise(3, 5, 24, 3).seed(3).test(variant());
}

TEST(ConvEspnn1x1, ChannelsZeroPointsClampsShifts) {
  for (int c : {8, 16, 24, 40, 64})
    pointwise(3, 4, c, c % 3 + 1).input_zero_point(c == 8 ? -128 : 127).seed(static_cast<std::uint64_t>(c))
        .test(variant());
  pointwise(4, 3, 32, 17).weights(WeightMode::kExtreme).input_zero_point(-128).activation(ActivationKind::kRelu6)
      .seed(4).test(variant());
  pointwise(3, 3, 16, 9).multiplier_exponents(0, 2).output_zero_point(-128).seed(5).test(variant());
  pointwise(3, 3, 16, 9).multiplier_exponents(-3, 1).activation(ActivationKind::kRelu).seed(6).test(variant());
  pointwise(3, 3, 16, 9).per_channel(false).multiplier_exponents(-20, -18).seed(7).test(variant());
  // Left shifts of 8 to 12 (vww_96_int8 has shift-8 layers): the shifted accumulators wrap, in
  // esp-nn's VSL.32 as in TFLM.
  pointwise(3, 3, 64, 9).multiplier_exponents(8, 12).seed(8).test(variant());
  pointwise(5, 2, 16, 4).with_bias(false).seed(8).test(variant());
  pointwise(3, 3, 8, 4).batches(2).seed(9).cases(3).test(variant());
}

TEST(ConvEspnn1x1, EspnnStructure) {
  const GeneratedKernel k = family().generate(pointwise(3, 3, 32, 4).layer(), variant());
  EXPECT_EQ(k.scratch_bytes, 16u * (32 + 2)) << "the transposed block of 8 pixels, int16, plus the MAC over-read";
  ASSERT_EQ(k.constants.size(), 4u);
  EXPECT_EQ(k.constants[0].bytes.size(), 32u * 4) << "the filter as TFLite stores it: no copy";
  EXPECT_EQ(k.input_align_bytes, 8u);
  // 6 + 8 per loop iteration one filter tap per EE.VSMULAS (the loop body appears once), 2 after.
  EXPECT_EQ(count(k, model::Opcode::kEeVsmulasS16QaccLdIncp), 14);
  EXPECT_EQ(count(k, model::Opcode::kEeVsmulasS16Qacc), 2);
  // Two inlined helpers per block channel: 4 mulsh each.
  EXPECT_EQ(count(k, model::Opcode::kMulsh), 8 + 1) << "the block helpers and the leftover scalar path";
  EXPECT_EQ(count(k, model::Opcode::kEeVmulasS16Qacc), 2) << "the leftover loop body and its last MAC";
}

// The shift branches are data-dependent (esp-nn tests each channel's shift sign): fast mode
// assumes them not taken. With right shifts everywhere (the validation tests' scales) it must
// still agree with the detailed run of the emulated program.
TEST(ConvEspnn1x1, FastModeAgreesWithDetailed) {
  const Layer layer = pointwise(8, 8, 16, 16).input_zero_point(-5).output_zero_point(3).seed(1).layer();
  const GeneratedKernel k = family().generate(layer, variant());
  const model::Cost cost = model::FastModel(model::default_machine()).estimate(k.program.functions.at(0));
  const Verdict verdict = verify_kernel(layer, k, {.cases = 1, .seed = 1, .all_in_sram = true, .time_last_case = true});
  EXPECT_TRUE(verdict.passed());
  ASSERT_TRUE(verdict.detailed_cycles);
  EXPECT_NEAR(cost.cycles, *verdict.detailed_cycles, 0.02 * *verdict.detailed_cycles);
  RecordProperty("fast_cycles", static_cast<int>(cost.cycles));
  RecordProperty("detailed_cycles", static_cast<int>(*verdict.detailed_cycles));
  RecordProperty("fast_instructions", static_cast<int>(cost.instructions));
  RecordProperty("executed_instructions", static_cast<int>(verdict.instructions));
}

TEST(ConvEspnn1x1, Rejections) {
  const Layer kernel3 = ConvTester().in_channels(16).kernel(3, 3).layer();
  std::optional<Rejection> r = family().legal(kernel3, variant());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "pointwise");
  EXPECT_EQ(r->reason, "kernel 3x3, stride 1x1, a border, 1 group(s), in_ch 16: esp-nn's mult8 1x1 kernel takes "
                       "1x1, stride 1, pad 0, one group and in_ch % 8 == 0");

  r = check_legal(family(), pointwise(3, 3, 12, 4).layer(), variant());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "espnn_path") << "in_ch 12: esp-nn runs esp_nn_conv_s8_1x1 instead";

  // Left shifts wrap in esp-nn's VSL.32 as in TFLM: a large one is exact.
  EXPECT_FALSE(family().legal(pointwise(2, 2, 64, 4).multiplier_exponents(20, 20).layer(), variant()));
  // 65800 input channels can sum past 2^31: the bias add would saturate.
  r = family().legal(pointwise(1, 1, 65800, 1).layer(), variant());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "espnn_acc_range");
  EXPECT_NE(r->reason.find("(|bias| + in_ch 65800 x 255 x 128)"), std::string::npos) << r->reason;
  EXPECT_NE(r->reason.find("reach 2^31: esp-nn's saturating vector adds would differ from TFLM"),
            std::string::npos)
      << r->reason;
}

}  // namespace
}  // namespace pietune::kernels
