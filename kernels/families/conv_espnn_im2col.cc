// conv_espnn_im2col: esp-nn's im2col convolution rebuilt loop by loop (see the header).
#include "kernels/families/conv_espnn_im2col.h"

#include <algorithm>
#include <limits>
#include <vector>

#include <fmt/format.h>

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

// esp-nn's C function's frame: its spilled arguments and locals (slot s at a1 + 16 + 4 s).
constexpr int kFrameBytes = 128;
enum Slot : int {
  kSlotFilter, kSlotParams, kSlotFilterSum, kSlotAligned, kSlotBuf, kSlotLenAligned, kSlotWindowLen,
  kSlotRowBytes, kSlotInCh, kSlotBatch, kSlotOy, kSlotOx, kSlotRow, kSlotInput, kSlotPadVal, kSlotInputOffset,
  kSlotOutOffset, kSlotActMin, kSlotActMax, kSlotBias, kSlotNudgePos, kSlotNudgeNeg, kSlotIntMin, kSlotIntMax,
  kSlotOne, kSlotZero, kSlotCount,
};
static_assert(16 + 4 * kSlotCount <= kFrameBytes);
static_assert(kSlotOx < codegen::kFrameSlots);  // the loop counters go through codegen::slot_loop
constexpr int kParamEntryBytes = 12;  // {bias, multiplier, shift}

int offset_of(int slot) { return 16 + 4 * slot; }
void load(model::FunctionBuilder& b, int reg, int slot) { b.emit(Opcode::kL32i, {a(reg), a(1), imm(offset_of(slot))}); }
void store(model::FunctionBuilder& b, int reg, int slot) { b.emit(Opcode::kS32i, {a(reg), a(1), imm(offset_of(slot))}); }
void store_const(model::FunctionBuilder& b, int slot, std::int32_t value) {
  codegen::load_const(b, 8, value);
  store(b, 8, slot);
}

// esp-nn's interior bounds along one axis, with C's truncating division and its clips.
struct SafeRange {
  int start = 0, end = 0;
};

SafeRange safe_range(int in, int filter, int pad, int stride, int out) {
  SafeRange r{(pad + stride - 1) / stride, (in - filter + pad) / stride + 1};
  r.start = std::min(r.start, out);
  r.end = std::min(r.end, out);
  r.end = std::max(r.end, r.start);
  return r;
}

struct Plan {
  ConvGeometry g;
  int row_bytes = 0, window = 0, len_aligned = 0, chunks = 0;
  SafeRange ys, xs;
  std::int64_t filter_sum_bytes = 0;

  std::int64_t scratch_bytes() const { return filter_sum_bytes + std::int64_t{g.out_c + 1} * len_aligned; }
};

Plan plan_of(const Layer& layer) {
  Plan p;
  p.g = conv_geometry(layer);
  const ConvGeometry& g = p.g;
  p.row_bytes = g.kernel_w * g.in_c;
  p.window = g.kernel_h * p.row_bytes;
  p.len_aligned = static_cast<int>(round_up(p.window, 16));
  p.chunks = p.len_aligned / 16;
  p.ys = safe_range(g.in_h, g.kernel_h, g.top, g.stride_h, g.out_h);
  p.xs = safe_range(g.in_w, g.kernel_w, g.left, g.stride_w, g.out_w);
  p.filter_sum_bytes = round_up(std::int64_t{4} * g.out_c, 16);
  return p;
}

// Whether every tap of esp-nn's interior windows lies inside the image along one axis.
bool interior_inside(const SafeRange& r, int in, int filter, int pad, int stride) {
  if (r.end == r.start) return true;
  return r.start * stride - pad >= 0 && (r.end - 1) * stride - pad + filter <= in;
}

// ---- call stand-ins --------------------------------------------------------------------------

// call8 / retw.n: a jump to the next instruction costs what the control transfer costs.
void jump_to_next(model::FunctionBuilder& b) {
  const Label next = b.new_label("call");
  b.emit(Opcode::kJ, {target(next)});
  b.bind(next);
}

// A conditional branch that falls through here: its target is the next instruction.
void fall_through(model::FunctionBuilder& b, Opcode op, std::initializer_list<model::Operand> regs) {
  const Label next = b.new_label("next");
  std::vector<model::Operand> ops(regs);
  ops.push_back(target(next));
  switch (ops.size()) {
    case 2: b.emit(op, {ops[0], ops[1]}); break;
    case 3: b.emit(op, {ops[0], ops[1], ops[2]}); break;
    default: PIETUNE_CHECK(false) << ops.size();
  }
  b.bind(next);
}

