// conv_espnn: the esp-nn-structured baseline (see the header for the loops and their sources).
#include "kernels/families/conv_espnn.h"

#include <functional>
#include <numeric>
#include <utility>

#include <fmt/format.h>

#include "kernels/codegen/emit.h"
#include "kernels/codegen/requant_scalar.h"
#include "kernels/codegen/stage_input.h"
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

// How the per-channel corrections are made (header, step 3).
enum class Corrections { kWrapperSum, kKernelSum, kBiasCopy };

// Everything the emitters need, fixed per layer.
struct Plan {
  ConvGeometry g;
  int row_len = 0;     // KW * Cin: the bytes of one filter row
  int padded_row = 0;  // row_len rounded up to 16: the re-aligned row
  int chunks = 0;      // 16-byte chunks of a re-aligned row
  bool copy_filter = false;
  bool staged = false;
  int image_row_bytes = 0;  // one row of the image the kernel reads (padded when staged)
  codegen::StageGeometry stage;
  Corrections corrections = Corrections::kBiasCopy;
  bool has_bias = false;
  std::int32_t input_offset = 0;  // esp-nn's input_offset: -(input zero point)
  // Scratch layout (byte offsets, each part 16-byte aligned).
  std::int64_t stage_offset = 0, corr_offset = 0, scratch_bytes = 0;
};

Plan plan_of(const Layer& layer, const ConvGeometry& g, std::int32_t input_offset) {
  Plan p;
  p.g = g;
  p.row_len = g.kernel_w * g.in_c;
  p.padded_row = static_cast<int>(round_up(p.row_len, 16));
  p.chunks = p.padded_row / 16;
  p.copy_filter = p.row_len % 16 != 0;
  p.staged = g.needs_border();
  const int padded_w = p.staged ? g.left + g.in_w + g.right : g.in_w;
  const int padded_h = p.staged ? g.top + g.in_h + g.bottom : g.in_h;
  p.image_row_bytes = padded_w * g.in_c;
  p.stage = {.height = g.in_h, .width = g.in_w, .channels = g.in_c, .top = g.top, .left = g.left,
             .padded_height = padded_h, .padded_width = padded_w, .pixel_stride = g.in_c,
             .tail_bytes = 16 * (p.chunks + 2)};
  const std::int64_t filter_elements = std::int64_t{g.out_c} * g.kernel_h * p.row_len;
  p.input_offset = input_offset;
  p.corrections = input_offset == 0                              ? Corrections::kBiasCopy
                  : filter_elements > kEspnnWrapperSumElements ? Corrections::kWrapperSum
                                                                 : Corrections::kKernelSum;
  p.has_bias = layer.bias.has_value();
  const std::int64_t filter_copy = p.copy_filter ? std::int64_t{g.out_c} * g.kernel_h * p.padded_row : 0;
  p.stage_offset = filter_copy;
  p.corr_offset = p.stage_offset + (p.staged ? p.stage.bytes() : 0);
  p.scratch_bytes = p.corr_offset + round_up(std::int64_t{4} * g.out_c, 16);
  return p;
}

// Frame slots: the kernel keeps its loop indices, bounds, strides and moving pointers on the stack,
// as esp-nn's does (20 slots, all of the frame).
enum Slot : int {
  kSlotFilter,      // the filter the kernel reads: the re-aligned copy or the weights
  kSlotCorr,        // the corrections in scratch
  kSlotTable,       // the requant table
  kSlotOut,         // the next output byte
  kSlotInRow,       // input of output row out_y's first window
  kSlotInput,       // input of the current window
  kSlotOy, kSlotOx, kSlotCh,              // loop indices
  kSlotOutH, kSlotOutW, kSlotOutC, kSlotFilterHt,  // loop bounds
  kSlotImageRow, kSlotColStep, kSlotRowStep,       // strides
  kSlotWeights, kSlotBias,  // the constants as the wrapper gets them
  kSlotBatch,               // batch counter
  kSlotInputBase,           // the next batch's input
  kSlotCount
};
static_assert(kSlotCount <= codegen::kFrameSlots);

