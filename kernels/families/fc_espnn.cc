// fc_espnn: the esp-nn fully connected baseline (see the header for the structure and sources).
#include "kernels/families/fc_espnn.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <limits>

#include <fmt/format.h>

#include "kernels/baselines/espnn/dispatch.h"
#include "kernels/codegen/emit.h"
#include "kernels/codegen/espnn_c_requant.h"
#include "model/support/error.h"

namespace pietune::kernels::families {
namespace {

using model::a;
using model::imm;
using model::Label;
using model::Opcode;
using model::q;
using model::target;

constexpr std::string_view kDotKernel = "esp_nn_dot_s8_unaligned_esp32s3";
constexpr int kParamEntryBytes = 12;  // {bias, multiplier, shift}
constexpr int kWeightsTailBytes = 48;

// Frame slots: the C function's spilled arguments and locals. The two paths share the last ones.
enum Slot : int {
  kSlotWeights, kSlotParams, kSlotScratch, kSlotBatch, kSlotMult, kSlotLeft, kSlotRight, kSlotNudgePos,
  kSlotNudgeNeg, kSlotIntMin, kSlotIntMax, kSlotOutOffset, kSlotActMin, kSlotActMax, kSlotUnits,
  kSlotPath0, kSlotPath1, kSlotPath2, kSlotPath3, kSlotPath4,
};
static_assert(kSlotPath4 < codegen::kFrameSlots);
// Dot path: row_len >> 4 and row_len & 15 (C locals).
constexpr int kSlotDiv16 = kSlotPath0, kSlotRem = kSlotPath1;
// s16 path: the assembly's spills, its offsets for ee.vldbc.16, and the next batch's input.
constexpr int kSlotRowLenMinus7 = kSlotPath0, kSlotDone8 = kSlotPath1, kSlotInputOffset = kSlotPath2,
              kSlotFilterOffset = kSlotPath3, kSlotOutData = kSlotPath4, kSlotNextInput = kSlotScratch;

bool dot_path(const Layer& layer) { return espnn::espnn_path(layer).kernel == kDotKernel; }

struct Facts {
  FcShape s;
  reference::ChannelQuantization q;
  bool per_channel = false;
  bool has_bias = false;
};

Facts facts_of(const Layer& layer) {
  Facts f{fc_shape(layer), reference::channel_quantization(layer, reference::RoundingMode::kDouble)};
  f.per_channel = layer.weights->quant && layer.weights->quant->scales.size() > 1;
  f.has_bias = layer.bias.has_value();
  return f;
}

void slot_const(model::FunctionBuilder& b, int slot, std::int32_t value, int tmp) {
  codegen::load_const(b, tmp, value);
  codegen::store_slot(b, tmp, slot);
}

// A branch whose target is the next instruction: taken or not, execution goes on there.
void branch_to_next(model::FunctionBuilder& b, Opcode op, model::Operand reg) {
  const Label next = b.new_label("next");
  b.emit(op, {reg, target(next)});
  b.bind(next);
}

// A conditional branch whose direction the layer fixes: emitted as the branch when it falls
// through, as `j` when it is taken (the fast timing mode assumes forward branches not taken; a
// taken branch and a jump cost the same bubble).
void fixed_branch(model::FunctionBuilder& b, bool taken, Label to, const std::function<void(model::Operand)>& cond) {
  if (taken) b.emit(Opcode::kJ, {target(to)});
  else cond(target(to));
}

// call8 / retw.n stand-ins: a jump to the next instruction costs what a taken jump costs.
void jump_to_next(model::FunctionBuilder& b) {
  const Label next = b.new_label("call");
  b.emit(Opcode::kJ, {target(next)});
  b.bind(next);
}

// ---- dot path --------------------------------------------------------------------------------

// esp_nn_dot_s8_unaligned_esp32s3(a10 = input, a11 = filter, a12 = chunks), inline, its registers
// the callee window a10..a15 (its a2..a7). Returns the dot product in a10.
void emit_dot_call(model::FunctionBuilder& b, int chunks) {
  jump_to_next(b);                          // call8
  b.emit(Opcode::kNop, {});                 // entry a1, 32
  b.emit(Opcode::kEeZeroAccx, {});
  branch_to_next(b, Opcode::kBeqz, a(12));  // len_div16 == 0 (never: row_len >= 16)
  b.emit(Opcode::kEeLd128UsarIp, {q(0), a(11), imm(16)});
  b.emit(Opcode::kSrai, {a(13), a(12), imm(1)});
  const bool odd = chunks % 2 == 1;
  const Label done = b.new_label("done");
  const Label single = odd ? b.new_label("single") : done;  // bound only when a single chunk is left
  if (chunks / 2 == 0) {
    b.emit(Opcode::kJ, {target(single)});  // beqz, taken: the single block follows
  } else {
    branch_to_next(b, Opcode::kBeqz, a(13));
    b.emit(Opcode::kEeVld128Ip, {q(1), a(10), imm(16)});
    b.emit(Opcode::kEeLd128UsarIp, {q(2), a(11), imm(16)});
    b.zero_overhead_loop(Opcode::kLoopgtz, a(13), chunks / 2, [&] {
      b.emit(Opcode::kEeSrcQQup, {q(4), q(0), q(2)});
      b.emit(Opcode::kEeVld128Ip, {q(3), a(10), imm(16)});
      b.emit(Opcode::kEeVmulasS8Accx, {q(4), q(1)});
      b.emit(Opcode::kEeLd128UsarIp, {q(0), a(11), imm(16)});
      b.emit(Opcode::kEeSrcQQup, {q(5), q(2), q(0)});
      b.emit(Opcode::kEeVld128Ip, {q(1), a(10), imm(16)});
      b.emit(Opcode::kEeVmulasS8Accx, {q(5), q(3)});
      b.emit(Opcode::kEeLd128UsarIp, {q(2), a(11), imm(16)});
    });
    if (chunks % 2 == 0) {
      const Label back_up = b.new_label("back_up");
      b.emit(Opcode::kJ, {target(back_up)});  // bbci, taken: even chunk count
      b.bind(back_up);
      b.emit(Opcode::kAddi, {a(10), a(10), imm(-16)});
      b.emit(Opcode::kAddi, {a(11), a(11), imm(-16)});
      b.bind(done);
    } else {
      b.emit(Opcode::kBbci, {a(12), imm(0), target(single)});  // not taken: falls into single
    }
  }
  if (odd) {
    b.bind(single);
    // After the loop the next input chunk is already in q1 and its filter blocks in q0/q2;
    // esp-nn reloads here (one chunk too far at 6e2e716): keep its loads, multiply the right data.
    const bool after_loop = chunks > 1;
    b.emit(Opcode::kEeVld128Ip, {q(after_loop ? 6 : 1), a(10), imm(16)});
    b.emit(Opcode::kEeLd128UsarIp, {q(after_loop ? 7 : 2), a(11), imm(16)});
    b.emit(Opcode::kEeSrcQQup, {q(4), q(0), q(2)});
    b.emit(Opcode::kEeVmulasS8Accx, {q(4), q(1)});
    b.emit(Opcode::kJ, {target(done)});
    b.bind(done);
  }
  b.emit(Opcode::kMovi, {a(11), imm(0)});
  b.emit(Opcode::kNop, {});  // esp-nn's gap before reading ACCX
  b.emit(Opcode::kEeSrsAccx, {a(10), a(11), imm(0)});
  jump_to_next(b);  // retw.n
}

// esp_nn_multiply_by_quantized_mult(a10, mult a8, shift) as C compiles it, then out_offset and the
// clamp; a6 = the output's parameter entry. Exact TFLM double rounding (it is TFLM's algorithm).
void emit_c_requant(model::FunctionBuilder& b, bool per_channel) {
  if (per_channel) {
    b.emit(Opcode::kL32i, {a(8), a(6), imm(4)});
    b.emit(Opcode::kL32i, {a(9), a(6), imm(8)});
    b.emit(Opcode::kMovi, {a(11), imm(0)});
    b.emit(Opcode::kMax, {a(11), a(9), a(11)});  // left
    b.emit(Opcode::kSub, {a(12), a(11), a(9)});  // right
  } else {  // hoisted out of the loop by the compiler, spilled across the call
    codegen::load_slot(b, 8, kSlotMult);
    codegen::load_slot(b, 11, kSlotLeft);
    codegen::load_slot(b, 12, kSlotRight);
  }
  codegen::emit_espnn_c_requant(b, {.int_min = kSlotIntMin, .nudge_pos = kSlotNudgePos, .nudge_neg = kSlotNudgeNeg,
                                    .int_max = kSlotIntMax, .out_offset = kSlotOutOffset, .act_min = kSlotActMin,
                                    .act_max = kSlotActMax});
}

// esp_nn_fully_connected_s8_esp32s3's dot path for one batch: a2 = input (16-byte aligned),
// a3 = output (advanced past the batch).
void emit_dot_batch(model::FunctionBuilder& b, const Facts& f) {
  const int row_len = f.s.depth, units = f.s.units;
  const int chunks = row_len / 16, rem = row_len % 16;

  // Pre-pass: corrections[ch] = filter_sum * input_offset (when non-zero) + bias[ch].
  codegen::load_slot(b, 5, kSlotWeights);
  codegen::load_slot(b, 6, kSlotParams);
  codegen::load_slot(b, 4, kSlotScratch);
  codegen::load_const(b, 12, f.q.input_offset);
  codegen::load_const(b, 13, f.has_bias ? 1 : 0);  // the bias pointer's nullness
  codegen::reg_loop(b, 7, units, [&] {
    b.emit(Opcode::kMovi, {a(10), imm(0)});
    const Label no_offset = b.new_label("no_offset");
    fixed_branch(b, f.q.input_offset == 0, no_offset, [&](model::Operand t) { b.emit(Opcode::kBeqz, {a(12), t}); });
    if (f.q.input_offset != 0) {
      b.emit(Opcode::kMov, {a(9), a(5)});
      codegen::inner_loop(b, 14, row_len, [&] {
        b.emit(Opcode::kL8ui, {a(11), a(9), imm(0)});
        b.emit(Opcode::kAddi, {a(9), a(9), imm(1)});
        b.emit(Opcode::kSext, {a(11), a(11), imm(7)});
        b.emit(Opcode::kAdd, {a(10), a(10), a(11)});
      });
      b.emit(Opcode::kMull, {a(10), a(10), a(12)});
    }
    b.bind(no_offset);
    const Label no_bias = b.new_label("no_bias");
    fixed_branch(b, !f.has_bias, no_bias, [&](model::Operand t) { b.emit(Opcode::kBeqz, {a(13), t}); });
    if (f.has_bias) {
      b.emit(Opcode::kL32i, {a(11), a(6), imm(0)});
      b.emit(Opcode::kAdd, {a(10), a(10), a(11)});
    }
    b.bind(no_bias);
    b.emit(Opcode::kS32i, {a(10), a(4), imm(0)});
    b.emit(Opcode::kAddi, {a(4), a(4), imm(4)});
    b.emit(Opcode::kAddi, {a(6), a(6), imm(kParamEntryBytes)});
    codegen::add_const(b, 5, 5, row_len, 8);
  });

  // Main loop: a5 = filter row, a6 = parameter entry, a4 = corrections[ch], a7 = counter.
  codegen::load_slot(b, 5, kSlotWeights);
  codegen::load_slot(b, 6, kSlotParams);
  codegen::load_slot(b, 4, kSlotScratch);
  codegen::reg_loop(b, 7, units, [&] {
    b.emit(Opcode::kMov, {a(10), a(2)});
    b.emit(Opcode::kMov, {a(11), a(5)});
    codegen::load_slot(b, 12, kSlotDiv16);
    emit_dot_call(b, chunks);
    // Scalar remainder in C over the bytes past the last whole chunk.
    codegen::load_slot(b, 13, kSlotRem);
    codegen::add_const(b, 14, 2, chunks * 16, 8);
    codegen::add_const(b, 15, 5, chunks * 16, 8);
    if (rem > 0) {
      b.zero_overhead_loop(Opcode::kLoopgtz, a(13), rem, [&] {
        b.emit(Opcode::kL8ui, {a(8), a(14), imm(0)});
        b.emit(Opcode::kL8ui, {a(9), a(15), imm(0)});
        b.emit(Opcode::kSext, {a(8), a(8), imm(7)});
        b.emit(Opcode::kSext, {a(9), a(9), imm(7)});
        b.emit(Opcode::kMull, {a(8), a(8), a(9)});
        b.emit(Opcode::kAdd, {a(10), a(10), a(8)});
        b.emit(Opcode::kAddi, {a(14), a(14), imm(1)});
        b.emit(Opcode::kAddi, {a(15), a(15), imm(1)});
      });
    }
    b.emit(Opcode::kL32i, {a(8), a(4), imm(0)});
    b.emit(Opcode::kAdd, {a(10), a(10), a(8)});
    b.emit(Opcode::kAddi, {a(4), a(4), imm(4)});
    emit_c_requant(b, f.per_channel);
    b.emit(Opcode::kS8i, {a(10), a(3), imm(0)});
    b.emit(Opcode::kAddi, {a(3), a(3), imm(1)});
    b.emit(Opcode::kAddi, {a(6), a(6), imm(kParamEntryBytes)});
    codegen::add_const(b, 5, 5, row_len, 8);
  });
}

// ---- s16 path --------------------------------------------------------------------------------

// The assembly's requantization of a6 (a14 = the parameter entry) into a4, stored at
// out_data[a15]; a11/a10 advance to the next filter row.
void emit_asm_requant(model::FunctionBuilder& b, const Facts& f) {
  if (f.per_channel) {  // assumed per-channel twin: out_shift[ch] split per output
    b.emit(Opcode::kL32i, {a(5), a(14), imm(8)});
    b.emit(Opcode::kMovi, {a(2), imm(0)});
    b.emit(Opcode::kMax, {a(2), a(5), a(2)});
    b.emit(Opcode::kSub, {a(5), a(2), a(5)});
  } else {
    codegen::load_slot(b, 2, kSlotLeft);
    codegen::load_slot(b, 5, kSlotRight);
  }
  b.emit(Opcode::kSsl, {a(2)});
  b.emit(Opcode::kSll, {a(6), a(6)});
  codegen::load_slot(b, 3, kSlotNudgePos);  // l32r of the 2^30 nudge
  b.emit(Opcode::kAdd, {a(10), a(10), a(12)});
  if (f.per_channel) b.emit(Opcode::kL32i, {a(4), a(14), imm(4)});
  else codegen::load_slot(b, 4, kSlotMult);
  b.emit(Opcode::kAddi, {a(14), a(14), imm(kParamEntryBytes)});
  b.emit(Opcode::kAdd, {a(11), a(11), a(12)});
  b.emit(Opcode::kSsai, {imm(31)});
  b.emit(Opcode::kMulsh, {a(7), a(4), a(6)});
  b.emit(Opcode::kMull, {a(4), a(4), a(6)});
  b.emit(Opcode::kMov, {a(2), a(11)});
  // (hi:lo + 2^30) >> 31 = 2 * hi + lo[31] + lo[30]: the add/saltu/add/src of the assembly
  b.emit(Opcode::kExtui, {a(8), a(4), imm(31), imm(1)});
  b.emit(Opcode::kAddx2, {a(3), a(7), a(8)});
  b.emit(Opcode::kExtui, {a(8), a(4), imm(30), imm(1)});
  b.emit(Opcode::kAdd, {a(3), a(3), a(8)});
  // rounding divide: (x + 2^(R-1) - (x < 0)) >> R, exact under accumulator_range
  const Label skip = b.new_label("skip_divide");
  // Per-tensor the shift fixes the direction; per channel it is data (fast mode: not taken).
  const bool skip_taken = !f.per_channel && f.q.multipliers.front().shift >= 0;
  fixed_branch(b, skip_taken, skip, [&](model::Operand t) { b.emit(Opcode::kBlti, {a(5), imm(1), t}); });
  if (!skip_taken) {
    b.emit(Opcode::kMovi, {a(8), imm(1)});
    b.emit(Opcode::kAddi, {a(4), a(5), imm(-1)});
    b.emit(Opcode::kSsl, {a(4)});
    b.emit(Opcode::kSll, {a(8), a(8)});
    b.emit(Opcode::kExtui, {a(6), a(3), imm(31), imm(1)});
    b.emit(Opcode::kSub, {a(8), a(8), a(6)});
    b.emit(Opcode::kAdd, {a(3), a(3), a(8)});
    b.emit(Opcode::kSsr, {a(5)});
    b.emit(Opcode::kSra, {a(3), a(3)});
  }
  b.bind(skip);
  codegen::load_slot(b, 8, kSlotOutOffset);
  codegen::load_slot(b, 7, kSlotActMin);
  codegen::load_slot(b, 4, kSlotActMax);
  b.emit(Opcode::kAdd, {a(8), a(8), a(3)});
  codegen::load_slot(b, 6, kSlotOutData);
  codegen::load_slot(b, 3, kSlotUnits);
  b.emit(Opcode::kMax, {a(7), a(7), a(8)});
  b.emit(Opcode::kAdd, {a(6), a(15), a(6)});
  b.emit(Opcode::kMin, {a(4), a(4), a(7)});
  b.emit(Opcode::kAddi, {a(15), a(15), imm(1)});
  b.emit(Opcode::kS8i, {a(4), a(6), imm(0)});
}

// esp_nn_fc_s16_esp32s3 for one batch: a2 = input (8-byte aligned), a3 = output; both advanced
// past the batch on return (kept in frame slots meanwhile: the kernel uses every register).
void emit_s16_batch(model::FunctionBuilder& b, const Facts& f) {
  const int row_len = f.s.depth, units = f.s.units;
  const int blocks = row_len / 8;
  codegen::store_slot(b, 3, kSlotOutData);
  codegen::add_const(b, 8, 2, row_len, 9);
  codegen::store_slot(b, 8, kSlotNextInput);
  // Prologue: offsets broadcast into q5 / q6, q7 = 0, loop figures spilled.
  b.emit(Opcode::kMov, {a(13), a(2)});
  codegen::load_const(b, 12, row_len);
  codegen::load_slot(b, 2, kSlotUnits);
  b.emit(Opcode::kAddi, {a(4), a(1), imm(codegen::slot_offset(kSlotFilterOffset))});
  b.emit(Opcode::kAddi, {a(8), a(1), imm(codegen::slot_offset(kSlotInputOffset))});
  b.emit(Opcode::kEeVldbc16, {q(5), a(8)});
  b.emit(Opcode::kEeVldbc16, {q(6), a(4)});
  b.emit(Opcode::kEeZeroQ, {q(7)});
  b.emit(Opcode::kMovi, {a(15), imm(0)});
  b.emit(Opcode::kMovi, {a(10), imm(0)});
  codegen::load_slot(b, 11, kSlotWeights);
  codegen::load_slot(b, 14, kSlotParams);
  b.emit(Opcode::kMov, {a(2), a(11)});

  const Label top = b.new_label("s16_out");
  b.bind(top);
  codegen::load_slot(b, 9, kSlotRowLenMinus7);
  b.emit(Opcode::kExtui, {a(5), a(11), imm(0), imm(3)});
  b.emit(Opcode::kEeZeroAccx, {});
  b.emit(Opcode::kSlli, {a(5), a(5), imm(1)});  // SAR_BYTE: the byte shift of widened lanes
  const Label remainder = b.new_label("after_blocks"), main = b.new_label("blocks");
  if (blocks == 0) {
    b.bind(main);  // unused: row_len < 8
    branch_to_next(b, Opcode::kBgez, a(9));  // bgei a9, 0 (assembles as bgez), not taken
    b.emit(Opcode::kMov, {a(5), a(10)});
    b.emit(Opcode::kMovi, {a(2), imm(0)});
    b.emit(Opcode::kJ, {target(remainder)});
  } else {
    b.emit(Opcode::kJ, {target(main)});  // bgez (bgei a9, 0), taken: row_len >= 8
    b.bind(main);
    b.emit(Opcode::kWurSarByte, {a(5)});
    b.emit(Opcode::kEeVldL64Ip, {q(4), a(2), imm(8)});
    codegen::load_const(b, 4, blocks);  // the assembly's l32i of row_len >> 3
    b.emit(Opcode::kMov, {a(3), a(13)});
    b.emit(Opcode::kAddx8, {a(5), a(4), a(10)});
    b.emit(Opcode::kEeVcmpLtS8, {q(2), q(4), q(7)});
    b.emit(Opcode::kEeVzip8, {q(4), q(2)});
    b.zero_overhead_loop(Opcode::kLoopgtz, a(4), blocks, [&] {
      b.emit(Opcode::kEeVldL64Ip, {q(0), a(2), imm(8)});
      b.emit(Opcode::kEeVldL64Ip, {q(1), a(3), imm(8)});
      b.emit(Opcode::kEeVcmpLtS8, {q(2), q(0), q(7)});
      b.emit(Opcode::kEeVcmpLtS8, {q(3), q(1), q(7)});
      b.emit(Opcode::kEeVzip8, {q(0), q(2)});
      b.emit(Opcode::kEeVzip8, {q(1), q(3)});
      b.emit(Opcode::kEeVaddsS16, {q(1), q(1), q(5)});
      b.emit(Opcode::kEeSrcQQup, {q(2), q(4), q(0)});
      b.emit(Opcode::kEeVaddsS16, {q(2), q(2), q(6)});
      b.emit(Opcode::kEeVmulasS16Accx, {q(1), q(2)});
    });
    codegen::load_slot(b, 2, kSlotDone8);
  }
  b.bind(remainder);
  b.emit(Opcode::kMovi, {a(9), imm(0)});
  b.emit(Opcode::kEeSrsAccx, {a(6), a(9), imm(0)});
  const Label bias = b.new_label("bias");
  fixed_branch(b, row_len % 8 == 0, bias, [&](model::Operand t) { b.emit(Opcode::kBge, {a(2), a(12), t}); });
  if (row_len % 8 != 0) {
    codegen::load_slot(b, 8, kSlotInputOffset);
    codegen::load_slot(b, 7, kSlotFilterOffset);
    b.emit(Opcode::kSub, {a(3), a(12), a(2)});
    codegen::load_slot(b, 4, kSlotWeights);
    b.emit(Opcode::kAdd, {a(2), a(2), a(13)});
    b.emit(Opcode::kAdd, {a(4), a(4), a(5)});
    b.zero_overhead_loop(Opcode::kLoopgtz, a(3), row_len % 8, [&] {
      b.emit(Opcode::kL8ui, {a(3), a(2), imm(0)});
      b.emit(Opcode::kL8ui, {a(5), a(4), imm(0)});
      b.emit(Opcode::kSext, {a(3), a(3), imm(7)});
      b.emit(Opcode::kSext, {a(5), a(5), imm(7)});
      b.emit(Opcode::kAdd, {a(5), a(5), a(7)});
      b.emit(Opcode::kAdd, {a(3), a(3), a(8)});
      b.emit(Opcode::kMull, {a(3), a(3), a(5)});
      b.emit(Opcode::kAddi, {a(2), a(2), imm(1)});
      b.emit(Opcode::kAddi, {a(4), a(4), imm(1)});
      b.emit(Opcode::kAdd, {a(6), a(6), a(3)});
    });
  }
  b.bind(bias);
  const Label no_bias = b.new_label("no_bias");
  codegen::load_const(b, 8, f.has_bias ? 1 : 0);  // the assembly's l32i of the bias pointer
  fixed_branch(b, !f.has_bias, no_bias, [&](model::Operand t) { b.emit(Opcode::kBeqz, {a(8), t}); });
  if (f.has_bias) {
    b.emit(Opcode::kL32i, {a(9), a(14), imm(0)});
    b.emit(Opcode::kAdd, {a(6), a(6), a(9)});
  }
  b.bind(no_bias);
  emit_asm_requant(b, f);
  b.emit(Opcode::kBne, {a(3), a(15), target(top)}).trip_count = units;

  codegen::load_slot(b, 3, kSlotOutData);
  codegen::add_const(b, 3, 3, units, 8);
  codegen::load_slot(b, 2, kSlotNextInput);
}

}  // namespace

std::optional<Rejection> fc_espnn_legal(const Layer& layer, const Variant&) {
  PIETUNE_CHECK(layer.op == OpKind::kFullyConnected) << to_string(layer.op);
  if (auto r = check_types(layer)) return r;
  if (layer.weights->shape.size() != 2)
    return Rejection{"types", fmt::format("weights of rank {}: the kernel takes [units, depth]", layer.weights->shape.size())};
  const FcShape s = fc_shape(layer);
  if (s.depth > 65535 || s.units > 65535)
    return Rejection{"row_len", fmt::format("row_len {} / {} outputs: esp-nn takes both as uint16", s.depth, s.units)};
  const reference::ChannelQuantization q = reference::channel_quantization(layer, reference::RoundingMode::kDouble);
  if (auto r = check_shift_range(q)) return r;
  const bool dot = dot_path(layer);
  if (s.batches > 1 && s.depth % (dot ? 16 : 8) != 0)
    return Rejection{"batch_alignment",
                     fmt::format("{} batches of row_len {}: esp-tflite-micro calls esp-nn per batch, so batch 1's "
                                 "input is not {}-byte aligned ({})",
                                 s.batches, s.depth, dot ? 16 : 8,
                                 dot ? "esp-nn switches to the s16 kernel there" : "the s16 kernel would read wrong bytes")};
  // |acc| bound: every product at most 255 * 255 (raw int8 products at most 128 * 128 on the dot
  // path, plus the folded correction), plus the largest bias.
  std::int64_t max_bias = 0;
  if (layer.bias && layer.bias->data) {  // without data (a cost query) only the products count
    const std::vector<std::int32_t> bias = bias_int32(layer, s.units);
    for (std::int32_t v : bias) max_bias = std::max<std::int64_t>(max_bias, std::llabs(v));
  }
  const std::int64_t bound = std::int64_t{s.depth} * 255 * 255 + max_bias;
  if (bound >= (std::int64_t{1} << 30))
    return Rejection{"accumulator_range",
                     fmt::format("accumulators up to {} (row_len {}, |bias| {}): esp-nn's rounding divide and "
                                 "ee.srs.accx are exact only below 2^30",
                                 bound, s.depth, max_bias)};
  return std::nullopt;
}

GeneratedKernel fc_espnn_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!fc_espnn_legal(layer, variant)) << variant.name();
  const Facts f = facts_of(layer);
  const bool dot = dot_path(layer);
  const std::vector<std::int8_t> w = weights_int8(layer);
  const std::vector<std::int32_t> bias = bias_int32(layer, f.s.units);

  GeneratedKernel k;
  k.symbol = variant.symbol();
  k.layout = layer.options.layout;  // NCHW: the input row in (c, h, w) order, weights_int8's columns too
  ConstantBuffer weights{"weights", {}};
  for (std::int8_t v : w) weights.bytes.push_back(static_cast<std::uint8_t>(v));
  weights.bytes.resize(weights.bytes.size() + kWeightsTailBytes, 0);
  k.constants.push_back(std::move(weights));
  ConstantBuffer params{"params", {}};
  for (int u = 0; u < f.s.units; ++u) {
    append_int32(params.bytes, bias[u]);
    append_int32(params.bytes, f.q.multipliers[u].multiplier);
    append_int32(params.bytes, f.q.multipliers[u].shift);
  }
  k.constants.push_back(std::move(params));
  k.scratch_bytes = dot ? static_cast<std::uint32_t>(4 * f.s.units) : 0;
  k.input_align_bytes = 16;
  k.input_overread_bytes = 16;  // the dot loop's look-ahead input block

  const reference::QuantizedMultiplier& m0 = f.q.multipliers.front();
  model::FunctionBuilder b(k.symbol);
  codegen::emit_prologue(b);
  codegen::call_block_to_slots(b, {kSlotWeights, kSlotParams, kSlotScratch}, 5);
  slot_const(b, kSlotMult, m0.multiplier, 5);
  slot_const(b, kSlotLeft, std::max(m0.shift, 0), 5);
  slot_const(b, kSlotRight, std::max(m0.shift, 0) - m0.shift, 5);
  slot_const(b, kSlotNudgePos, 1 << 30, 5);
  slot_const(b, kSlotNudgeNeg, 1 - (1 << 30), 5);
  slot_const(b, kSlotIntMin, std::numeric_limits<std::int32_t>::min(), 5);
  slot_const(b, kSlotIntMax, std::numeric_limits<std::int32_t>::max(), 5);
  slot_const(b, kSlotOutOffset, f.q.output_offset, 5);
  slot_const(b, kSlotActMin, f.q.act_min, 5);
  slot_const(b, kSlotActMax, f.q.act_max, 5);
  slot_const(b, kSlotUnits, f.s.units, 5);
  if (dot) {
    slot_const(b, kSlotDiv16, f.s.depth / 16, 5);
    slot_const(b, kSlotRem, f.s.depth % 16, 5);
  } else {
    slot_const(b, kSlotRowLenMinus7, f.s.depth - 7, 5);
    slot_const(b, kSlotDone8, f.s.depth / 8 * 8, 5);
    slot_const(b, kSlotInputOffset, f.q.input_offset, 5);
    slot_const(b, kSlotFilterOffset, f.q.weights_offset, 5);
  }
  codegen::slot_loop(b, kSlotBatch, f.s.batches, 8, [&] {
    if (dot) {
      emit_dot_batch(b, f);
      codegen::add_const(b, 2, 2, f.s.depth, 8);
    } else {
      emit_s16_batch(b, f);
    }
  });
  codegen::emit_epilogue(b);
  k.program = single_function_program(std::move(b).finish());
  return k;
}

}  // namespace pietune::kernels::families