// libc's two destination-alignment tests (bbsi on dst bits 0, 1). The stand-ins test bits 31
// and 30 of the count, always clear, so they fall through in the emulator as the fast mode
// assumes (the real direction depends on the buffer address).
void alignment_tests(model::FunctionBuilder& b) {
  fall_through(b, Opcode::kBbsi, {a(12), imm(31)});
  fall_through(b, Opcode::kBbsi, {a(12), imm(30)});
}

// libc memcpy(a10 = dst, a11 = src, a12 = n) / memset(a10 = dst, a11 = byte, a12 = n), byte path.
void emit_memcpy(model::FunctionBuilder& b, int n) {
  jump_to_next(b);           // call8
  b.emit(Opcode::kNop, {});  // entry
  b.emit(Opcode::kMov, {a(13), a(10)});
  alignment_tests(b);
  b.zero_overhead_loop(Opcode::kLoopnez, a(12), n, [&] {
    b.emit(Opcode::kL8ui, {a(14), a(11), imm(0)});
    b.emit(Opcode::kAddi, {a(11), a(11), imm(1)});
    b.emit(Opcode::kS8i, {a(14), a(13), imm(0)});
    b.emit(Opcode::kAddi, {a(13), a(13), imm(1)});
  });
  jump_to_next(b);  // retw.n
}

void emit_memset(model::FunctionBuilder& b, int n) {
  jump_to_next(b);
  b.emit(Opcode::kNop, {});
  b.emit(Opcode::kMov, {a(13), a(10)});
  alignment_tests(b);
  if (n > 0) {
    b.zero_overhead_loop(Opcode::kLoopnez, a(12), n, [&] {
      b.emit(Opcode::kS8i, {a(11), a(13), imm(0)});
      b.emit(Opcode::kAddi, {a(13), a(13), imm(1)});
    });
  }
  jump_to_next(b);
}

// esp_nn_dot_s8_aligned_esp32s3(a10 = buf, a11 = filter, a12 = len), its registers the callee
// window a10..a13 (its a2..a5); the dot product returns in a10.
void emit_dot_call(model::FunctionBuilder& b, int chunks) {
  jump_to_next(b);           // call8
  b.emit(Opcode::kNop, {});  // entry a1, 32
  b.emit(Opcode::kEeZeroAccx, {});
  fall_through(b, Opcode::kBeqz, {a(12)});
  b.emit(Opcode::kSrli, {a(13), a(12), imm(4)});
  fall_through(b, Opcode::kBeqz, {a(13)});
  b.emit(Opcode::kEeVld128Ip, {q(0), a(10), imm(16)});
  b.emit(Opcode::kEeVld128Ip, {q(1), a(11), imm(16)});
  b.emit(Opcode::kAddi, {a(13), a(13), imm(-1)});
  const Label last = b.new_label("dot_last");
  if (chunks == 1) {
    b.emit(Opcode::kJ, {target(last)});  // beqz, taken: one chunk
  } else {
    fall_through(b, Opcode::kBeqz, {a(13)});
    b.zero_overhead_loop(Opcode::kLoopgtz, a(13), chunks - 1, [&] {
      b.emit(Opcode::kEeVmulasS8AccxLdIp, {q(0), a(10), imm(16), q(0), q(1)});
      b.emit(Opcode::kEeVld128Ip, {q(1), a(11), imm(16)});
    });
  }
  b.bind(last);
  b.emit(Opcode::kEeVmulasS8Accx, {q(0), q(1)});
  b.emit(Opcode::kNop, {});  // esp-nn's 2-cycle gap before reading ACCX
  b.emit(Opcode::kNop, {});
  b.emit(Opcode::kRurAccx0, {a(10)});
  jump_to_next(b);  // retw.n
}

// ---- C code ----------------------------------------------------------------------------------

// conv_out (a10) = esp_nn_multiply_by_quantized_mult(a10, mult, shift) + out_offset, clamped;
// a5 = the channel's {bias, multiplier, shift} entry. Temporaries a8..a15.
void emit_requant(model::FunctionBuilder& b) {
  b.emit(Opcode::kL32i, {a(8), a(5), imm(4)});  // mult
  b.emit(Opcode::kL32i, {a(9), a(5), imm(8)});  // shift
  b.emit(Opcode::kMovi, {a(11), imm(0)});
  b.emit(Opcode::kMax, {a(11), a(9), a(11)});   // left_shift
  b.emit(Opcode::kSub, {a(12), a(11), a(9)});   // right_shift
  codegen::emit_espnn_c_requant(b, {.int_min = kSlotIntMin, .nudge_pos = kSlotNudgePos, .nudge_neg = kSlotNudgeNeg,
                                    .int_max = kSlotIntMax, .out_offset = kSlotOutOffset, .act_min = kSlotActMin,
                                    .act_max = kSlotActMax});
}

