// conv_espnn_1x1: esp-nn's pointwise kernel rebuilt loop by loop (see the header).
#include "kernels/families/conv_espnn_1x1.h"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "kernels/codegen/emit.h"
#include "kernels/codegen/transpose8.h"
#include "model/support/error.h"

namespace pietune::kernels::families {
namespace {

using model::a;
using model::FunctionBuilder;
using model::imm;
using model::Label;
using model::Opcode;
using model::q;
using model::target;

// esp-nn's frame: `entry a1, 160`. The QACC spill area (36 bytes: a half's 16 + 4 bytes, the
// leftover path's second half at +16) sits at a1 + 16, past the window save area; then the words
// esp-nn keeps on its stack. kBatch is a slot_loop counter (frame slot 9 = a1 + 52).
constexpr int kFrame = 160;
constexpr int kSpill = 16;
constexpr int kBatchSlot = 9;
// Words whose address is formed with addi (-128..127) sit below a1 + 128.
constexpr int kInput = 56, kFilter = 60, kInputOffset = 64, kInputPtr = 68, kBiasPtr = 72, kBias = 76,
              kIout = 80, kSizeMinus7 = 84, kBuffer = 88, kActMax = 92, kToAdd = 96, kInChMinus7 = 100,
              kInChBy8Minus1 = 104, kSize = 108, kMult = 112, kShift = 116, kOutOffset = 120, kActMin = 124,
              kInCh8 = 128, kOutCh = 132, kLeftoverIters = 136, kInCh = 140;
static_assert(kToAdd + 4 <= kFrame);

constexpr std::int64_t kInt32Limit = std::int64_t{1} << 31;

void ld(FunctionBuilder& b, int reg, int offset) { b.emit(Opcode::kL32i, {a(reg), a(1), imm(offset)}); }
void st(FunctionBuilder& b, int reg, int offset) { b.emit(Opcode::kS32i, {a(reg), a(1), imm(offset)}); }
void put(FunctionBuilder& b, std::int32_t value, int offset, int tmp) {
  codegen::load_const(b, tmp, value);
  st(b, tmp, offset);
}

struct Shape {
  int in_c = 0, out_c = 0, size = 0, batches = 1;
  int blocks() const { return size / 8; }
  int leftover() const { return size % 8; }
};

// What esp-nn's data-dependent branches do on this layer (generate fills it). Generated kernels
// have no data-dependent control flow (fast mode follows the loop nest): a branch esp-nn never
// takes here is kept, one it always takes is left out with the code it skips, and where channels
// differ (shifts of both signs) the skipped code becomes branch-free code exact for every channel.
struct Paths {
  bool bias = true;
  bool right_shifts = false;     // some channel has shift < 0 (esp-nn's rounding divide runs)
  bool no_right_shifts = false;  // some channel has shift >= 0 (its left shift runs)
  bool mixed() const { return right_shifts && no_right_shifts; }
};

Shape shape_of(const Layer& layer) {
  const ConvGeometry g = conv_geometry(layer);
  return {.in_c = g.in_c, .out_c = g.out_c, .size = g.in_h * g.in_w, .batches = g.batches};
}

std::int64_t scratch_bytes_of(const Shape& s) { return 16 * (std::int64_t{s.in_c} + 2); }

// Where esp-nn's saturating vector adds could part from TFLM's wrapping int32 arithmetic, or
// nullopt, channel by channel. Its left shift is VSL.32, which wraps as TFLM's does; the adds that
// saturate are the bias add (|accumulator| + |bias|, (x - zp) in -255..255 times |w| <= 128 per
// input channel), the rounding add of a right shift by e (the multiply's result, at most
// |accumulator| * multiplier / 2^31 + 1, plus 2^(e-1)), and the output offset add after the
// multiply (at most the multiplier + 1, plus |output offset|). A bias without data counts as 0 here;
// the rule is checked again once the layer has its data (verification and generation do).
std::optional<std::string> saturation_risk(const Layer& layer, const Shape& s, const reference::ChannelQuantization& q) {
  std::vector<std::int32_t> bias(static_cast<std::size_t>(s.out_c), 0);
  if (layer.bias && layer.bias->data) bias = bias_int32(layer, s.out_c);
  for (std::size_t c = 0; c < q.multipliers.size(); ++c) {
    const reference::QuantizedMultiplier& m = q.multipliers[c];
    const std::int64_t acc = std::llabs(bias[c]) + std::int64_t{s.in_c} * 255 * 128;
    const std::int64_t multiplied = acc * m.multiplier / kInt32Limit + 1;
    const std::int64_t rounding = m.shift < 0 ? std::int64_t{1} << (-m.shift - 1) : 0;
    if (acc >= kInt32Limit || multiplied + rounding >= kInt32Limit)
      return fmt::format("channel {}: accumulator up to {} (|bias| + in_ch {} x 255 x 128), {} after the multiply "
                         "plus the rounding {} of its right shift, reach 2^31",
                         c, acc, s.in_c, multiplied, rounding);
    if (m.shift > 0 && std::int64_t{m.multiplier} + 1 + std::llabs(q.output_offset) >= kInt32Limit)
      return fmt::format("channel {}: multiplier {} + 1 + |output offset {}| reaches 2^31 after its left shift", c,
                         m.multiplier, q.output_offset);
  }
  return std::nullopt;
}

// The spilled QACC half at a4 (20 bytes): the low word of 40-bit lane j is at byte 5j; one l32i
// each (an addi forms the unaligned base), moved into lanes 0-3 of q register `dst`.
void emit_spilled_half(FunctionBuilder& b, int dst) {
  constexpr int kRegs[] = {10, 11, 12, 13};
  b.emit(Opcode::kL32iN, {a(kRegs[0]), a(4), imm(0)});
  for (int j = 1; j < 4; ++j) {
    b.emit(Opcode::kAddi, {a(14), a(4), imm(j)});
    b.emit(Opcode::kL32i, {a(kRegs[j]), a(14), imm(4 * j)});
  }
  for (int j = 0; j < 4; ++j) b.emit(Opcode::kEeMovi32Q, {q(dst), a(kRegs[j]), imm(j)});
}

// esp-nn's 4-lane helper (esp_nn_multiply_by_quantized_mult_asm_esp32s3), inlined: q0 = the
// requantized q0 for multiplier a10 and shift a11 (clobbers q1, q2, a9, a12..a15, SAR).
void emit_helper(FunctionBuilder& b, const Paths& paths) {
  if (paths.mixed()) {  // SAR = max(shift, 0): VSL.32 by 0 is the skipped left shift
    b.emit(Opcode::kMoviN, {a(9), imm(0)});
    b.emit(Opcode::kMax, {a(9), a(11), a(9)});
    b.emit(Opcode::kWsrSar, {a(9)});
  } else {
    b.emit(Opcode::kWsrSar, {a(11)});
  }
  b.emit(Opcode::kEeZeroQ, {q(2)});
  if (paths.mixed()) {
    b.emit(Opcode::kEeVsl32, {q(0), q(0)});
  } else if (!paths.right_shifts) {  // bltz never taken
    const Label skip_left = b.new_label("skip_left");
    b.emit(Opcode::kBltz, {a(11), target(skip_left)});
    b.emit(Opcode::kEeVsl32, {q(0), q(0)});
    b.bind(skip_left);
  }  // else bltz always taken: no left shift
  // Per lane x: hi:lo = x * M; SaturatingRoundingDoublingHighMul = floor((x M + 2^30) / 2^31)
  // = 2 hi + lo[31] + lo[30] (the same value as esp-nn's nudge add, carry and src).
  for (int pair = 0; pair < 2; ++pair) {
    const int l0 = 2 * pair, l1 = l0 + 1;
    b.emit(Opcode::kEeMovi32A, {q(0), a(12), imm(l0)});
    b.emit(Opcode::kEeMovi32A, {q(0), a(13), imm(l1)});
    b.emit(Opcode::kMulsh, {a(14), a(10), a(12)});
    b.emit(Opcode::kMulsh, {a(15), a(10), a(13)});
    b.emit(Opcode::kMull, {a(12), a(10), a(12)});
    b.emit(Opcode::kMull, {a(13), a(10), a(13)});
    for (int r : {12, 13}) b.emit(Opcode::kExtui, {a(r), a(r), imm(30), imm(2)});  // lo >> 30 (srli takes 0..15)
    for (int r : {12, 13}) b.emit(Opcode::kAddi, {a(r), a(r), imm(1)});
    for (int r : {12, 13}) b.emit(Opcode::kSrli, {a(r), a(r), imm(1)});
    b.emit(Opcode::kAddx2, {a(14), a(14), a(12)});
    b.emit(Opcode::kAddx2, {a(15), a(15), a(13)});
    b.emit(Opcode::kEeMovi32Q, {q(0), a(14), imm(l0)});
    b.emit(Opcode::kEeMovi32Q, {q(0), a(15), imm(l1)});
  }
  // RoundingDivideByPOT, e = -shift > 0: (x + 2^(e-1) - [x < 0]) >> e, the addend broadcast
  // through a stack word as esp-nn does.
  if (!paths.right_shifts) return;  // bgez always taken
  const Label skip_div = b.new_label("skip_div");
  if (paths.mixed()) {
    // e = max(-shift, 0); lanes compare against INT32_MIN (never less) when e = 0, so the
    // (x < 0) term and the addend (1 << e) >> 1 both vanish there.
    b.emit(Opcode::kNeg, {a(9), a(11)});
    b.emit(Opcode::kMoviN, {a(12), imm(0)});
    b.emit(Opcode::kMax, {a(9), a(9), a(12)});
    b.emit(Opcode::kSrai, {a(13), a(11), imm(31)});
    b.emit(Opcode::kAddiN, {a(13), a(13), imm(1)});
    b.emit(Opcode::kSlli, {a(13), a(13), imm(31)});
    st(b, 13, kToAdd);
    b.emit(Opcode::kAddi, {a(12), a(1), imm(kToAdd)});
    b.emit(Opcode::kEeVldbc32, {q(2), a(12)});
    b.emit(Opcode::kEeVcmpLtS32, {q(2), q(0), q(2)});
    b.emit(Opcode::kMoviN, {a(13), imm(1)});
    b.emit(Opcode::kSsl, {a(9)});
    b.emit(Opcode::kSll, {a(13), a(13)});
    b.emit(Opcode::kSrai, {a(13), a(13), imm(1)});
  } else {  // every shift < 0: bgez never taken
    b.emit(Opcode::kBgez, {a(11), target(skip_div)});
    b.emit(Opcode::kNeg, {a(9), a(11)});
    b.emit(Opcode::kEeVcmpLtS32, {q(2), q(0), q(2)});
    b.emit(Opcode::kAddiN, {a(12), a(9), imm(-1)});
    b.emit(Opcode::kSsl, {a(12)});
    b.emit(Opcode::kMoviN, {a(13), imm(1)});
    b.emit(Opcode::kSll, {a(13), a(13)});
  }
  st(b, 13, kToAdd);
  b.emit(Opcode::kAddi, {a(12), a(1), imm(kToAdd)});
  b.emit(Opcode::kEeVldbc32, {q(1), a(12)});
  b.emit(Opcode::kWsrSar, {a(9)});
  b.emit(Opcode::kEeVaddsS32, {q(1), q(1), q(2)});
  b.emit(Opcode::kEeVaddsS32, {q(0), q(0), q(1)});
  b.emit(Opcode::kEeVsr32, {q(0), q(0)});
  b.bind(skip_div);
}

// One output channel of a block: MACs, spill, bias, requantization, clamp, the 8 bytes stored.
void emit_block_channel(FunctionBuilder& b, const Shape& s, const Paths& paths) {
  ld(b, 8, kBuffer);
  b.emit(Opcode::kEeZeroQacc, {});
  b.emit(Opcode::kEeZeroQ, {q(5)});
  ld(b, 10, kInChMinus7);
  ld(b, 9, kInChBy8Minus1);
  b.emit(Opcode::kEeVldL64Ip, {q(7), a(5), imm(8)});
  b.emit(Opcode::kEeVld128Ip, {q(0), a(8), imm(16)});
  b.emit(Opcode::kEeVld128Ip, {q(1), a(8), imm(16)});
  b.emit(Opcode::kEeVcmpLtS8, {q(6), q(7), q(5)});
  b.emit(Opcode::kEeVzip8, {q(7), q(6)});
  // Channel k of the group multiplies q(k % 4) while the channel 2 ahead loads into q((k+2) % 4).
  auto mac = [&](int k) {
    b.emit(Opcode::kEeVsmulasS16QaccLdIncp, {q((k + 2) % 4), a(8), q(k % 4), q(7), imm(k)});
  };
  for (int k = 0; k < 6; ++k) mac(k);
  const Label inner_end = b.new_label("inner_end");
  if (s.in_c / 8 - 1 >= 1) {  // in_ch 8: esp-nn's blti is always taken, no loop
    b.emit(Opcode::kBlti, {a(10), imm(8), target(inner_end)});
    b.zero_overhead_loop(Opcode::kLoopgtz, a(9), s.in_c / 8 - 1, [&] {
      mac(6);
      mac(7);
      b.emit(Opcode::kEeVldL64Ip, {q(7), a(5), imm(8)});
      b.emit(Opcode::kEeVcmpLtS8, {q(6), q(7), q(5)});
      b.emit(Opcode::kEeVzip8, {q(7), q(6)});
      for (int k = 0; k < 6; ++k) mac(k);
    });
  }
  b.bind(inner_end);
  b.emit(Opcode::kEeVsmulasS16Qacc, {q(2), q(7), imm(6)});
  b.emit(Opcode::kEeVsmulasS16Qacc, {q(3), q(7), imm(7)});

  b.emit(Opcode::kEeStQaccLL128Ip, {a(4), imm(16)});
  b.emit(Opcode::kEeStQaccLH32Ip, {a(4), imm(-16)});
  emit_spilled_half(b, 0);
  b.emit(Opcode::kEeStQaccHL128Ip, {a(4), imm(16)});
  b.emit(Opcode::kEeStQaccHH32Ip, {a(4), imm(-16)});
  emit_spilled_half(b, 4);

  ld(b, 9, kBias);
  ld(b, 10, kBiasPtr);
  if (paths.bias) {  // beqz never taken (without a bias esp-nn always skips the add)
    const Label no_bias = b.new_label("no_bias");
    b.emit(Opcode::kBeqzN, {a(9), target(no_bias)});
    b.emit(Opcode::kEeVldbc32Ip, {q(6), a(10), imm(4)});
    st(b, 10, kBiasPtr);
    b.emit(Opcode::kEeVaddsS32, {q(0), q(0), q(6)});
    b.emit(Opcode::kEeVaddsS32, {q(4), q(4), q(6)});
    b.bind(no_bias);
  }

  b.emit(Opcode::kL32iN, {a(11), a(6), imm(0)});
  b.emit(Opcode::kL32iN, {a(10), a(2), imm(0)});
  emit_helper(b, paths);
  b.emit(Opcode::kL32iN, {a(10), a(2), imm(0)});
  b.emit(Opcode::kL32iN, {a(11), a(6), imm(0)});
  b.emit(Opcode::kMvQr, {q(5), q(0)});
  b.emit(Opcode::kMvQr, {q(0), q(4)});
  emit_helper(b, paths);
  b.emit(Opcode::kAddiN, {a(6), a(6), imm(4)});
  b.emit(Opcode::kAddiN, {a(2), a(2), imm(4)});
  b.emit(Opcode::kAddi, {a(9), a(1), imm(kOutOffset)});
  b.emit(Opcode::kAddi, {a(10), a(1), imm(kActMin)});
  b.emit(Opcode::kAddi, {a(8), a(1), imm(kActMax)});
  b.emit(Opcode::kEeVldbc32, {q(4), a(9)});
  b.emit(Opcode::kEeVldbc32, {q(2), a(10)});
  b.emit(Opcode::kEeVldbc32, {q(3), a(8)});
  b.emit(Opcode::kEeVaddsS32, {q(1), q(0), q(4)});  // pixels 4-7
  b.emit(Opcode::kEeVaddsS32, {q(0), q(5), q(4)});  // pixels 0-3
  b.emit(Opcode::kEeVminS32, {q(1), q(1), q(3)});
  b.emit(Opcode::kEeVmaxS32, {q(1), q(1), q(2)});
  b.emit(Opcode::kEeVminS32, {q(0), q(0), q(3)});
  b.emit(Opcode::kEeVmaxS32, {q(0), q(0), q(2)});
  b.emit(Opcode::kL16ui, {a(9), a(1), imm(kOutCh)});
  // The low halfwords of the 8 results, pixel order; their low bytes are the int8 outputs.
  b.emit(Opcode::kEeVunzip16, {q(0), q(1)});
  b.emit(Opcode::kEeVst128Ip, {q(0), a(4), imm(0)});
  b.emit(Opcode::kL8ui, {a(14), a(4), imm(0)});
  b.emit(Opcode::kL8ui, {a(11), a(4), imm(2)});
  b.emit(Opcode::kAdd, {a(10), a(3), a(9)});
  b.emit(Opcode::kS8i, {a(14), a(3), imm(0)});
  b.emit(Opcode::kS8i, {a(11), a(10), imm(0)});
  for (int p = 2; p < 8; p += 2) {
    b.emit(Opcode::kL8ui, {a(14), a(4), imm(2 * p)});
    b.emit(Opcode::kL8ui, {a(11), a(4), imm(2 * p + 2)});
    b.emit(Opcode::kAdd, {a(12), a(10), a(9)});
    b.emit(Opcode::kAdd, {a(10), a(12), a(9)});
    b.emit(Opcode::kS8i, {a(14), a(12), imm(0)});
    b.emit(Opcode::kS8i, {a(11), a(10), imm(0)});
  }
  b.emit(Opcode::kAddiN, {a(3), a(3), imm(1)});
  b.emit(Opcode::kAddiN, {a(7), a(7), imm(1)});
}

// The blocks of 8 pixels of one batch.
void emit_blocks(FunctionBuilder& b, const Shape& s, const Paths& paths) {
  const Label outer = b.new_label("outer_loop");
  b.bind(outer);
  ld(b, 10, kBuffer);
  ld(b, 11, kInCh);
  ld(b, 8, kInputPtr);
  b.emit(Opcode::kSrai, {a(9), a(11), imm(3)});
  b.emit(Opcode::kEeZeroQ, {q(7)});
  b.emit(Opcode::kAddi, {a(12), a(1), imm(kInputOffset)});
  b.emit(Opcode::kEeVldbc16, {q(5), a(12)});
  b.zero_overhead_loop(Opcode::kLoopgtz, a(9), s.in_c / 8, [&] { codegen::emit_transpose8_widen(b); });

  ld(b, 6, kShift);
  ld(b, 2, kMult);
  ld(b, 5, kFilter);
  ld(b, 9, kBias);
  b.emit(Opcode::kL16ui, {a(8), a(1), imm(kOutCh)});
  st(b, 9, kBiasPtr);
  const Label channels_end = b.new_label("out_ch_end");
  b.emit(Opcode::kBlti, {a(8), imm(1), target(channels_end)});
  b.emit(Opcode::kMoviN, {a(7), imm(0)});
  const Label channel = b.new_label("out_ch_loop");
  b.bind(channel);
  emit_block_channel(b, s, paths);
  b.emit(Opcode::kBne, {a(7), a(9), target(channel)}).trip_count = s.out_c;
  b.bind(channels_end);

  b.emit(Opcode::kSubx8, {a(11), a(9), a(9)});  // out_data += 7 * out_channels
  ld(b, 10, kInCh8);
  ld(b, 15, kIout);
  ld(b, 9, kInputPtr);
  ld(b, 8, kSizeMinus7);
  b.emit(Opcode::kAddN, {a(3), a(3), a(11)});
  b.emit(Opcode::kAddiN, {a(15), a(15), imm(8)});
  st(b, 15, kIout);
  b.emit(Opcode::kAddN, {a(9), a(9), a(10)});
  st(b, 9, kInputPtr);
  b.emit(Opcode::kBlt, {a(15), a(8), target(outer)}).trip_count = s.blocks();
}

// One output channel of a leftover pixel: a9 = the pixel, a8 = the filter row, a5 = the bias
// word, a2 / a15 = the multiplier / shift words (all advanced); a11 counts channels up.
void emit_leftover_channel(FunctionBuilder& b, const Shape& s, const Paths& paths) {
  b.emit(Opcode::kEeZeroQacc, {});
  b.emit(Opcode::kEeZeroQ, {q(3)});
  ld(b, 9, kInputPtr);
  ld(b, 10, kLeftoverIters);
  b.emit(Opcode::kEeVldL64Ip, {q(0), a(9), imm(8)});
  b.emit(Opcode::kEeVldL64Ip, {q(1), a(8), imm(8)});
  b.emit(Opcode::kEeVcmpLtS8, {q(6), q(0), q(3)});
  b.emit(Opcode::kEeVcmpLtS8, {q(7), q(1), q(3)});
  b.emit(Opcode::kEeVzip8, {q(0), q(6)});
  b.emit(Opcode::kEeVzip8, {q(1), q(7)});
  b.emit(Opcode::kEeVaddsS16, {q(0), q(0), q(4)});
  if (s.in_c / 8 - 1 >= 1)
    b.zero_overhead_loop(Opcode::kLoopgtz, a(10), s.in_c / 8 - 1, [&] {
      b.emit(Opcode::kEeVmulasS16Qacc, {q(0), q(1)});
      b.emit(Opcode::kEeVldL64Ip, {q(0), a(9), imm(8)});
      b.emit(Opcode::kEeVldL64Ip, {q(1), a(8), imm(8)});
      b.emit(Opcode::kEeVcmpLtS8, {q(2), q(0), q(3)});
      b.emit(Opcode::kEeVcmpLtS8, {q(7), q(1), q(3)});
      b.emit(Opcode::kEeVzip8, {q(0), q(2)});
      b.emit(Opcode::kEeVzip8, {q(1), q(7)});
      b.emit(Opcode::kEeVaddsS16, {q(0), q(0), q(4)});
    });
  b.emit(Opcode::kEeVmulasS16Qacc, {q(0), q(1)});

  // The low 16 bits of the 8 40-bit lanes gathered into bytes 0-15 of the spill area by byte
  // and halfword moves (lane j of a half starts at byte 5j); the high parts come from SRCMB 16.
  const int sp = kSpill;
  b.emit(Opcode::kEeStQaccLL128Ip, {a(4), imm(16)});
  b.emit(Opcode::kEeStQaccLH32Ip, {a(4), imm(0)});
  b.emit(Opcode::kL8ui, {a(10), a(1), imm(sp + 5)});
  b.emit(Opcode::kL8ui, {a(12), a(1), imm(sp + 6)});
  b.emit(Opcode::kL16ui, {a(14), a(1), imm(sp + 10)});
  b.emit(Opcode::kL8ui, {a(9), a(1), imm(sp + 15)});
  b.emit(Opcode::kL8ui, {a(13), a(1), imm(sp + 16)});
  b.emit(Opcode::kS8i, {a(10), a(1), imm(sp + 2)});
  b.emit(Opcode::kS8i, {a(12), a(1), imm(sp + 3)});
  b.emit(Opcode::kS16i, {a(14), a(1), imm(sp + 4)});
  b.emit(Opcode::kS8i, {a(9), a(1), imm(sp + 6)});
  b.emit(Opcode::kS8i, {a(13), a(1), imm(sp + 7)});
  b.emit(Opcode::kEeStQaccHL128Ip, {a(4), imm(16)});
  b.emit(Opcode::kEeStQaccHH32Ip, {a(4), imm(-32)});
  b.emit(Opcode::kL16ui, {a(13), a(1), imm(sp + 16)});
  b.emit(Opcode::kL8ui, {a(14), a(1), imm(sp + 21)});
  b.emit(Opcode::kL8ui, {a(9), a(1), imm(sp + 22)});
  b.emit(Opcode::kL16ui, {a(10), a(1), imm(sp + 26)});
  b.emit(Opcode::kS16i, {a(13), a(1), imm(sp + 8)});
  b.emit(Opcode::kL8ui, {a(12), a(1), imm(sp + 31)});
  b.emit(Opcode::kL8ui, {a(13), a(1), imm(sp + 32)});
  b.emit(Opcode::kS8i, {a(14), a(1), imm(sp + 10)});
  b.emit(Opcode::kS8i, {a(9), a(1), imm(sp + 11)});
  b.emit(Opcode::kS16i, {a(10), a(1), imm(sp + 12)});
  b.emit(Opcode::kS8i, {a(12), a(1), imm(sp + 14)});
  b.emit(Opcode::kS8i, {a(13), a(1), imm(sp + 15)});
  b.emit(Opcode::kMoviN, {a(12), imm(16)});
  b.emit(Opcode::kEeVld128Ip, {q(0), a(4), imm(0)});
  b.emit(Opcode::kEeSrcmbS16Qacc, {q(1), a(12), imm(0)});
  b.emit(Opcode::kEeVzip16, {q(0), q(1)});  // (low, high) halfword pairs: the 8 lanes as int32
  b.emit(Opcode::kEeVaddsS32, {q(0), q(0), q(1)});
  b.emit(Opcode::kEeMovi32A, {q(0), a(10), imm(3)});
  b.emit(Opcode::kEeMovi32A, {q(0), a(9), imm(2)});
  b.emit(Opcode::kEeMovi32A, {q(0), a(14), imm(0)});
  b.emit(Opcode::kAdd, {a(9), a(9), a(10)});
  b.emit(Opcode::kEeMovi32A, {q(0), a(10), imm(1)});
  b.emit(Opcode::kAdd, {a(14), a(14), a(10)});
  b.emit(Opcode::kAdd, {a(14), a(14), a(9)});

  ld(b, 9, kBias);
  b.emit(Opcode::kL32iN, {a(6), a(15), imm(0)});
  if (paths.bias) {  // beqz never taken
    const Label no_bias = b.new_label("leftover_no_bias");
    b.emit(Opcode::kBeqzN, {a(9), target(no_bias)});
    b.emit(Opcode::kL32iN, {a(9), a(5), imm(0)});
    b.emit(Opcode::kAddN, {a(14), a(14), a(9)});
    b.bind(no_bias);
  }

  // esp-nn's inline scalar requantization (SRDHM as in emit_helper).
  b.emit(Opcode::kL32iN, {a(9), a(2), imm(0)});
  b.emit(Opcode::kMoviN, {a(10), imm(0)});
  b.emit(Opcode::kMax, {a(10), a(6), a(10)});
  b.emit(Opcode::kSsl, {a(10)});
  b.emit(Opcode::kSll, {a(14), a(14)});
  b.emit(Opcode::kSub, {a(7), a(10), a(6)});  // right shift
  b.emit(Opcode::kMulsh, {a(12), a(9), a(14)});
  b.emit(Opcode::kMull, {a(14), a(9), a(14)});
  b.emit(Opcode::kAddiN, {a(2), a(2), imm(4)});
  b.emit(Opcode::kAddiN, {a(15), a(15), imm(4)});
  b.emit(Opcode::kAddiN, {a(5), a(5), imm(4)});
  b.emit(Opcode::kAddiN, {a(11), a(11), imm(1)});
  b.emit(Opcode::kExtui, {a(13), a(14), imm(30), imm(2)});
  b.emit(Opcode::kAddiN, {a(13), a(13), imm(1)});
  b.emit(Opcode::kSrli, {a(13), a(13), imm(1)});
  b.emit(Opcode::kAddx2, {a(12), a(12), a(13)});
  if (paths.mixed()) {
    // Branch-free, exact for right shift 0 too (TFLM's form): q = (x >> e) + (rem > half + (x < 0)).
    b.emit(Opcode::kMoviN, {a(10), imm(1)});
    b.emit(Opcode::kSsl, {a(7)});
    b.emit(Opcode::kSll, {a(10), a(10)});
    b.emit(Opcode::kAddiN, {a(10), a(10), imm(-1)});          // mask
    b.emit(Opcode::kAnd, {a(13), a(12), a(10)});              // remainder
    b.emit(Opcode::kSrli, {a(10), a(10), imm(1)});
    b.emit(Opcode::kExtui, {a(14), a(12), imm(31), imm(1)});
    b.emit(Opcode::kAdd, {a(10), a(10), a(14)});              // threshold
    b.emit(Opcode::kSsr, {a(7)});
    b.emit(Opcode::kSra, {a(12), a(12)});
    b.emit(Opcode::kSub, {a(10), a(10), a(13)});
    b.emit(Opcode::kExtui, {a(10), a(10), imm(31), imm(1)});  // remainder > threshold
    b.emit(Opcode::kAdd, {a(12), a(12), a(10)});
  } else if (paths.right_shifts) {  // every shift < 0: blti never taken
    const Label skip_div = b.new_label("leftover_skip_div");
    b.emit(Opcode::kBlti, {a(7), imm(1), target(skip_div)});
    b.emit(Opcode::kAddiN, {a(14), a(7), imm(-1)});
    b.emit(Opcode::kSsl, {a(14)});
    b.emit(Opcode::kMoviN, {a(10), imm(1)});
    b.emit(Opcode::kSll, {a(10), a(10)});
    b.emit(Opcode::kExtui, {a(14), a(12), imm(31), imm(1)});
    b.emit(Opcode::kSsr, {a(7)});
    b.emit(Opcode::kSub, {a(10), a(10), a(14)});
    b.emit(Opcode::kAdd, {a(12), a(12), a(10)});
    b.emit(Opcode::kSra, {a(12), a(12)});
    b.bind(skip_div);
  }  // else blti always taken: no rounding shift
  ld(b, 10, kOutOffset);
  ld(b, 9, kActMin);
  b.emit(Opcode::kL16ui, {a(13), a(1), imm(kOutCh)});
  ld(b, 14, kActMax);
  b.emit(Opcode::kAddN, {a(10), a(10), a(12)});
  b.emit(Opcode::kMax, {a(9), a(9), a(10)});
  b.emit(Opcode::kMin, {a(14), a(14), a(9)});
  b.emit(Opcode::kS8i, {a(14), a(3), imm(0)});
  b.emit(Opcode::kAddiN, {a(3), a(3), imm(1)});
}

// The leftover pixels of one batch, one at a time (i_out is the first of them).
void emit_leftover(FunctionBuilder& b, const Shape& s, const Paths& paths) {
  ld(b, 15, kIout);
  ld(b, 14, kInput);
  ld(b, 8, kInCh);
  b.emit(Opcode::kMull, {a(15), a(15), a(8)});
  b.emit(Opcode::kAddiN, {a(8), a(8), imm(-1)});
  b.emit(Opcode::kAddN, {a(14), a(14), a(15)});
  b.emit(Opcode::kSrai, {a(8), a(8), imm(3)});
  st(b, 8, kLeftoverIters);
  st(b, 14, kInputPtr);
  b.emit(Opcode::kAddi, {a(12), a(1), imm(kInputOffset)});
  b.emit(Opcode::kEeVldbc16, {q(4), a(12)});

  const Label pixel = b.new_label("leftover_outer_loop");
  b.bind(pixel);
  ld(b, 15, kShift);
  ld(b, 2, kMult);
  ld(b, 8, kFilter);
  ld(b, 5, kBias);
  b.emit(Opcode::kMoviN, {a(11), imm(0)});
  const Label channel = b.new_label("leftover_out_ch_loop");
  b.bind(channel);
  emit_leftover_channel(b, s, paths);
  b.emit(Opcode::kBne, {a(11), a(13), target(channel)}).trip_count = s.out_c;
  ld(b, 15, kInCh);
  ld(b, 14, kInputPtr);
  ld(b, 13, kIout);
  ld(b, 12, kSize);
  b.emit(Opcode::kAddiN, {a(13), a(13), imm(1)});
  st(b, 13, kIout);
  b.emit(Opcode::kAddN, {a(14), a(14), a(15)});
  st(b, 14, kInputPtr);
  b.emit(Opcode::kBlt, {a(13), a(12), target(pixel)}).trip_count = s.leftover();
}

std::vector<std::uint8_t> int32_bytes(const std::vector<std::int32_t>& values) {
  std::vector<std::uint8_t> out;
  for (std::int32_t v : values) append_int32(out, v);
  return out;
}

}  // namespace

std::optional<Rejection> conv_espnn_1x1_legal(const Layer& layer, const Variant&) {
  PIETUNE_CHECK(layer.op == OpKind::kConv2d) << to_string(layer.op);
  if (auto r = check_types(layer)) return r;
  const ConvGeometry g = conv_geometry(layer);
  if (g.kernel_h != 1 || g.kernel_w != 1 || g.stride_h != 1 || g.stride_w != 1 || g.needs_border() ||
      layer.options.groups != 1 || g.in_c % 8 != 0)
    return Rejection{"pointwise",
                     fmt::format("kernel {}x{}, stride {}x{}, {} border, {} group(s), in_ch {}: esp-nn's mult8 1x1 "
                                 "kernel takes 1x1, stride 1, pad 0, one group and in_ch % 8 == 0",
                                 g.kernel_h, g.kernel_w, g.stride_h, g.stride_w, g.needs_border() ? "a" : "no",
                                 layer.options.groups, g.in_c)};
  const reference::ChannelQuantization q = reference::channel_quantization(layer, reference::RoundingMode::kDouble);
  if (auto r = check_shift_range(q)) return r;
  const Shape s = shape_of(layer);
  if (const std::optional<std::string> risk = saturation_risk(layer, s, q))
    return Rejection{"espnn_acc_range", *risk + ": esp-nn's saturating vector adds would differ from TFLM"};
  return check_scratch(scratch_bytes_of(s), "the transposed 8-pixel block");
}

GeneratedKernel conv_espnn_1x1_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!conv_espnn_1x1_legal(layer, variant)) << variant.name();
  const Shape s = shape_of(layer);
  const reference::ChannelQuantization qz = reference::channel_quantization(layer, reference::RoundingMode::kDouble);
  const std::vector<std::int8_t> w = weights_int8(layer);
  std::vector<std::int32_t> mults, shifts;
  Paths paths{.bias = layer.bias.has_value()};
  for (const auto& m : qz.multipliers) {
    mults.push_back(m.multiplier);
    shifts.push_back(m.shift);
    (m.shift < 0 ? paths.right_shifts : paths.no_right_shifts) = true;
  }

  GeneratedKernel k;
  k.symbol = variant.symbol();
  k.constants.push_back({"weights", std::vector<std::uint8_t>(w.begin(), w.end())});
  k.constants.push_back({"bias", int32_bytes(bias_int32(layer, s.out_c))});
  k.constants.push_back({"out_mult", int32_bytes(mults)});
  k.constants.push_back({"out_shift", int32_bytes(shifts)});
  k.scratch_bytes = static_cast<std::uint32_t>(scratch_bytes_of(s));
  k.input_align_bytes = 8;

  FunctionBuilder b(k.symbol);
  b.emit(Opcode::kEntry, {a(1), imm(kFrame)});
  // Call block words: weights, bias, multipliers, shifts, scratch.
  const int words[] = {kFilter, kBias, kMult, kShift, kBuffer};
  for (int i = 0; i < 5; ++i) {
    b.emit(Opcode::kL32i, {a(8), a(4), imm(4 * i)});
    if (words[i] == kBias && !layer.bias) b.emit(Opcode::kMovi, {a(8), imm(0)});  // esp-nn gets bias == NULL
    st(b, 8, words[i]);
  }
  put(b, qz.input_offset, kInputOffset, 8);
  put(b, qz.output_offset, kOutOffset, 8);
  put(b, qz.act_min, kActMin, 8);
  put(b, qz.act_max, kActMax, 8);
  put(b, s.out_c, kOutCh, 8);
  put(b, s.in_c, kInCh, 8);
  put(b, s.in_c - 7, kInChMinus7, 8);
  put(b, s.in_c / 8 - 1, kInChBy8Minus1, 8);
  put(b, 8 * s.in_c, kInCh8, 8);
  put(b, s.size, kSize, 8);
  put(b, s.size - 7, kSizeMinus7, 8);
  b.emit(Opcode::kAddi, {a(4), a(1), imm(kSpill)});  // esp-nn's a3: the QACC spill area

  codegen::slot_loop(b, kBatchSlot, s.batches, 8, [&] {
    st(b, 2, kInput);
    st(b, 2, kInputPtr);
    b.emit(Opcode::kMoviN, {a(8), imm(0)});
    st(b, 8, kIout);
    if (s.blocks() > 0) emit_blocks(b, s, paths);
    if (s.leftover() > 0) emit_leftover(b, s, paths);
    ld(b, 2, kInput);
    codegen::add_const(b, 2, 2, s.size * s.in_c, 8);
  });
  codegen::emit_epilogue(b);
  k.program = single_function_program(std::move(b).finish());
  return k;
}

}  // namespace pietune::kernels::families
