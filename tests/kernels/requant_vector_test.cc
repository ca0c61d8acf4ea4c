// The vectorised exact requantization epilogue on its own: accumulators placed straight into the
// 40-bit QACC lanes, requantized by the generated code in the emulator and compared with the
// reference multiply_by_quantized_multiplier. The accumulators are drawn so most outputs stay
// inside int8 and negative ties (RoundingDivideByPOT rounds them away from zero) are frequent,
// which whole-layer tests rarely reach; plus multipliers near their limits and accumulators near
// int32's.
#include <algorithm>
#include <random>

#include <gtest/gtest.h>

#include "emu_bridge/emulator.h"
#include "emu_bridge/memory_map.h"
#include "kernels/codegen/qacc_image.h"
#include "kernels/codegen/requant_srcmb.h"
#include "kernels/codegen/requant_vector.h"
#include "kernels/families/family_support.h"
#include "kernels/reference/requantize.h"
#include "tests/kernels/requant_check_helpers.h"

namespace pietune::kernels {
namespace {

using model::a;
using model::imm;
using model::Opcode;

// Requantizes `accs` (a multiple of 8; channel i % 8) through the generated epilogue.
std::vector<std::int8_t> run_epilogue(const std::vector<std::int64_t>& accs, const reference::ChannelQuantization& qz) {
  const int groups = static_cast<int>(accs.size() / 8);
  model::FunctionBuilder b("epilogue");
  codegen::emit_prologue(b);
  codegen::reg_loop(b, 11, groups, [&] {
    codegen::emit_load_qacc_image(b, 2);
    b.emit(Opcode::kMov, {a(7), a(4)});  // every group uses the same block
    codegen::emit_rqvec_epilogue(b, codegen::rqvec_slots(qz),
                                 codegen::RqvecRegs{.block = 7, .vectors = 5, .save = 6, .t0 = 14, .t1 = 15});
    codegen::emit_store_lanes(b, 7, 8, 3, 14);
    b.emit(Opcode::kAddi, {a(3), a(3), imm(8)});
  });
  codegen::emit_epilogue(b);
  emu::Emulator emulator(families::single_function_program(std::move(b).finish()));
  std::vector<std::uint8_t> images;
  for (std::size_t g = 0; g < accs.size(); g += 8) {
    const std::vector<std::uint8_t> image =
        codegen::qacc_image(std::span<const std::int64_t>(accs).subspan(g, 8), 40);
    images.insert(images.end(), image.begin(), image.end());
  }
  const std::uint32_t images_at = emu::kPsramBase, out_at = emu::kPsramBase + 0x100000;
  const std::uint32_t block_at = emu::kSramBase + 0x1000, vectors_at = block_at + 0x1000, save_at = block_at + 0x1100;
  emulator.memory().load(images_at, images);
  emulator.memory().load(block_at, codegen::rqvec_block(qz, 0, codegen::rqvec_slots(qz)));
  emulator.memory().load(vectors_at, codegen::rqvec_vectors(qz));
  emulator.call("epilogue", {images_at, out_at, block_at, vectors_at, save_at});
  const std::vector<std::uint8_t> out = emulator.memory().dump(out_at, static_cast<std::uint32_t>(accs.size()));
  return std::vector<std::int8_t>(out.begin(), out.end());
}

reference::ChannelQuantization quantization(std::int32_t multiplier, int shift, int zp, int act_min, int act_max) {
  reference::ChannelQuantization qz;
  qz.multipliers.assign(8, reference::QuantizedMultiplier{multiplier, shift});
  qz.output_offset = zp;
  qz.act_min = act_min;
  qz.act_max = act_max;
  return qz;
}

void expect_exact(const std::vector<std::int64_t>& accs, const reference::ChannelQuantization& qz) {
  ASSERT_FALSE(codegen::rqvec_problem(qz, 0)) << qz.multipliers[0].multiplier << " " << qz.multipliers[0].shift;
  const std::vector<std::int8_t> got = run_epilogue(accs, qz);
  EXPECT_EQ(testing::requant_mismatches(accs, got, qz), 0);
}

TEST(RequantVector, EveryShiftWithTies) {
  std::mt19937_64 rng(5);
  for (int r = 0; r <= 22; ++r) {
    std::uniform_int_distribution<std::int32_t> mult((1 << 30), (1 << 30) + (1 << 29)), zp(-128, 127);
    // M = 2^30 makes every odd-sum case a tie after the first rounding.
    const std::int32_t m = r % 3 == 0 ? (1 << 30) : mult(rng);
    // Outputs inside int8: |x * M / 2^(31 + r)| below 256.
    const std::int64_t span = std::int64_t{256} << (r + 1);
    std::uniform_int_distribution<std::int64_t> x(-span, span);
    std::vector<std::int64_t> accs(8 * 64);
    for (auto& v : accs) v = x(rng);
    expect_exact(accs, quantization(m, -r, zp(rng), -128, 127));
  }
}

TEST(RequantVector, LimitsAndClamps) {
  std::mt19937_64 rng(6);
  std::uniform_int_distribution<std::int64_t> any(-(std::int64_t{1} << 31), (std::int64_t{1} << 31) - 1);
  std::vector<std::int64_t> accs(8 * 32);
  for (auto& v : accs) v = any(rng);
  accs[0] = -(std::int64_t{1} << 31);
  accs[1] = (std::int64_t{1} << 31) - 1;
  accs[2] = 0;
  accs[3] = -1;
  const std::int32_t top = 2147450879;  // 2^31 - 2^15 - 1, the largest legal multiplier
  for (int r : {0, 1, 9, 22}) {
    expect_exact(accs, quantization(top, -r, -128, -128, 127));
    expect_exact(accs, quantization(1 << 30, -r, 127, -128, 127));
    expect_exact(accs, quantization(0, -r, 5, 5, 127));  // a scale flushed to zero, ReLU
  }
  std::vector<std::int64_t> small(8 * 32);
  std::uniform_int_distribution<std::int64_t> near(-5000, 5000);
  for (auto& v : small) v = near(rng);
  expect_exact(small, quantization(1500000000, -6, -3, -3, 44));  // ReLU6-style clamp
}

// Eight channels with their own multipliers and up to eight distinct shifts: one slot per shift.
TEST(RequantVector, PerChannelShifts) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::int32_t> mult(1 << 30, 2147450879), zp(-128, 127);
  for (int distinct : {2, 3, 5, 8}) {
    reference::ChannelQuantization qz = quantization(1 << 30, 0, zp(rng), -128, 127);
    for (int c = 0; c < 8; ++c) qz.multipliers[c] = {mult(rng), -((c % distinct) * 3)};
    EXPECT_EQ(codegen::rqvec_slots(qz), distinct);
    std::vector<std::int64_t> accs(8 * 64);
    for (std::size_t i = 0; i < accs.size(); ++i) {
      const int r = -qz.multipliers[i % 8].shift;
      accs[i] = std::uniform_int_distribution<std::int64_t>(-(std::int64_t{256} << (r + 1)), std::int64_t{256} << (r + 1))(rng);
    }
    expect_exact(accs, qz);
  }
}

TEST(RequantVector, Rejections) {
  EXPECT_EQ(codegen::rqvec_problem(quantization(std::int32_t{1} << 30, 2, 0, -128, 127), 0)->rule, "rqvec_shift");
  EXPECT_EQ(codegen::rqvec_problem(quantization(2147483647, -3, 0, -128, 127), 0)->reason,
            "channel 0: multiplier 2147483647 has no 16-bit high digit (needs less than 2147450880)");
  EXPECT_EQ(codegen::rqvec_problem(quantization(1 << 30, -23, 0, -128, 127), 0)->reason,
            "channel 0: right shift 23: the rounding term needs a shift of at most 22");
  EXPECT_EQ(codegen::rqvec_problem(quantization(1 << 30, -3, 0, -128, 127), std::int64_t{1} << 31)->rule,
            "rqvec_acc_range");
}

}  // namespace
}  // namespace pietune::kernels