// Per batch, before the pixels: filter_sum[oc] = Σ filter * input_offset, the aligned filter
// copy with its zero tail, and the im2col row's zero tail.
void emit_setup(model::FunctionBuilder& b, const Plan& p) {
  const int tail = p.len_aligned - p.window;
  load(b, 4, kSlotFilterSum);
  load(b, 5, kSlotFilter);
  load(b, 6, kSlotAligned);
  codegen::reg_loop(b, 7, p.g.out_c, [&] {
    b.emit(Opcode::kMovi, {a(8), imm(0)});
    b.emit(Opcode::kMov, {a(9), a(5)});
    load(b, 10, kSlotWindowLen);
    b.zero_overhead_loop(Opcode::kLoopgtz, a(10), p.window, [&] {
      b.emit(Opcode::kL8ui, {a(11), a(9), imm(0)});
      b.emit(Opcode::kAddi, {a(9), a(9), imm(1)});
      b.emit(Opcode::kSext, {a(11), a(11), imm(7)});
      b.emit(Opcode::kAdd, {a(8), a(8), a(11)});
    });
    load(b, 11, kSlotInputOffset);
    b.emit(Opcode::kMull, {a(8), a(8), a(11)});
    b.emit(Opcode::kS32i, {a(8), a(4), imm(0)});
    b.emit(Opcode::kAddi, {a(4), a(4), imm(4)});
    b.emit(Opcode::kMov, {a(10), a(6)});
    b.emit(Opcode::kMov, {a(11), a(5)});
    load(b, 12, kSlotWindowLen);
    emit_memcpy(b, p.window);
    load(b, 8, kSlotWindowLen);
    b.emit(Opcode::kAdd, {a(10), a(6), a(8)});
    b.emit(Opcode::kMovi, {a(11), imm(0)});
    codegen::load_const(b, 12, tail);
    emit_memset(b, tail);
    load(b, 8, kSlotWindowLen);
    b.emit(Opcode::kAdd, {a(5), a(5), a(8)});
    load(b, 8, kSlotLenAligned);
    b.emit(Opcode::kAdd, {a(6), a(6), a(8)});
  });
  load(b, 10, kSlotBuf);
  codegen::add_const(b, 10, 10, p.window, 8);
  b.emit(Opcode::kMovi, {a(11), imm(0)});
  codegen::load_const(b, 12, tail);
  emit_memset(b, tail);
}

// Where each filter row / column of a window falls: kBefore the image, kInside, kAfter it
// (an empty mask: an interior row).
enum Side : int { kBefore = -1, kInside = 0, kAfter = 1 };
using TapMask = std::vector<Side>;

TapMask tap_sides(int out, int stride, int pad, int filter, int in) {
  TapMask m;
  for (int k = 0; k < filter; ++k) {
    const int v = out * stride - pad + k;
    m.push_back(v < 0 ? kBefore : v >= in ? kAfter : kInside);
  }
  return m;
}

// An in-image test: `if (v >= 0 && v < limit)`, its direction fixed per window.
void emit_bounds_test(model::FunctionBuilder& b, Side side, Label outside) {
  if (side == kInside) {
    fall_through(b, Opcode::kBltz, {a(8)});
    fall_through(b, Opcode::kBge, {a(9), a(8)});
  } else if (side == kBefore) {
    b.emit(Opcode::kJ, {target(outside)});  // bltz, taken
  } else {
    fall_through(b, Opcode::kBltz, {a(8)});
    b.emit(Opcode::kJ, {target(outside)});  // bge, taken
  }
}

// The fast path: per filter row memcpy(buf, src, filter_wd * in_ch); a4 = buf.
void emit_fast_copy(model::FunctionBuilder& b, const Plan& p) {
  b.emit(Opcode::kMov, {a(5), a(2)});
  load(b, 7, kSlotRowBytes);
  codegen::reg_loop(b, 6, p.g.kernel_h, [&] {
    b.emit(Opcode::kMov, {a(10), a(4)});
    b.emit(Opcode::kMov, {a(11), a(5)});
    b.emit(Opcode::kMov, {a(12), a(7)});
    emit_memcpy(b, p.row_bytes);
    b.emit(Opcode::kAdd, {a(4), a(4), a(7)});
    codegen::add_const(b, 5, 5, p.g.in_w * p.g.in_c, 8);
  });
}