// A forward branch resolved at generation time: taken never (emitted as is, falls through) or
// always (a j, and `skipped` is not emitted).
void resolved_branch(FunctionBuilder& b, bool taken, Opcode opcode, std::initializer_list<model::Operand> regs,
                     const std::function<void()>& skipped) {
  const Label over = b.new_label("skip");
  if (taken) {
    b.emit(Opcode::kJ, {target(over)});
  } else {
    if (regs.size() == 1) b.emit(opcode, {*regs.begin(), target(over)});
    else b.emit(opcode, {*regs.begin(), *(regs.begin() + 1), target(over)});
    skipped();
  }
  b.bind(over);
}

// A loop closed by `branch index, bound, top` (bound before index for bne, as esp-nn writes it):
// the runtime loops whose index and bound come from the stack.
Label loop_top(FunctionBuilder& b) {
  const Label top = b.new_label("top");
  b.bind(top);
  return top;
}
void loop_back(FunctionBuilder& b, Opcode opcode, int lhs, int rhs, Label top, std::int64_t trips) {
  b.emit(opcode, {a(lhs), a(rhs), target(top)}).trip_count = trips;
}

void load_call_block(FunctionBuilder& b, const Plan& p) {
  codegen::call_block_to_slots(b, {kSlotWeights, kSlotBias, kSlotTable}, 5);
  b.emit(Opcode::kL32i, {a(6), a(4), imm(12)});  // scratch
  codegen::add_const(b, 7, 6, static_cast<std::int32_t>(p.corr_offset), 8);
  codegen::store_slot(b, 7, kSlotCorr);
  if (!p.copy_filter) codegen::load_slot(b, 6, kSlotWeights);
  codegen::store_slot(b, 6, kSlotFilter);
  codegen::store_slot(b, 2, kSlotInputBase);
  codegen::store_slot(b, 3, kSlotOut);
}

// memcpy of `bytes` from a5 to a6 (both advanced), as newlib's inner loop: words when the row keeps
// 4-byte alignment, else bytes. Count in a10, value in a7.
void emit_copy_loop(FunctionBuilder& b, int bytes, bool words) {
  if (bytes == 0) return;
  const int step = words ? 4 : 1;
  codegen::inner_loop(b, 10, bytes / step, [&] {
    b.emit(words ? Opcode::kL32i : Opcode::kL8ui, {a(7), a(5), imm(0)});
    b.emit(Opcode::kAddi, {a(5), a(5), imm(step)});
    b.emit(words ? Opcode::kS32i : Opcode::kS8i, {a(7), a(6), imm(0)});
    b.emit(Opcode::kAddi, {a(6), a(6), imm(step)});
  });
}

// memset(a6, 0, bytes), a6 advanced.
void emit_zero_loop(FunctionBuilder& b, int bytes, bool words) {
  if (bytes == 0) return;
  const int step = words ? 4 : 1;
  b.emit(Opcode::kMovi, {a(7), imm(0)});
  codegen::inner_loop(b, 10, bytes / step, [&] {
    b.emit(words ? Opcode::kS32i : Opcode::kS8i, {a(7), a(6), imm(0)});
    b.emit(Opcode::kAddi, {a(6), a(6), imm(step)});
  });
}

// Step 1: every filter row copied into scratch and zero-padded to a multiple of 16, from the
// weights in their own memory, on every call.
void emit_filter_realignment(FunctionBuilder& b, const Plan& p) {
  if (!p.copy_filter) return;
  const bool words = p.row_len % 4 == 0;
  codegen::load_slot(b, 5, kSlotWeights);
  codegen::load_slot(b, 6, kSlotFilter);
  codegen::reg_loop(b, 11, p.g.out_c, [&] {
    codegen::reg_loop(b, 12, p.g.kernel_h, [&] {
      emit_copy_loop(b, p.row_len, words);
      emit_zero_loop(b, p.padded_row - p.row_len, words);
    });
  });
}

