// conv_espnn (the esp-nn-structured baseline): in-place unaligned reads and the bordered copy,
// channels around 16, strides, even kernels, zero points, clamps, the three ways the corrections
// are made; the program's structure (the runtime filter-row loop, the per-call filter
// re-alignment into scratch); its rejections. Every layer is one esp-nn sends down its general path
// (filter row of 16 bytes or more, or a window under 16 bytes).
#include <gtest/gtest.h>

#include "emu_bridge/emulator.h"
#include "kernels/emu_layout.h"
#include "kernels/families/conv_espnn.h"
#include "kernels/registry.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using testing::ConvTester;
using testing::WeightMode;

const FamilySpec& family() { return *find_family("conv_espnn"); }
const Variant& variant() {
  static const Variant v = *parse_variant_name("conv_qs8_espnn_1p1c_u2__pie_unaligned_rqscalar");
  return v;
}

TEST(ConvEspnn, InPlaceAndBordered) {
  ConvTester().in_channels(6).kernel(3, 3).padding(Padding::kValid).input_size(6, 5).seed(1).test(variant());
  ConvTester().in_channels(6).kernel(3, 3).padding(Padding::kSame).seed(2).test(variant());
  const GeneratedKernel in_place =
      family().generate(ConvTester().in_channels(6).padding(Padding::kValid).layer(), variant());
  // In place, scratch holds the re-aligned filter (18-byte rows padded to 32: 4 x 3 x 32) and the
  // 4 corrections; with 48-byte rows only the corrections.
  EXPECT_EQ(in_place.scratch_bytes, 4u * 3 * 32 + 16);
  EXPECT_EQ(in_place.input_overread_bytes, 32u);
  EXPECT_EQ(family().generate(ConvTester().in_channels(16).padding(Padding::kValid).layer(), variant()).scratch_bytes,
            16u);
  EXPECT_GT(family().generate(ConvTester().in_channels(6).layer(), variant()).scratch_bytes, 4u * 3 * 32 + 16);
}

TEST(ConvEspnn, CorrectionsInKernelInWrapperAndFromTheBias) {
  // Input offset 0: the kernel copies the bias (or zero-fills without one).
  ConvTester().in_channels(6).input_zero_point(0).seed(11).test(variant());
  ConvTester().in_channels(6).input_zero_point(0).with_bias(false).seed(12).test(variant());
  ConvTester().in_channels(6).input_zero_point(-7).with_bias(false).seed(13).test(variant());
  // More than 16384 filter elements with an input offset: the wrapper sums, channel starts at every
  // alignment (a 3x3x19 filter is 171 bytes), a remainder after the groups of 16 channels.
  static_assert(3 * 3 * 19 * 100 > families::kEspnnWrapperSumElements);
  static_assert(3 * 3 * 32 * 64 > families::kEspnnWrapperSumElements);
  ConvTester().in_channels(19).out_channels(100).input_size(3, 3).input_zero_point(-3).seed(14).test(variant());
  ConvTester().in_channels(32).out_channels(64).input_size(3, 3).input_zero_point(9).seed(15).test(variant());
}

TEST(ConvEspnn, OneByOneKernelsAndSingleRows) {
  ConvTester().in_channels(16).out_channels(5).kernel(1, 1).stride(2).padding(Padding::kValid).seed(21).test(variant());
  ConvTester().in_channels(24).kernel(1, 3).input_size(1, 6).padding(Padding::kValid).seed(22).test(variant());
  ConvTester().in_channels(40).kernel(2, 1).input_size(2, 1).padding(Padding::kValid).seed(23).test(variant());
}

TEST(ConvEspnn, ChannelsStridesZeroPoints) {
  for (int c : {1, 6, 8, 15, 16, 17, 64})
    ConvTester().in_channels(c).out_channels(3).stride(c % 2 + 1).seed(c).test(variant());
  ConvTester().in_channels(5).kernel(4, 4).stride(2).input_zero_point(-128).input_size(7, 6).seed(3).test(variant());
  ConvTester().in_channels(8).input_zero_point(127).weights(WeightMode::kExtreme).activation(ActivationKind::kRelu6)
      .seed(4).test(variant());
  ConvTester().batches(2).in_channels(6).multiplier_exponents(0, 2).padding(Padding::kValid).seed(5).test(variant());
}