// The slow path for a window with the given in-image rows and columns; a4 = buf.
void emit_slow_copy(model::FunctionBuilder& b, const Plan& p, const TapMask& rows, const TapMask& cols) {
  const ConvGeometry& g = p.g;
  for (int fy = 0; fy < g.kernel_h; ++fy) {
    b.emit(Opcode::kAddi, {a(15), a(8), imm(std::min(fy, 127))});  // in_y = base_y + fy
    const Label row_out = b.new_label("row_out"), row_done = b.new_label("row_done");
    emit_bounds_test(b, rows[fy], row_out);
    if (rows[fy] == kInside) {
      for (int fx = 0; fx < g.kernel_w; ++fx) {
        b.emit(Opcode::kAddi, {a(15), a(8), imm(fx)});  // in_x = base_x + fx
        const Label tap_out = b.new_label("tap_out"), tap_done = b.new_label("tap_done");
        emit_bounds_test(b, cols[fx], tap_out);
        if (cols[fx] == kInside) {
          codegen::add_const(b, 11, 2, (fy * g.in_w + fx) * g.in_c, 15);
          b.emit(Opcode::kMov, {a(10), a(4)});
          load(b, 12, kSlotInCh);
          emit_memcpy(b, g.in_c);
          b.emit(Opcode::kJ, {target(tap_done)});  // over the else branch
        }
        b.bind(tap_out);
        if (cols[fx] != kInside) {
          b.emit(Opcode::kMov, {a(10), a(4)});
          load(b, 11, kSlotPadVal);
          load(b, 12, kSlotInCh);
          emit_memset(b, g.in_c);
        }
        b.bind(tap_done);
        b.emit(Opcode::kAddi, {a(4), a(4), imm(g.in_c)});
      }
      b.emit(Opcode::kJ, {target(row_done)});
    }
    b.bind(row_out);
    if (rows[fy] != kInside) {
      b.emit(Opcode::kMov, {a(10), a(4)});
      load(b, 11, kSlotPadVal);
      load(b, 12, kSlotRowBytes);
      emit_memset(b, p.row_bytes);
      b.emit(Opcode::kAddi, {a(4), a(4), imm(p.row_bytes)});
    }
    b.bind(row_done);
  }
}

// The output channels of one pixel: the dot product per channel, then the C epilogue.
void emit_channels(model::FunctionBuilder& b, const Plan& p, bool has_bias) {
  load(b, 4, kSlotAligned);
  load(b, 5, kSlotParams);
  load(b, 6, kSlotFilterSum);
  codegen::reg_loop(b, 7, p.g.out_c, [&] {
    load(b, 10, kSlotBuf);
    b.emit(Opcode::kMov, {a(11), a(4)});
    load(b, 12, kSlotLenAligned);
    emit_dot_call(b, p.chunks);
    b.emit(Opcode::kL32i, {a(8), a(6), imm(0)});
    b.emit(Opcode::kAdd, {a(10), a(10), a(8)});
    b.emit(Opcode::kAddi, {a(6), a(6), imm(4)});
    const Label no_bias = b.new_label("no_bias");
    load(b, 8, kSlotBias);
    if (has_bias) {
      b.emit(Opcode::kBeqz, {a(8), target(no_bias)});  // not taken: the slot holds 1
      b.emit(Opcode::kL32i, {a(9), a(5), imm(0)});
      b.emit(Opcode::kAdd, {a(10), a(10), a(9)});
    } else {
      b.emit(Opcode::kJ, {target(no_bias)});  // beqz, taken: NULL bias
    }
    b.bind(no_bias);
    emit_requant(b);
    b.emit(Opcode::kAddi, {a(5), a(5), imm(kParamEntryBytes)});
    b.emit(Opcode::kS8i, {a(10), a(3), imm(0)});
    b.emit(Opcode::kAddi, {a(3), a(3), imm(1)});
    load(b, 8, kSlotLenAligned);
    b.emit(Opcode::kAdd, {a(4), a(4), a(8)});
  });
}