// Step 2: the bordered copy when taps leave the image, else the input in place. Leaves the input
// the kernel reads in kSlotInRow and the next batch's input in kSlotInputBase.
void emit_input_padding(FunctionBuilder& b, const Plan& p, std::int32_t zero_point) {
  const auto stage_from_corr = static_cast<std::int32_t>(p.stage_offset - p.corr_offset);
  codegen::load_slot(b, 2, kSlotInputBase);
  if (p.staged) {
    codegen::load_slot(b, 9, kSlotCorr);
    codegen::add_const(b, 9, 9, stage_from_corr, 8);
    codegen::store_slot(b, 9, kSlotInRow);
    // kSlotOx is free until the kernel starts.
    codegen::emit_stage_input(b, p.stage, zero_point, {.src = 2, .dst = 9, .zp_slot = kSlotOx});
  } else {
    codegen::store_slot(b, 2, kSlotInRow);
    codegen::add_const(b, 2, 2, p.g.in_h * p.g.in_w * p.g.in_c, 8);
  }
  codegen::store_slot(b, 2, kSlotInputBase);
}

// The kernel's copy of `source` (the bias or the wrapper's corrections) into the corrections, or
// its zero fill without one. The kernel was passed input_offset 0: its sum loop is skipped.
void emit_kernel_correction_copy(FunctionBuilder& b, const Plan& p, std::optional<Slot> source) {
  codegen::load_slot(b, 13, kSlotCorr);
  codegen::add_const(b, 10, 13, 4 * p.g.out_c, 8);
  resolved_branch(b, true, Opcode::kBeqz, {a(11)}, [] {});  // input_offset == 0: skip the sum loop
  if (source) codegen::load_slot(b, 3, *source);
  const std::int64_t trips = p.g.out_c;
  if (source) {
    resolved_branch(b, false, Opcode::kBeqz, {a(3)}, [] {});  // a bias pointer: copy it
    const Label top = loop_top(b);
    b.emit(Opcode::kL32i, {a(8), a(3), imm(0)});
    b.emit(Opcode::kS32i, {a(8), a(13), imm(0)});
    b.emit(Opcode::kAddi, {a(3), a(3), imm(4)});
    b.emit(Opcode::kAddi, {a(13), a(13), imm(4)});
    loop_back(b, Opcode::kBlt, 13, 10, top, trips);
  } else {
    const Label top = loop_top(b);
    b.emit(Opcode::kMovi, {a(8), imm(0)});
    b.emit(Opcode::kS32i, {a(8), a(13), imm(0)});
    b.emit(Opcode::kAddi, {a(13), a(13), imm(4)});
    loop_back(b, Opcode::kBlt, 13, 10, top, trips);
  }
}

// correction = sum * input_offset (+ bias), stored at a13 (advanced). Sum in a9, offset in a11,
// bias pointer a3.
void emit_store_correction(FunctionBuilder& b, const Plan& p) {
  b.emit(Opcode::kMull, {a(9), a(9), a(11)});
  resolved_branch(b, !p.has_bias, Opcode::kBeqz, {a(3)}, [&] {
    b.emit(Opcode::kL32i, {a(8), a(3), imm(0)});
    b.emit(Opcode::kAddi, {a(3), a(3), imm(4)});
    b.emit(Opcode::kAdd, {a(9), a(9), a(8)});
  });
  b.emit(Opcode::kS32i, {a(9), a(13), imm(0)});
  b.emit(Opcode::kAddi, {a(13), a(13), imm(4)});
}

// Step 3, in the kernel: per channel the scalar sum over the re-aligned filter, two bytes per
// LOOP iteration (the padding bytes are zero).
void emit_kernel_sum(FunctionBuilder& b, const Plan& p) {
  codegen::load_slot(b, 5, kSlotFilter);
  codegen::load_slot(b, 13, kSlotCorr);
  codegen::load_const(b, 11, p.input_offset);
  if (p.has_bias) codegen::load_slot(b, 3, kSlotBias);
  const std::int64_t pairs = std::int64_t{p.padded_row} * p.g.kernel_h / 2;
  codegen::load_const(b, 4, static_cast<std::int32_t>(pairs));
  codegen::add_const(b, 10, 13, 4 * p.g.out_c, 8);
  resolved_branch(b, false, Opcode::kBeqz, {a(11)}, [] {});  // input_offset != 0: sum
  const Label top = loop_top(b);
  b.emit(Opcode::kMovi, {a(9), imm(0)});
  b.zero_overhead_loop(Opcode::kLoop, a(4), pairs, [&] {
    b.emit(Opcode::kL8ui, {a(14), a(5), imm(0)});
    b.emit(Opcode::kL8ui, {a(7), a(5), imm(1)});
    b.emit(Opcode::kAddi, {a(5), a(5), imm(2)});
    b.emit(Opcode::kSext, {a(14), a(14), imm(7)});
    b.emit(Opcode::kSext, {a(7), a(7), imm(7)});
    b.emit(Opcode::kAdd, {a(9), a(9), a(14)});
    b.emit(Opcode::kAdd, {a(9), a(9), a(7)});
  });
  emit_store_correction(b, p);
  loop_back(b, Opcode::kBlt, 13, 10, top, p.g.out_c);
}

