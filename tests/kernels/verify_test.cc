// verify_variant / verify_kernel: a correct kernel passes, a corrupted one is caught with the
// first mismatch's coordinates, faults and stray writes are reported, illegal variants are errors.
#include "kernels/verify.h"

#include <gtest/gtest.h>

#include "kernels/registry.h"
#include "model/support/error.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using testing::ConvTester;

const Variant& aligned_conv() {
  static const Variant v = *parse_variant_name("conv_qs8_accx_1p1c_u1__pie_aligned_rqscalar");
  return v;
}

TEST(Verify, CorrectKernelPasses) {
  const Layer layer = ConvTester().in_channels(5).out_channels(3).seed(3).layer();
  const Verdict v = verify_variant(layer, aligned_conv(), {.cases = 3, .seed = 9});
  EXPECT_TRUE(v.passed());
  EXPECT_EQ(v.cases, 3);
  EXPECT_EQ(v.outputs, 3 * 5 * 5 * 3);
  EXPECT_EQ(v.variant, aligned_conv().name());
  EXPECT_GT(v.instructions, 5u * 5 * 3 * 20);
}

TEST(Verify, CorruptedBiasIsCaughtWithCoordinates) {
  const Layer layer = ConvTester().in_channels(5).out_channels(3).multiplier_exponents(-2, -1).seed(3).layer();
  GeneratedKernel k = find_family("conv_accx")->generate(layer, aligned_conv());
  // Channel 2's bias word (+0 of its 24-byte entry) gets +4096.
  k.constants.at(1).bytes.at(2 * 24 + 1) += 16;
  const Verdict v = verify_kernel(layer, k, {.cases = 2, .seed = 1});
  EXPECT_FALSE(v.passed());
  EXPECT_GT(v.mismatches, 0);
  EXPECT_GT(v.max_abs_diff, 0);
  ASSERT_TRUE(v.first);
  EXPECT_EQ(v.first->c, 2);
  EXPECT_GE(v.first->case_index, 0);
  EXPECT_NE(v.first->expected, v.first->actual);
}

TEST(Verify, StrayWritesAndFaultsAreReported) {
  const Layer layer = ConvTester().in_channels(4).out_channels(2).seed(5).layer();
  GeneratedKernel k = find_family("conv_accx")->generate(layer, aligned_conv());
  // A store one byte before the output, inserted before the final retw.n.
  model::Function& f = k.program.functions.front();
  model::Insn store;
  store.opcode = model::Opcode::kS8i;
  store.operand_count = 3;
  store.operands = {model::a(3), model::a(3), model::imm(0)};
  f.insns.insert(f.insns.end() - 1, store);
  EXPECT_GT(verify_kernel(layer, k, {.cases = 1, .seed = 1}).guard_writes, 0);

  GeneratedKernel bad = find_family("conv_accx")->generate(layer, aligned_conv());
  bad.constants.at(0).bytes.clear();
  bad.constants.erase(bad.constants.begin());  // the call block now points the weights at the table
  model::Function& g = bad.program.functions.front();
  model::Insn load;
  load.opcode = model::Opcode::kL32i;
  load.operand_count = 3;
  load.operands = {model::a(5), model::a(4), model::imm(1020)};
  g.insns.insert(g.insns.begin() + 1, load);
  load.opcode = model::Opcode::kL8ui;
  load.operands = {model::a(5), model::a(5), model::imm(0)};
  g.insns.insert(g.insns.begin() + 2, load);
  const Verdict v = verify_kernel(layer, bad, {.cases = 2, .seed = 1});
  ASSERT_TRUE(v.fault);
  EXPECT_FALSE(v.passed());
  EXPECT_NE(v.fault->find("outside mapped memory"), std::string::npos) << *v.fault;
}

TEST(Verify, LargeScratchRunsFromPsram) {
  // 170 x 170 pixels padded to 16 bytes: 462,400 bytes of staged input, more than the 256 KB the
  // verifier keeps in SRAM (the scratch goes to PSRAM) and than all of SRAM.
  const Layer layer = ConvTester().input_size(170, 170).in_channels(5).out_channels(2).kernel(1, 1)
                          .padding(Padding::kValid).seed(8).layer();
  const GeneratedKernel k = find_family("conv_accx")->generate(layer, aligned_conv());
  EXPECT_GT(k.scratch_bytes, 256u << 10);
  const Verdict v = verify_kernel(layer, k, {.cases = 1, .seed = 2});
  EXPECT_TRUE(v.passed()) << v.fault.value_or("");
  EXPECT_EQ(v.outputs, 170 * 170 * 2);
  EXPECT_THROW(verify_kernel(layer, k, {.cases = 1, .seed = 2, .all_in_sram = true}), InputError);
}

TEST(Verify, IllegalVariantIsAnInputError) {
  const Layer layer = ConvTester().in_channels(3).layer();
  const Variant direct = *parse_variant_name("conv_qs8_accx_1p1c_u1__pie_direct_rqscalar");
  EXPECT_THROW(verify_variant(layer, direct, {}), InputError);
}

TEST(Verify, RandomConstantsAreSeededAndKeepGivenData) {
  Layer layer = ConvTester().layer();
  layer.weights->data.reset();
  layer.bias->data.reset();
  const Layer a = with_random_constants(layer, 4);
  const Layer b = with_random_constants(layer, 4);
  const Layer c = with_random_constants(layer, 5);
  ASSERT_TRUE(a.weights->data && a.bias->data);
  EXPECT_EQ(*a.weights->data, *b.weights->data);
  EXPECT_NE(*a.weights->data, *c.weights->data);
  EXPECT_EQ(a.weights->data->size(), 4u * 3 * 3 * 16);
  EXPECT_EQ(with_random_constants(a, 9).weights->data, a.weights->data);
}

}  // namespace
}  // namespace pietune::kernels