// One output pixel (a2 = its window's top-left tap, possibly outside the image), then a2 moves
// to the next column. `rows` empty: an interior row.
void emit_pixel(model::FunctionBuilder& b, const Plan& p, const TapMask& rows, int ox, bool has_bias) {
  const ConvGeometry& g = p.g;
  const bool x_inside = ox >= p.xs.start && ox < p.xs.end;
  const bool fast = rows.empty() && x_inside;
  load(b, 4, kSlotBuf);
  // if (is_safe_y && out_x >= safe_x_start && out_x < safe_x_end). The tests that fall through
  // compare a8 = 1 and a9 = 0 (the C locals reloaded from the stack), so they fall through in the
  // emulator too; the bounds tests of the slow path reuse them.
  load(b, 8, kSlotOne);
  load(b, 9, kSlotZero);
  const Label slow = b.new_label("slow"), copied = b.new_label("copied");
  if (!rows.empty()) {
    b.emit(Opcode::kJ, {target(slow)});  // beqz is_safe_y, taken
  } else {
    fall_through(b, Opcode::kBeqz, {a(8)});
    if (ox < p.xs.start) {
      b.emit(Opcode::kJ, {target(slow)});  // blt, taken
    } else {
      fall_through(b, Opcode::kBlt, {a(8), a(9)});
      if (!x_inside) b.emit(Opcode::kJ, {target(slow)});  // bge, taken
      else fall_through(b, Opcode::kBge, {a(9), a(8)});
    }
  }
  if (fast) {
    emit_fast_copy(b, p);
    b.emit(Opcode::kJ, {target(copied)});  // over the else branch
  }
  b.bind(slow);
  if (!fast) {
    const TapMask all_rows(static_cast<std::size_t>(g.kernel_h), kInside);
    emit_slow_copy(b, p, rows.empty() ? all_rows : rows, tap_sides(ox, g.stride_w, g.left, g.kernel_w, g.in_w));
  }
  b.bind(copied);
  emit_channels(b, p, has_bias);
  codegen::add_const(b, 2, 2, g.stride_w * g.in_c, 8);
}

// One output row (a2 set to its first window): edge columns one by one, the interior as a loop.
void emit_row(model::FunctionBuilder& b, const Plan& p, const TapMask& rows, bool has_bias) {
  for (int ox = 0; ox < p.xs.start; ++ox) emit_pixel(b, p, rows, ox, has_bias);
  if (p.xs.end > p.xs.start)
    codegen::slot_loop(b, kSlotOx, p.xs.end - p.xs.start, 8, [&] { emit_pixel(b, p, rows, p.xs.start, has_bias); });
  for (int ox = p.xs.end; ox < p.g.out_w; ++ox) emit_pixel(b, p, rows, ox, has_bias);
}

void emit_rows(model::FunctionBuilder& b, const Plan& p, bool has_bias) {
  const ConvGeometry& g = p.g;
  load(b, 8, kSlotInput);
  codegen::add_const(b, 8, 8, (-g.top * g.in_w - g.left) * g.in_c, 9);
  store(b, 8, kSlotRow);
  const auto row = [&](const TapMask& rows) {
    load(b, 2, kSlotRow);
    emit_row(b, p, rows, has_bias);
    load(b, 8, kSlotRow);
    codegen::add_const(b, 8, 8, g.stride_h * g.in_w * g.in_c, 9);
    store(b, 8, kSlotRow);
  };
  for (int oy = 0; oy < p.ys.start; ++oy) row(tap_sides(oy, g.stride_h, g.top, g.kernel_h, g.in_h));
  if (p.ys.end > p.ys.start) codegen::slot_loop(b, kSlotOy, p.ys.end - p.ys.start, 8, [&] { row({}); });
  for (int oy = p.ys.end; oy < g.out_h; ++oy) row(tap_sides(oy, g.stride_h, g.top, g.kernel_h, g.in_h));
}

}  // namespace