// sum += the next `bytes` bytes at a5, one at a time (the C loops around the vector blocks).
void emit_scalar_sum(FunctionBuilder& b, int bytes) {
  if (bytes == 0) return;
  codegen::inner_loop(b, 7, bytes, [&] {
    b.emit(Opcode::kL8ui, {a(14), a(5), imm(0)});
    b.emit(Opcode::kAddi, {a(5), a(5), imm(1)});
    b.emit(Opcode::kSext, {a(14), a(14), imm(7)});
    b.emit(Opcode::kAdd, {a(9), a(9), a(14)});
  });
}

// One channel of the wrapper's sum: scalar bytes to the next 16-byte boundary, 16-byte blocks as an
// ACCX dot product with the broadcast 1 at a12, the scalar tail. The weights start 16-byte aligned,
// so channel c starts at (c * size) mod 16 and every count is known here.
void emit_wrapper_channel_sum(FunctionBuilder& b, const Plan& p, int channel) {
  const std::int64_t size = std::int64_t{p.g.kernel_h} * p.row_len;
  const auto misalign = static_cast<int>((channel * size) % 16);
  const int head = static_cast<int>(std::min<std::int64_t>((16 - misalign) % 16, size));
  const auto blocks = static_cast<int>((size - head) / 16);
  const int tail = static_cast<int>(size - head - 16 * std::int64_t{blocks});
  b.emit(Opcode::kMovi, {a(9), imm(0)});
  emit_scalar_sum(b, head);
  if (blocks > 0) {
    b.emit(Opcode::kEeZeroAccx, {});
    b.emit(Opcode::kEeVldbc8, {q(1), a(12)});
    codegen::inner_loop(b, 7, blocks, [&] {
      b.emit(Opcode::kEeVld128Ip, {q(0), a(5), imm(16)});
      b.emit(Opcode::kEeVmulasS8Accx, {q(0), q(1)});
    });
    b.emit(Opcode::kNop, {});  // esp-nn's two-cycle gap before reading ACCX
    b.emit(Opcode::kNop, {});
    b.emit(Opcode::kRurAccx0, {a(14)});
    b.emit(Opcode::kAdd, {a(9), a(9), a(14)});
  }
  emit_scalar_sum(b, tail);
  emit_store_correction(b, p);
}

// Step 3, in the wrapper (large filters): the channel sums from the weights as given, then the
// kernel copies them over themselves. The alignment pattern of the channels repeats every `period`
// channels, which a counted loop runs; the remainder follows.
void emit_wrapper_sum(FunctionBuilder& b, const Plan& p) {
  const std::int64_t size = std::int64_t{p.g.kernel_h} * p.row_len;
  const int period = 16 / std::gcd(static_cast<int>(size % 16), 16);
  b.emit(Opcode::kMovi, {a(12), imm(1)});
  codegen::store_slot(b, 12, kSlotOy);  // the broadcast 1 (kSlotOy is free until the kernel starts)
  b.emit(Opcode::kAddi, {a(12), a(1), imm(codegen::slot_offset(kSlotOy))});
  codegen::load_slot(b, 5, kSlotWeights);
  codegen::load_slot(b, 13, kSlotCorr);
  codegen::load_const(b, 11, p.input_offset);
  if (p.has_bias) codegen::load_slot(b, 3, kSlotBias);
  const int groups = p.g.out_c / period;
  if (groups > 0)
    codegen::reg_loop(b, 10, groups, [&] {
      for (int c = 0; c < period; ++c) emit_wrapper_channel_sum(b, p, c);
    });
  for (int c = groups * period; c < p.g.out_c; ++c) emit_wrapper_channel_sum(b, p, c);
  emit_kernel_correction_copy(b, p, kSlotCorr);
}