// The filter-row loop is a runtime loop: closed by a backward blt with KH trips, its bound reloaded
// from the stack inside it, three branches per row (the pair-loop skip, the odd-chunk skip, the
// loop back; a skip always taken is a j), one ee.srs.accx per row.
void expect_runtime_row_loop(const Layer& layer, int expected_jumps) {
  const GeneratedKernel k = family().generate(layer, variant());
  const model::Function& f = k.program.functions.front();
  std::vector<std::uint32_t> label_at(f.label_defs.size() + 64, 0);
  for (const model::LabelDef& d : f.label_defs) {
    if (d.id >= label_at.size()) label_at.resize(d.id + 1);
    label_at[d.id] = d.position;
  }
  int row_loops = 0;
  for (std::uint32_t i = 0; i < f.insns.size(); ++i) {
    const model::Insn& back = f.insns[i];
    if (back.opcode != model::Opcode::kBlt || back.trip_count != 3) continue;
    const std::uint32_t top = label_at.at(static_cast<std::size_t>(back.operand(2).value));
    if (top >= i) continue;
    int srs = 0, branches = 0, jumps = 0, stack_loads = 0, outer = 0;
    for (std::uint32_t j = top; j <= i; ++j) {
      const model::Insn& insn = f.insns[j];
      srs += insn.opcode == model::Opcode::kEeSrsAccx;
      branches += insn.opcode == model::Opcode::kBeqz || insn.opcode == model::Opcode::kBlt;
      jumps += insn.opcode == model::Opcode::kJ;
      outer += insn.opcode == model::Opcode::kBne;  // the channel loop: this is an outer loop
      stack_loads += insn.opcode == model::Opcode::kL32i && insn.operand(1).value == 1;
    }
    if (srs != 1 || outer > 0) continue;
    ++row_loops;
    EXPECT_EQ(branches + jumps, 3);
    EXPECT_EQ(jumps, expected_jumps);
    EXPECT_EQ(stack_loads, 2);  // the filter height and the image row stride
  }
  EXPECT_EQ(row_loops, 1);
}

TEST(ConvEspnn, FilterRowsAreARuntimeLoop) {
  // 54-byte rows: 4 chunks, one pair and an odd chunk, both skips kept as branches never taken.
  expect_runtime_row_loop(ConvTester().in_channels(18).padding(Padding::kValid).layer(), 0);
  // 18-byte rows: 2 chunks, no pair (its skip always taken: a j), an odd chunk.
  expect_runtime_row_loop(ConvTester().in_channels(6).padding(Padding::kValid).layer(), 1);
}

// The weights stay in the layer's layout; on every call the kernel copies them into scratch with each
// 54-byte row (3 x 18) zero-padded to 64.
TEST(ConvEspnn, ScratchHoldsTheReAlignedFilter) {
  const Layer layer = ConvTester().in_channels(18).out_channels(3).kernel(3, 3).padding(Padding::kValid).seed(31).layer();
  const GeneratedKernel k = family().generate(layer, variant());
  ASSERT_EQ(k.constants.front().name, "weights");
  EXPECT_EQ(k.constants.front().bytes, *layer.weights->data);
  emu::Emulator emulator(k.program);
  emu::Memory& memory = emulator.memory();
  std::vector<std::uint8_t> block;
  std::uint32_t flash = emu::kFlashBase;
  for (const ConstantBuffer& c : k.constants) {
    memory.load(flash, c.bytes);
    for (int b = 0; b < 4; ++b) block.push_back(static_cast<std::uint8_t>(flash >> (8 * b)));
    flash += static_cast<std::uint32_t>((c.bytes.size() + 64 + 15) / 16 * 16);
  }
  for (int b = 0; b < 4; ++b) block.push_back(static_cast<std::uint8_t>(kSramScratchAddr >> (8 * b)));
  memory.load(kCallBlockAddr, block);
  memory.load(kSramScratchAddr, std::vector<std::uint8_t>(k.scratch_bytes, 0xA5));
  const std::uint32_t input = emu::kPsramBase + 64, output = emu::kPsramBase + 0x1000;
  memory.load(input, std::vector<std::uint8_t>(static_cast<std::size_t>(layer.inputs[0].size_bytes()), 3));
  emulator.call(k.symbol, {input, output, kCallBlockAddr});
  const std::vector<std::uint8_t> scratch = memory.dump(kSramScratchAddr, 3 * 3 * 64);
  const std::vector<std::uint8_t>& w = *layer.weights->data;
  for (int row = 0; row < 3 * 3; ++row)
    for (int j = 0; j < 64; ++j)
      ASSERT_EQ(scratch[static_cast<std::size_t>(64 * row + j)], j < 54 ? w[static_cast<std::size_t>(54 * row + j)] : 0)
          << "row " << row << " byte " << j;
}

TEST(ConvEspnn, IsTheBaselineOfEspnnsGeneralPathOnly) {
  // A 3x3 over 4 channels has 12-byte filter rows: esp-nn copies it into im2col rows instead.
  const std::optional<Rejection> r = check_legal(family(), ConvTester().in_channels(4).layer(), variant());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "espnn_path");
  EXPECT_NE(r->reason.find("esp-nn runs esp_nn_conv_s8_im2col_s3"), std::string::npos) << r->reason;
}

TEST(ConvEspnn, RejectsDilation) {
  const Layer layer = ConvTester().in_channels(4).dilation(2).input_size(6, 6).layer();
  const std::optional<Rejection> r = family().legal(layer, variant());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "dilation");
  EXPECT_EQ(r->reason, "dilation 2x2: the esp-nn structure reads a filter row as contiguous bytes and has no dilation");
}

}  // namespace
}  // namespace pietune::kernels
