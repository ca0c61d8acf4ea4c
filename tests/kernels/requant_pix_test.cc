// The pixel-lane requantization epilogue (rqpix) on its own: accumulators placed straight into the
// 40-bit QACC lanes (all eight lanes one channel, as the pixel-lane families hold them),
// requantized by the generated code in the emulator and compared with the reference
// multiply_by_quantized_multiplier. Every right shift 0..31 with frequent negative ties, left
// shifts 1..15 at the edge of int32, multipliers at their limits, zero points at the rails
// (added after the shift), clamps.
#include <algorithm>
#include <random>

#include <gtest/gtest.h>

#include "emu_bridge/emulator.h"
#include "emu_bridge/memory_map.h"
#include "kernels/codegen/qacc_image.h"
#include "kernels/codegen/requant_pix.h"
#include "kernels/codegen/requant_srcmb.h"
#include "kernels/families/family_support.h"
#include "kernels/reference/requantize.h"
#include "tests/kernels/requant_check_helpers.h"

namespace pietune::kernels {
namespace {

using model::a;
using model::imm;
using model::Opcode;
using model::q;

reference::ChannelQuantization quantization(std::int32_t multiplier, int shift, int zp, int act_min, int act_max) {
  reference::ChannelQuantization qz;
  qz.multipliers.assign(1, reference::QuantizedMultiplier{multiplier, shift});
  qz.output_offset = zp;
  qz.act_min = act_min;
  qz.act_max = act_max;
  return qz;
}

// Requantizes `accs` (a multiple of 8) as channel 0 of `qz` (bias 0) through the epilogue.
std::vector<std::int8_t> run_epilogue(const std::vector<std::int64_t>& accs, const reference::ChannelQuantization& qz) {
  const bool left = codegen::rqpix_left_shifts(qz);
  model::FunctionBuilder b("epilogue");
  codegen::emit_prologue(b);
  // a2 images, a3 outputs, a4 the record(s), a5 the vectors, a6 the save area.
  codegen::reg_loop(b, 11, static_cast<std::int64_t>(accs.size() / 8), [&] {
    codegen::emit_load_qacc_image(b, 2);
    b.emit(Opcode::kMov, {a(15), a(4)});
    b.emit(Opcode::kMov, {a(7), a(4)});
    b.emit(Opcode::kEeVld128Ip, {q(6), a(7), imm(codegen::kRecordBytes)});  // a7: the second record
    b.emit(Opcode::kMov, {a(8), a(5)});
    b.emit(Opcode::kEeVld128Ip, {q(2), a(8), imm(16)});
    b.emit(Opcode::kEeVld128Ip, {q(3), a(8), imm(16)});
    codegen::emit_rqpix_epilogue(b, codegen::RqpixRegs{.record_q = 6,
                                                       .minus_2_15_q = 2,
                                                       .ones_q = 3,
                                                       .vectors = 8,
                                                       .record = 15,
                                                       .save = 6,
                                                       .shift16 = -1,
                                                       .shift15 = -1,
                                                       .shift0 = -1,
                                                       .t0 = 14,
                                                       .left_record = left ? 7 : -1});
    codegen::emit_store_lanes(b, 7, 8, 3, 14);
    b.emit(Opcode::kAddi, {a(3), a(3), imm(8)});
  });
  codegen::emit_epilogue(b);
  emu::Emulator emulator(families::single_function_program(std::move(b).finish()));
  std::vector<std::uint8_t> images;
  for (std::size_t g = 0; g < accs.size(); g += 8) {
    const std::vector<std::uint8_t> image = codegen::qacc_image(std::span<const std::int64_t>(accs).subspan(g, 8), 40);
    images.insert(images.end(), image.begin(), image.end());
  }
  std::vector<std::uint8_t> records = codegen::rqpix_record(qz, 0, 0);
  if (left) {
    const std::vector<std::uint8_t> second = codegen::rqpix_left_record(qz, 0);
    records.insert(records.end(), second.begin(), second.end());
  }
  const std::uint32_t images_at = emu::kPsramBase, out_at = emu::kPsramBase + 0x100000;
  const std::uint32_t record_at = emu::kSramBase + 0x1000, vectors_at = record_at + 0x100, save_at = record_at + 0x200;
  emulator.memory().load(images_at, images);
  emulator.memory().load(record_at, records);
  emulator.memory().load(vectors_at, codegen::rqpix_vectors(qz));
  emulator.call("epilogue", {images_at, out_at, record_at, vectors_at, save_at});
  const std::vector<std::uint8_t> out = emulator.memory().dump(out_at, static_cast<std::uint32_t>(accs.size()));
  return std::vector<std::int8_t>(out.begin(), out.end());
}

void expect_exact(const std::vector<std::int64_t>& accs, const reference::ChannelQuantization& qz) {
  const reference::QuantizedMultiplier& m = qz.multipliers[0];
  std::int64_t largest = 0;
  for (std::int64_t x : accs) largest = std::max<std::int64_t>(largest, x < 0 ? -x : x);
  ASSERT_FALSE(codegen::rqpix_problem(qz, {0}, {largest})) << m.multiplier << " " << m.shift;
  const std::vector<std::int8_t> got = run_epilogue(accs, qz);
  EXPECT_EQ(testing::requant_mismatches(accs, got, qz), 0);
}

TEST(RequantPix, EveryRightShiftWithTies) {
  std::mt19937_64 rng(15);
  for (int r = 0; r <= 31; ++r) {
    std::uniform_int_distribution<std::int32_t> mult((1 << 30), (1 << 30) + (1 << 29)), zp(-128, 127);
    const std::int32_t m = r % 3 == 0 ? (1 << 30) : mult(rng);  // 2^30: every odd sum ties
    // Outputs mostly inside int8, accumulators inside int32.
    const std::int64_t span = std::min<std::int64_t>(std::int64_t{256} << (r + 1), (std::int64_t{1} << 31) - 1);
    std::uniform_int_distribution<std::int64_t> x(-span, span);
    std::vector<std::int64_t> accs(8 * 64);
    for (auto& v : accs) v = x(rng);
    expect_exact(accs, quantization(m, -r, zp(rng), -128, 127));
  }
}

TEST(RequantPix, LeftShiftsAtTheEdgeOfInt32) {
  std::mt19937_64 rng(16);
  std::uniform_int_distribution<std::int32_t> mult(1 << 30, 2147450879), zp(-128, 127);
  for (int left = 1; left <= 15; ++left) {
    const std::int64_t limit = (std::int64_t{1} << (31 - left)) - 1;  // x 2^L stays inside int32
    std::uniform_int_distribution<std::int64_t> any(-limit, limit), small(-4096, 4096);
    std::vector<std::int64_t> accs(8 * 32);
    for (std::size_t i = 0; i < accs.size(); ++i) accs[i] = i % 2 == 0 ? any(rng) : small(rng);
    accs[0] = limit;
    accs[1] = -limit;
    expect_exact(accs, quantization(mult(rng), left, zp(rng), -128, 127));
  }
}

TEST(RequantPix, LimitsAndClamps) {
  std::mt19937_64 rng(17);
  std::uniform_int_distribution<std::int64_t> any(-(std::int64_t{1} << 31) + 1, (std::int64_t{1} << 31) - 1);
  std::vector<std::int64_t> accs(8 * 32);
  for (auto& v : accs) v = any(rng);
  accs[0] = -(std::int64_t{1} << 31) + 1;
  accs[1] = (std::int64_t{1} << 31) - 1;
  accs[2] = 0;
  accs[3] = -1;
  const std::int32_t top = 2147450879;  // 2^31 - 2^15 - 1, the largest legal multiplier
  for (int r : {0, 1, 9, 22, 27, 31}) {
    expect_exact(accs, quantization(top, -r, -128, -128, 127));
    expect_exact(accs, quantization(1 << 30, -r, 127, -128, 127));
    expect_exact(accs, quantization(0, -r, 5, 5, 127));  // a scale flushed to zero, ReLU
  }
  std::vector<std::int64_t> small(8 * 32);
  std::uniform_int_distribution<std::int64_t> near(-5000, 5000);
  for (auto& v : small) v = near(rng);
  expect_exact(small, quantization(1500000000, -6, -3, -3, 44));  // ReLU6-style clamp
}

TEST(RequantPix, Rejections) {
  EXPECT_EQ(codegen::rqpix_problem(quantization(1 << 30, 16, 0, -128, 127), {0}, {0})->rule, "rqpix_shift");
  EXPECT_EQ(codegen::rqpix_problem(quantization(2147483647, -3, 0, -128, 127), {0}, {0})->reason,
            "channel 0: multiplier 2147483647 has no 16-bit high digit (needs less than 2147450880)");
  EXPECT_EQ(codegen::rqpix_problem(quantization(1 << 30, -3, 0, -128, 127), {0}, {std::int64_t{1} << 31})->rule,
            "rqpix_acc_range");
  EXPECT_EQ(codegen::rqpix_problem(quantization(1 << 30, 4, 0, -128, 127), {0}, {std::int64_t{1} << 27})->reason,
            "channel 0: the accumulator can reach 134217728 before its left shift 4: its high digit must fit 16 bits");
  EXPECT_EQ(codegen::rqpix_problem(quantization(1 << 30, -3, 0, -128, 127), {-2147483647 - 1}, {0})->rule,
            "rqpix_bias");
}

}  // namespace
}  // namespace pietune::kernels