void emit_corrections(FunctionBuilder& b, const Plan& p) {
  switch (p.corrections) {
    case Corrections::kWrapperSum: emit_wrapper_sum(b, p); return;
    case Corrections::kKernelSum: emit_kernel_sum(b, p); return;
    case Corrections::kBiasCopy:
      emit_kernel_correction_copy(b, p, p.has_bias ? std::optional<Slot>(kSlotBias) : std::nullopt);
      return;
  }
}

// The kernel's bounds and strides, stored once per call where its loops reload them.
void emit_kernel_setup(FunctionBuilder& b, const Plan& p) {
  const ConvGeometry& g = p.g;
  const std::pair<Slot, std::int32_t> words[] = {
      {kSlotOutH, g.out_h}, {kSlotOutW, g.out_w}, {kSlotOutC, g.out_c}, {kSlotFilterHt, g.kernel_h},
      {kSlotImageRow, p.image_row_bytes}, {kSlotColStep, g.stride_w * g.in_c},
      {kSlotRowStep, g.stride_h * p.image_row_bytes}, {kSlotOy, 0}};
  for (const auto& [slot, value] : words) {
    codegen::load_const(b, 8, value);
    codegen::store_slot(b, 8, slot);
  }
  codegen::load_const(b, 4, p.padded_row);  // a4: the re-aligned row, for the whole kernel
}

// One filter row: ACCX = the row at a9 (any alignment) . the filter row at a5; a6 += it.
// a5 ends at the next filter row, a9 at the next input row (reloaded stride), a10 counts rows.
void emit_filter_row(FunctionBuilder& b, const Plan& p) {
  const int pairs = (p.chunks - 1) / 2;
  const bool odd = (p.chunks - 1) % 2 == 1;
  b.emit(Opcode::kAdd, {a(8), a(5), a(4)});  // end of this filter row
  b.emit(Opcode::kMov, {a(13), a(9)});
  b.emit(Opcode::kEeZeroAccx, {});
  b.emit(Opcode::kEeLd128UsarIp, {q(0), a(13), imm(16)});
  b.emit(Opcode::kEeVld128Ip, {q(4), a(13), imm(16)});
  b.emit(Opcode::kEeVld128Ip, {q(1), a(5), imm(16)});
  // The chunk counts, recomputed per row from what is left of it.
  b.emit(Opcode::kSub, {a(11), a(8), a(5)});
  b.emit(Opcode::kExtui, {a(12), a(11), imm(4), imm(1)});
  b.emit(Opcode::kSrai, {a(11), a(11), imm(5)});
  b.emit(Opcode::kEeSrcQQup, {q(2), q(0), q(4)});
  // Invariant around a pair: q2 = input chunk k, q1 = filter chunk k, q0 = input block k + 1.
  resolved_branch(b, pairs == 0, Opcode::kBeqz, {a(11)}, [&] {
    b.zero_overhead_loop(Opcode::kLoop, a(11), pairs, [&] {
      b.emit(Opcode::kEeVld128Ip, {q(4), a(13), imm(16)});
      b.emit(Opcode::kEeVmulasS8AccxLdIpQup, {q(3), a(5), imm(16), q(2), q(1), q(0), q(4)});
      b.emit(Opcode::kEeVld128Ip, {q(2), a(13), imm(16)});
      b.emit(Opcode::kEeVmulasS8AccxLdIpQup, {q(1), a(5), imm(16), q(0), q(3), q(4), q(2)});
      b.emit(Opcode::kEeOrq, {q(0), q(2), q(2)});
      b.emit(Opcode::kEeOrq, {q(2), q(4), q(4)});
    });
  });
  resolved_branch(b, !odd, Opcode::kBeqz, {a(12)}, [&] {
    b.emit(Opcode::kEeVmulasS8AccxLdIp, {q(4), a(13), imm(16), q(2), q(1)});
    b.emit(Opcode::kEeSrcQLdIp, {q(1), a(5), imm(16), q(0), q(4)});
    b.emit(Opcode::kEeOrq, {q(2), q(0), q(0)});
  });
  b.emit(Opcode::kEeVmulasS8Accx, {q(2), q(1)});
  b.emit(Opcode::kAddi, {a(13), a(13), imm(-16)});
  b.emit(Opcode::kMovi, {a(14), imm(0)});
  b.emit(Opcode::kEeSrsAccx, {a(12), a(14), imm(0)});
  b.emit(Opcode::kMov, {a(5), a(8)});
  b.emit(Opcode::kAdd, {a(6), a(6), a(12)});
  codegen::load_slot(b, 8, kSlotImageRow);
  codegen::load_slot(b, 2, kSlotFilterHt);
  b.emit(Opcode::kAddi, {a(10), a(10), imm(1)});
  b.emit(Opcode::kAdd, {a(9), a(9), a(8)});
}