std::optional<Rejection> conv_espnn_im2col_legal(const Layer& layer, const Variant&) {
  PIETUNE_CHECK(layer.op == OpKind::kConv2d) << to_string(layer.op);
  if (auto r = check_types(layer)) return r;
  if (layer.options.groups != 1)
    return Rejection{"groups", fmt::format("grouped convolution ({} groups): esp-nn runs grouped layers in ANSI C",
                                           layer.options.groups)};
  if (layer.options.dilation_h != 1 || layer.options.dilation_w != 1)
    return Rejection{"dilation", fmt::format("dilation {}x{}: esp-tflite-micro runs dilated convolutions in the TFLM "
                                             "reference op",
                                             layer.options.dilation_h, layer.options.dilation_w)};
  const Plan p = plan_of(layer);
  if (p.row_bytes >= 16 || p.window < 16)
    return Rejection{"window", fmt::format("filter row {} x {} = {} bytes, window {} bytes: esp-nn's im2col path needs "
                                           "a row under 16 bytes and a window of 16 or more",
                                           p.g.kernel_w, p.g.in_c, p.row_bytes, p.window)};
  if (auto r = check_shift_range(reference::channel_quantization(layer, reference::RoundingMode::kDouble))) return r;
  const ConvGeometry& g = p.g;
  if (!interior_inside(p.ys, g.in_h, g.kernel_h, g.top, g.stride_h) ||
      !interior_inside(p.xs, g.in_w, g.kernel_w, g.left, g.stride_w))
    return Rejection{"safe_region",
                     fmt::format("esp-nn's interior bounds (rows {}..{}, columns {}..{}) include windows leaving the "
                                 "{}x{} image (C's truncating division): its fast path would read outside the input",
                                 p.ys.start, p.ys.end, p.xs.start, p.xs.end, g.in_h, g.in_w)};
  return check_scratch(p.scratch_bytes(), "filter sums, the aligned filter copy and the im2col row");
}

GeneratedKernel conv_espnn_im2col_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!conv_espnn_im2col_legal(layer, variant)) << variant.name();
  const Plan p = plan_of(layer);
  const ConvGeometry& g = p.g;
  const reference::ChannelQuantization quant = reference::channel_quantization(layer, reference::RoundingMode::kDouble);
  const std::vector<std::int8_t> w = weights_int8(layer);
  const std::vector<std::int32_t> bias = bias_int32(layer, g.out_c);
  const bool has_bias = layer.bias.has_value();

  GeneratedKernel k;
  k.symbol = variant.symbol();
  ConstantBuffer filter{"weights", {}};
  for (std::int8_t v : w) filter.bytes.push_back(static_cast<std::uint8_t>(v));
  k.constants.push_back(std::move(filter));
  ConstantBuffer params{"params", {}};
  for (int oc = 0; oc < g.out_c; ++oc) {
    append_int32(params.bytes, bias[oc]);
    append_int32(params.bytes, quant.multipliers[oc].multiplier);
    append_int32(params.bytes, quant.multipliers[oc].shift);
  }
  k.constants.push_back(std::move(params));
  k.scratch_bytes = static_cast<std::uint32_t>(p.scratch_bytes());

  model::FunctionBuilder b(k.symbol);
  b.emit(Opcode::kEntry, {a(1), imm(kFrameBytes)});
  codegen::call_block_to_slots(b, {kSlotFilter, kSlotParams, kSlotFilterSum}, 5);
  codegen::add_const(b, 6, 5, static_cast<std::int32_t>(p.filter_sum_bytes), 8);
  store(b, 6, kSlotAligned);
  codegen::add_const(b, 6, 6, g.out_c * p.len_aligned, 8);
  store(b, 6, kSlotBuf);
  store(b, 2, kSlotInput);
  store_const(b, kSlotLenAligned, p.len_aligned);
  store_const(b, kSlotWindowLen, p.window);
  store_const(b, kSlotRowBytes, p.row_bytes);
  store_const(b, kSlotInCh, g.in_c);
  store_const(b, kSlotPadVal, -quant.input_offset);
  store_const(b, kSlotInputOffset, quant.input_offset);
  store_const(b, kSlotOutOffset, quant.output_offset);
  store_const(b, kSlotActMin, quant.act_min);
  store_const(b, kSlotActMax, quant.act_max);
  store_const(b, kSlotBias, has_bias ? 1 : 0);
  store_const(b, kSlotNudgePos, 1 << 30);
  store_const(b, kSlotNudgeNeg, 1 - (1 << 30));
  store_const(b, kSlotIntMin, std::numeric_limits<std::int32_t>::min());
  store_const(b, kSlotIntMax, std::numeric_limits<std::int32_t>::max());
  store_const(b, kSlotOne, 1);
  store_const(b, kSlotZero, 0);

  codegen::slot_loop(b, kSlotBatch, g.batches, 8, [&] {
    emit_setup(b, p);
    emit_rows(b, p, has_bias);
    load(b, 8, kSlotInput);
    codegen::add_const(b, 8, 8, g.in_h * g.in_w * g.in_c, 9);
    store(b, 8, kSlotInput);
  });
  b.emit(Opcode::kRetwN, {});
  k.program = single_function_program(std::move(b).finish());
  return k;
}

}  // namespace pietune::kernels::families