// One output channel of the current pixel: the filter rows, the correction, the requantization and
// the store. a5 walks the filter, a7 the corrections, a15 the requant table.
void emit_output_channel(FunctionBuilder& b, const Plan& p, const reference::ChannelQuantization& quant) {
  b.emit(Opcode::kMovi, {a(6), imm(0)});
  codegen::load_slot(b, 9, kSlotInput);
  b.emit(Opcode::kMovi, {a(10), imm(0)});
  const Label row = loop_top(b);
  emit_filter_row(b, p);
  loop_back(b, Opcode::kBlt, 10, 2, row, p.g.kernel_h);
  b.emit(Opcode::kL32i, {a(12), a(7), imm(0)});
  b.emit(Opcode::kAddi, {a(7), a(7), imm(4)});
  b.emit(Opcode::kAdd, {a(6), a(6), a(12)});
  codegen::emit_requant_scalar(b, {.acc = 6, .t0 = 12, .t1 = 13, .t2 = 14, .table = 15}, 0, quant);
  codegen::load_slot(b, 8, kSlotOut);
  b.emit(Opcode::kS8i, {a(6), a(8), imm(0)});
  b.emit(Opcode::kAddi, {a(8), a(8), imm(1)});
  codegen::store_slot(b, 8, kSlotOut);
  b.emit(Opcode::kAddi, {a(15), a(15), imm(codegen::kRequantEntryBytes)});
  codegen::load_slot(b, 9, kSlotCh);
  b.emit(Opcode::kAddi, {a(9), a(9), imm(1)});
  codegen::store_slot(b, 9, kSlotCh);
  codegen::load_slot(b, 10, kSlotOutC);
}

// Step 4: out_y -> out_x -> out_ch -> filter row, indices and bounds on the stack.
void emit_kernel(FunctionBuilder& b, const Plan& p, const reference::ChannelQuantization& quant) {
  emit_kernel_setup(b, p);
  const Label y = loop_top(b);
  codegen::load_slot(b, 8, kSlotInRow);
  b.emit(Opcode::kMovi, {a(9), imm(0)});
  codegen::store_slot(b, 8, kSlotInput);
  codegen::store_slot(b, 9, kSlotOx);
  const Label x = loop_top(b);
  codegen::load_slot(b, 5, kSlotFilter);
  b.emit(Opcode::kMovi, {a(9), imm(0)});
  codegen::store_slot(b, 9, kSlotCh);
  codegen::load_slot(b, 7, kSlotCorr);
  codegen::load_slot(b, 15, kSlotTable);
  const Label ch = loop_top(b);
  emit_output_channel(b, p, quant);
  loop_back(b, Opcode::kBne, 10, 9, ch, p.g.out_c);
  codegen::load_slot(b, 9, kSlotOx);
  codegen::load_slot(b, 10, kSlotInput);
  codegen::load_slot(b, 11, kSlotColStep);
  b.emit(Opcode::kAddi, {a(9), a(9), imm(1)});
  b.emit(Opcode::kAdd, {a(10), a(10), a(11)});
  codegen::load_slot(b, 12, kSlotOutW);
  codegen::store_slot(b, 9, kSlotOx);
  codegen::store_slot(b, 10, kSlotInput);
  loop_back(b, Opcode::kBne, 12, 9, x, p.g.out_w);
  codegen::load_slot(b, 9, kSlotOy);
  codegen::load_slot(b, 10, kSlotInRow);
  codegen::load_slot(b, 11, kSlotRowStep);
  codegen::load_slot(b, 12, kSlotOutH);
  b.emit(Opcode::kAddi, {a(9), a(9), imm(1)});
  b.emit(Opcode::kAdd, {a(10), a(10), a(11)});
  codegen::store_slot(b, 9, kSlotOy);
  codegen::store_slot(b, 10, kSlotInRow);
  loop_back(b, Opcode::kBlt, 9, 12, y, p.g.out_h);
}

ConstantBuffer bias_constant(const std::vector<std::int32_t>& bias) {
  ConstantBuffer c{"bias", {}};
  for (std::int32_t v : bias) append_int32(c.bytes, v);
  return c;
}

ConstantBuffer weights_constant(const std::vector<std::int8_t>& w) {
  ConstantBuffer c{"weights", {}};
  c.bytes.reserve(w.size());
  for (std::int8_t v : w) c.bytes.push_back(static_cast<std::uint8_t>(v));
  return c;
}

}  // namespace

std::optional<Rejection> conv_espnn_legal(const Layer& layer, const Variant&) {
  PIETUNE_CHECK(layer.op == OpKind::kConv2d) << to_string(layer.op);
  if (auto r = check_types(layer)) return r;
  if (layer.options.groups != 1)
    return Rejection{"groups", fmt::format("grouped convolution ({} groups): esp-nn runs grouped layers in plain C",
                                           layer.options.groups)};
  if (layer.options.dilation_h != 1 || layer.options.dilation_w != 1)
    return Rejection{"dilation", fmt::format("dilation {}x{}: the esp-nn structure reads a filter row as contiguous "
                                             "bytes and has no dilation",
                                             layer.options.dilation_h, layer.options.dilation_w)};
  const reference::ChannelQuantization quant =
      reference::channel_quantization(layer, reference::RoundingMode::kDouble);
  if (auto r = check_shift_range(quant)) return r;
  const Plan p = plan_of(layer, conv_geometry(layer), quant.input_offset);
  const std::int64_t row_macs = std::int64_t{p.chunks} * 16;
  if (row_macs * 128 * 128 >= (std::int64_t{1} << 31))
    return Rejection{"accx_range", fmt::format("{} MACs per filter row can exceed the int32 EE.SRS.ACCX result",
                                               row_macs)};
  return check_scratch(p.scratch_bytes, "the re-aligned filter, the bordered input copy and the corrections");
}

GeneratedKernel conv_espnn_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!conv_espnn_legal(layer, variant)) << variant.name();
  const ConvGeometry g = conv_geometry(layer);
  const reference::ChannelQuantization quant =
      reference::channel_quantization(layer, reference::RoundingMode::kDouble);
  const Plan p = plan_of(layer, g, quant.input_offset);

  GeneratedKernel k;
  k.symbol = variant.symbol();
  k.constants.push_back(weights_constant(weights_int8(layer)));
  k.constants.push_back(bias_constant(bias_int32(layer, g.out_c)));
  // The correction comes from scratch at run time: the table's bias words stay 0.
  k.constants.push_back({"requant_table", codegen::requant_table(std::vector<std::int32_t>(g.out_c, 0), quant)});
  k.scratch_bytes = static_cast<std::uint32_t>(p.scratch_bytes);
  k.input_overread_bytes = p.staged ? codegen::stage_overread_bytes(p.stage) : 32u;

  FunctionBuilder b(k.symbol);
  codegen::emit_prologue(b);
  load_call_block(b, p);
  // esp-tflite-micro calls esp-nn once per batch: the wrapper's work is redone for each.
  codegen::slot_loop(b, kSlotBatch, g.batches, 8, [&] {
    emit_filter_realignment(b, p);
    emit_input_padding(b, p, -quant.input_offset);
    emit_corrections(b, p);
    emit_kernel(b, p, quant);
  });
  codegen::emit_epilogue(b);
  k.program = single_function_program(std::move(b).finish());
  return k;
}

}  // namespace pietune::kernels::families
