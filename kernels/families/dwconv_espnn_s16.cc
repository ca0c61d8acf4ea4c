// dwconv_espnn_s16: esp-nn's 16-bit depthwise kernels as a baseline (see the header).
#include "kernels/families/dwconv_espnn_s16.h"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "kernels/baselines/espnn/dispatch.h"
#include "kernels/codegen/emit.h"
#include "kernels/families/s16_lane_rules.h"
#include "model/support/error.h"

namespace pietune::kernels::families {
namespace {

using model::a;
using model::imm;
using model::Opcode;
using model::q;

// Which of the five kernels, and the loop shape it implies.
struct PathShape {
  bool broadcast = false;  // mult8/mult4: one input value broadcast against 8 / 4 filter lanes
  bool three_by_three = false;
  int lanes = 8;           // mult4: 4
  bool pad_channels = false;  // mult1 with ch % 8 != 0: the C wrapper pads channels to 8
};

PathShape path_shape(const Layer& layer, const ConvGeometry& g) {
  const std::string kernel = espnn::espnn_path(layer).kernel;
  PathShape s;
  s.broadcast = kernel.find("mult8") != std::string::npos || kernel.find("mult4") != std::string::npos;
  s.three_by_three = kernel.find("3x3") != std::string::npos;
  s.lanes = kernel.find("mult4") != std::string::npos ? 4 : 8;
  s.pad_channels = !s.broadcast && g.in_c % 8 != 0;
  return s;
}

// The scratch buffer: int16 filter, int16 input, (padded channels) the padded int8 output.
struct Layout {
  int in_ch = 0, out_ch = 0;     // channels of the int16 copies (padded to 8 for mult1)
  int pixel_bytes = 0;           // int16 input pixel
  int filter_pixel_bytes = 0;    // int16 filter tap
  std::int64_t filter_bytes = 0, input_bytes = 0, padded_out_bytes = 0;
  std::int64_t total() const { return filter_bytes + input_bytes + padded_out_bytes; }
};

Layout layout_of(const ConvGeometry& g, const PathShape& s) {
  Layout l;
  l.in_ch = s.pad_channels ? static_cast<int>(round_up(g.in_c, 8)) : g.in_c;
  l.out_ch = s.broadcast ? g.out_c : l.in_ch;
  l.pixel_bytes = 2 * l.in_ch;
  l.filter_pixel_bytes = 2 * l.out_ch;
  l.filter_bytes = round_up(g.taps() * l.filter_pixel_bytes, 16) + 16;  // esp-nn's align_len gap
  l.input_bytes = round_up(std::int64_t{g.in_h} * g.in_w * l.pixel_bytes, 16);
  l.padded_out_bytes = s.pad_channels ? round_up(std::int64_t{g.out_h} * g.out_w * l.out_ch, 16) : 0;
  return l;
}

// Frame (entry a1, 256 as esp-nn's kernels): slots at 16..95, the QACC spill area, two q saves,
// the three epilogue words read by vldbc.32.
constexpr int kFrame = 256, kQaccArea = 112, kSaveLanes = 160, kSaveResult = 176, kParams = 192;
constexpr int kSlotFilter8 = 0, kSlotBias = 1, kSlotMult = 2, kSlotShift = 3, kSlotParams = 4, kSlotF16 = 5,
              kSlotIn16 = 6, kSlotOy = 7, kSlotOx = 8, kSlotRow = 9, kSlotPix = 10, kSlotCh = 11, kSlotM = 12,
              kSlotBiasP = 13, kSlotMultP = 14, kSlotShiftP = 15, kSlotGin = 16, kSlotGf = 17, kSlotOut = 18,
              kSlotBatch = 19;

// One int8 at a5 to int16 at a6 (with_offset: + a7), both pointers advanced; the scalar step of
// the widening tail and of the padded copy (the C loops compile alike). Clobbers a8.
void emit_widen_element(model::FunctionBuilder& b, bool with_offset) {
  b.emit(Opcode::kL8ui, {a(8), a(5), imm(0)});
  b.emit(Opcode::kSext, {a(8), a(8), imm(7)});
  if (with_offset) b.emit(Opcode::kAdd, {a(8), a(8), a(7)});
  b.emit(Opcode::kS16i, {a(8), a(6), imm(0)});
  b.emit(Opcode::kAddi, {a(5), a(5), imm(1)});
  b.emit(Opcode::kAddi, {a(6), a(6), imm(2)});
}

// esp_nn_s8_to_s16 (with_offset: + the input offset): 16 bytes per step, scalar tail; all scalar
// when the source may be unaligned (a later batch of an image that is not a 16-byte multiple).
// a5 = src, a6 = dst; clobbers a7-a9, q0-q3.
void emit_widen(model::FunctionBuilder& b, std::int64_t count, bool with_offset, std::int32_t offset,
                bool aligned = true) {
  b.emit(Opcode::kEeZeroQ, {q(2)});
  if (with_offset) {
    codegen::load_const(b, 7, offset);
    b.emit(Opcode::kS16i, {a(7), a(1), imm(kParams + 12)});
    codegen::add_const(b, 8, 1, kParams + 12, 0);
    b.emit(Opcode::kEeVldbc16, {q(3), a(8)});
  }
  const std::int64_t vector_steps = aligned ? count / 16 : 0;
  if (vector_steps > 0)
    codegen::inner_loop(b, 9, vector_steps, [&] {
      b.emit(Opcode::kEeVld128Ip, {q(0), a(5), imm(16)});
      b.emit(Opcode::kEeVcmpLtS8, {q(1), q(0), q(2)});
      b.emit(Opcode::kEeVzip8, {q(0), q(1)});
      if (with_offset) {
        b.emit(Opcode::kEeVaddsS16, {q(0), q(0), q(3)});
        b.emit(Opcode::kEeVaddsS16, {q(1), q(1), q(3)});
      }
      b.emit(Opcode::kEeVst128Ip, {q(0), a(6), imm(16)});
      b.emit(Opcode::kEeVst128Ip, {q(1), a(6), imm(16)});
    });
  if (count - 16 * vector_steps > 0)
    codegen::inner_loop(b, 9, count - 16 * vector_steps, [&] { emit_widen_element(b, with_offset); });
}

// The C wrapper's channel padding (ch_mult 1, ch % 8 != 0): memset of the int16 copy, then one
// scalar copy per element into its padded place. a5 = src, a6 = dst; clobbers a7-a11, q2.
void emit_padded_copy(model::FunctionBuilder& b, std::int64_t rows, int channels, int padded, std::int64_t bytes,
                      std::int32_t offset, bool with_offset) {
  b.emit(Opcode::kEeZeroQ, {q(2)});
  b.emit(Opcode::kMov, {a(8), a(6)});
  codegen::inner_loop(b, 9, bytes / 16, [&] { b.emit(Opcode::kEeVst128Ip, {q(2), a(8), imm(16)}); });
  codegen::load_const(b, 7, offset);
  codegen::reg_loop(b, 10, rows, [&] {
    codegen::inner_loop(b, 9, channels, [&] { emit_widen_element(b, with_offset); });
    b.emit(Opcode::kAddi, {a(6), a(6), imm(2 * (padded - channels))});
  });
}

// esp_nn_multiply_by_quantized_mult_ver1_esp32s3 inlined: q0 = 4 accumulators, a10 = multipliers,
// a11 = shifts (TFLM convention). Per lane x << left, the 64-bit product with m, its rounded high
// word (hi:lo) >> 31 + lo[30] (esp-nn: + 2^30 with a saltu carry, the same value), then the
// rounding divide by 2^right in vectors (andq mask, vcmp/vsubs threshold). Clobbers a2, a4-a9,
// a12-a15, q1-q3, q7, SAR.
void emit_ver1(model::FunctionBuilder& b) {
  const int right[4] = {4, 5, 6, 7};
  b.emit(Opcode::kEeZeroQ, {q(3)});
  b.emit(Opcode::kMovi, {a(15), imm(0)});
  for (int i = 0; i < 4; ++i) b.emit(Opcode::kL32i, {a(right[i]), a(11), imm(4 * i)});
  // One lane: x in `x`, lo -> x, hi -> hi.
  auto lane = [&](int i, int x, int hi, int zero) {
    b.emit(Opcode::kMax, {a(2), a(zero), a(right[i])});
    b.emit(Opcode::kSub, {a(right[i]), a(2), a(right[i])});
    b.emit(Opcode::kEeMovi32A, {q(0), a(x), imm(i)});
    b.emit(Opcode::kSsl, {a(2)});
    b.emit(Opcode::kSll, {a(x), a(x)});
    b.emit(Opcode::kEeMovi32Q, {q(0), a(x), imm(i)});
    b.emit(Opcode::kL32i, {a(2), a(10), imm(4 * i)});
    b.emit(Opcode::kMulsh, {a(hi), a(2), a(x)});
    b.emit(Opcode::kMull, {a(x), a(2), a(x)});
  };
  auto high_word = [&](int dst, int hi, int lo) {
    b.emit(Opcode::kSrc, {a(hi), a(hi), a(lo)});
    b.emit(Opcode::kExtui, {a(lo), a(lo), imm(30), imm(1)});
    b.emit(Opcode::kAdd, {a(dst), a(hi), a(lo)});
  };
  lane(0, 14, 8, 15);
  lane(1, 9, 12, 15);
  b.emit(Opcode::kSsai, {imm(31)});
  high_word(8, 8, 14);
  high_word(9, 12, 9);
  lane(2, 14, 12, 15);
  b.emit(Opcode::kMovi, {a(2), imm(0)});
  b.emit(Opcode::kMov, {a(13), a(2)});  // lane 3's x register, then its value
  b.emit(Opcode::kMax, {a(2), a(13), a(right[3])});
  b.emit(Opcode::kSub, {a(right[3]), a(2), a(right[3])});
  b.emit(Opcode::kEeMovi32A, {q(0), a(13), imm(3)});
  b.emit(Opcode::kSsl, {a(2)});
  b.emit(Opcode::kSll, {a(13), a(13)});
  b.emit(Opcode::kEeMovi32Q, {q(0), a(13), imm(3)});
  b.emit(Opcode::kL32i, {a(2), a(10), imm(12)});
  b.emit(Opcode::kMulsh, {a(15), a(2), a(13)});
  b.emit(Opcode::kMull, {a(13), a(2), a(13)});
  b.emit(Opcode::kSsai, {imm(31)});
  high_word(12, 12, 14);
  high_word(13, 15, 13);
  const int h[4] = {8, 9, 12, 13};
  for (int i = 0; i < 4; ++i) b.emit(Opcode::kEeMovi32Q, {q(0), a(h[i]), imm(i)});
  b.emit(Opcode::kMovi, {a(2), imm(1)});
  for (int i = 0; i < 4; ++i) {
    b.emit(Opcode::kSsl, {a(right[i])});
    b.emit(Opcode::kSll, {a(14), a(2)});
    b.emit(Opcode::kAddi, {a(14), a(14), imm(-1)});
    b.emit(Opcode::kEeMovi32Q, {q(2), a(14), imm(i)});
  }
  for (int i = 0; i < 4; ++i) {
    b.emit(Opcode::kSsr, {a(right[i])});
    b.emit(Opcode::kSra, {a(h[i]), a(h[i])});
    b.emit(Opcode::kEeMovi32Q, {q(7), a(h[i]), imm(i)});
  }
  b.emit(Opcode::kEeAndq, {q(1), q(0), q(2)});
  b.emit(Opcode::kWsrSar, {a(2)});
  b.emit(Opcode::kEeVcmpLtS32, {q(3), q(7), q(3)});
  b.emit(Opcode::kEeVsr32, {q(2), q(2)});
  b.emit(Opcode::kEeVsubsS32, {q(2), q(2), q(3)});
  b.emit(Opcode::kEeVcmpGtS32, {q(1), q(1), q(2)});
  b.emit(Opcode::kEeVsubsS32, {q(0), q(7), q(1)});
}

// The low 32 bits of the QACC lanes as esp-nn reads them: QACC spilled to the stack, the low
// halves gathered by byte and halfword moves, the high halves by srcmb.s16 (shift 16), vzip.16.
// 8 lanes: q0 = lanes 0-3, q1 = lanes 4-7; 4 lanes: q0.
void emit_read_lanes(model::FunctionBuilder& b, int lanes) {
  constexpr int base = kQaccArea;
  b.emit(Opcode::kAddi, {a(9), a(1), imm(base)});
  b.emit(Opcode::kEeStQaccLL128Ip, {a(9), imm(16)});
  if (lanes == 4) {
    b.emit(Opcode::kMovi, {a(13), imm(16)});
    b.emit(Opcode::kEeStQaccLH32Ip, {a(9), imm(-16)});
    b.emit(Opcode::kEeSrcmbS16Qacc, {q(1), a(13), imm(0)});
  } else {
    b.emit(Opcode::kEeStQaccLH32Ip, {a(9), imm(0)});
  }
  // Lanes 1-3 of QACC_L: bytes 5, 6 -> 2, 3; 10-11 -> 4; 15, 16 -> 6, 7.
  b.emit(Opcode::kL8ui, {a(10), a(1), imm(base + 15)});
  b.emit(Opcode::kL16ui, {a(8), a(1), imm(base + 10)});
  b.emit(Opcode::kL8ui, {a(13), a(1), imm(base + 16)});
  b.emit(Opcode::kL8ui, {a(12), a(1), imm(base + 6)});
  b.emit(Opcode::kL8ui, {a(11), a(1), imm(base + 5)});
  b.emit(Opcode::kS8i, {a(11), a(1), imm(base + 2)});
  b.emit(Opcode::kS8i, {a(12), a(1), imm(base + 3)});
  b.emit(Opcode::kS8i, {a(13), a(1), imm(base + 7)});
  b.emit(Opcode::kS16i, {a(8), a(1), imm(base + 4)});
  b.emit(Opcode::kS8i, {a(10), a(1), imm(base + 6)});
  if (lanes == 4) {
    b.emit(Opcode::kEeVldL64Ip, {q(0), a(9), imm(0)});
    b.emit(Opcode::kEeVzip16, {q(0), q(1)});
    return;
  }
  // QACC_H at +16: lanes 4-7 at bytes 16-17, 21-22, 26-27, 31-32 -> 8, 10, 12, 14.
  b.emit(Opcode::kMovi, {a(8), imm(16)});
  b.emit(Opcode::kEeStQaccHL128Ip, {a(9), imm(16)});
  b.emit(Opcode::kEeStQaccHH32Ip, {a(9), imm(-32)});
  b.emit(Opcode::kEeSrcmbS16Qacc, {q(1), a(8), imm(0)});
  b.emit(Opcode::kL16ui, {a(13), a(1), imm(base + 26)});
  b.emit(Opcode::kL8ui, {a(15), a(1), imm(base + 32)});
  b.emit(Opcode::kL8ui, {a(12), a(1), imm(base + 22)});
  b.emit(Opcode::kL8ui, {a(11), a(1), imm(base + 21)});
  b.emit(Opcode::kL16ui, {a(10), a(1), imm(base + 16)});
  b.emit(Opcode::kL8ui, {a(14), a(1), imm(base + 31)});
  b.emit(Opcode::kS8i, {a(14), a(1), imm(base + 14)});
  b.emit(Opcode::kS16i, {a(10), a(1), imm(base + 8)});
  b.emit(Opcode::kS8i, {a(11), a(1), imm(base + 10)});
  b.emit(Opcode::kS8i, {a(12), a(1), imm(base + 11)});
  b.emit(Opcode::kS8i, {a(15), a(1), imm(base + 15)});
  b.emit(Opcode::kS16i, {a(13), a(1), imm(base + 12)});
  b.emit(Opcode::kEeVld128Ip, {q(0), a(9), imm(0)});
  b.emit(Opcode::kEeVzip16, {q(0), q(1)});
}

// One output pixel's window clipped to the image: filter rows ys..ye-1, columns xs..xe-1.
struct Clip {
  int start = 0, end = 0;
  friend bool operator==(const Clip&, const Clip&) = default;
};

// Runs of consecutive outputs with the same clip along one axis.
struct ClipRun {
  Clip clip;
  int first = 0, count = 0;
};

std::vector<ClipRun> clip_runs(int out, int stride, int before, int kernel, int in) {
  std::vector<ClipRun> runs;
  for (int o = 0; o < out; ++o) {
    const int base = o * stride - before;
    const Clip c{std::max(0, -base), std::min(kernel, in - base)};
    if (!runs.empty() && runs.back().clip == c) ++runs.back().count;
    else runs.push_back({c, o, 1});
  }
  return runs;
}

}  // namespace

std::optional<Rejection> dwconv_espnn_s16_legal(const Layer& layer, const Variant&) {
  PIETUNE_CHECK(layer.op == OpKind::kDepthwiseConv2d) << to_string(layer.op);
  if (auto r = check_types(layer)) return r;
  const reference::ChannelQuantization qz = reference::channel_quantization(layer, reference::RoundingMode::kDouble);
  if (auto r = check_shift_range(qz)) return r;
  const ConvGeometry g = conv_geometry(layer);
  const AbsWeightSums sums = depthwise_abs_weight_sums(layer, g);
  const std::vector<std::int32_t> bias =
      layer.bias && layer.bias->data ? bias_int32(layer, g.out_c) : std::vector<std::int32_t>(g.out_c, 0);
  for (int c = 0; c < g.out_c; ++c) {
    const std::int64_t bound = 255 * sums[static_cast<std::size_t>(c)] + std::abs(std::int64_t{bias[c]});
    if (bound > INT32_MAX)
      return Rejection{"acc_range",
                       fmt::format("channel {}: |bias| + 255 * sum|w| = {} exceeds int32: esp-nn's saturating "
                                   "vadds.s32 would differ from TFLM's wrapping accumulator",
                                   c, bound)};
  }
  return check_scratch(layout_of(g, path_shape(layer, g)).total(), "the int16 filter and input copies");
}

GeneratedKernel dwconv_espnn_s16_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!dwconv_espnn_s16_legal(layer, variant)) << variant.name();
  const ConvGeometry g = conv_geometry(layer);
  const PathShape s = path_shape(layer, g);
  const Layout l = layout_of(g, s);
  const reference::ChannelQuantization qz = reference::channel_quantization(layer, reference::RoundingMode::kDouble);
  const std::vector<std::int8_t> w = weights_int8(layer);
  const std::vector<std::int32_t> bias = bias_int32(layer, g.out_c);
  const bool has_bias = layer.bias.has_value();
  const int mult = g.out_c / g.in_c;

  GeneratedKernel k;
  k.symbol = variant.symbol();
  ConstantBuffer filter{"filter", {}};
  for (std::int8_t v : w) filter.bytes.push_back(static_cast<std::uint8_t>(v));
  filter.bytes.resize(static_cast<std::size_t>(round_up(static_cast<std::int64_t>(w.size()), 16)), 0);
  ConstantBuffer bias_buf{"bias", {}}, mult_buf{"out_mult", {}}, shift_buf{"out_shift", {}};
  const std::int64_t padded_channels = round_up(l.out_ch, 8) + 4;  // the third bias vld reads past
  for (std::int64_t c = 0; c < padded_channels; ++c) {
    const bool real = c < g.out_c;
    append_int32(bias_buf.bytes, real ? bias[c] : 0);
    append_int32(mult_buf.bytes, real ? qz.multipliers[c].multiplier : 0);
    append_int32(shift_buf.bytes, real ? qz.multipliers[c].shift : 0);
  }
  ConstantBuffer params{"params", {}};
  append_int32(params.bytes, qz.output_offset);
  append_int32(params.bytes, qz.act_min);
  append_int32(params.bytes, qz.act_max);
  k.constants = {std::move(filter), std::move(bias_buf), std::move(mult_buf), std::move(shift_buf), std::move(params)};
  k.scratch_bytes = static_cast<std::uint32_t>(l.total());
  k.input_align_bytes = 16;
  k.output_align_bytes = 16;
  k.input_overread_bytes = 0;

  model::FunctionBuilder b(k.symbol);
  b.emit(Opcode::kEntry, {a(1), imm(kFrame)});
  codegen::call_block_to_slots(b, {kSlotFilter8, kSlotBias, kSlotMult, kSlotShift, kSlotParams, kSlotF16}, 7);
  codegen::load_slot(b, 7, kSlotF16);
  codegen::add_const(b, 7, 7, static_cast<std::int32_t>(l.filter_bytes), 8);
  codegen::store_slot(b, 7, kSlotIn16);
  // The epilogue words onto the stack (esp-nn reads them from its stack arguments).
  codegen::load_slot(b, 8, kSlotParams);
  for (int i = 0; i < 3; ++i) {
    b.emit(Opcode::kL32i, {a(9), a(8), imm(4 * i)});
    b.emit(Opcode::kS32i, {a(9), a(1), imm(kParams + 4 * i)});
  }

  const std::int32_t in_row_bytes = g.in_w * l.pixel_bytes;
  const std::int32_t f_row_bytes = g.kernel_w * l.filter_pixel_bytes;
  const std::int32_t in_col_step = l.pixel_bytes;
  const std::int64_t image_bytes = std::int64_t{g.in_h} * g.in_w * g.in_c;
  const std::vector<ClipRun> y_runs = clip_runs(g.out_h, g.stride_h, g.top, g.kernel_h, g.in_h);
  const std::vector<ClipRun> x_runs = clip_runs(g.out_w, g.stride_w, g.left, g.kernel_w, g.in_w);

  // The taps of one filter row, a5 = input, a6 = filter, a14/a15 = column steps.
  auto tap = [&] {
    if (s.broadcast) {
      b.emit(Opcode::kMov, {a(9), a(6)});
      b.emit(Opcode::kEeVldbc16, {q(0), a(5)});
      b.emit(s.lanes == 8 ? Opcode::kEeVld128Ip : Opcode::kEeVldL64Ip, {q(1), a(9), imm(0)});
      b.emit(Opcode::kAdd, {a(5), a(5), a(14)});
      b.emit(Opcode::kAdd, {a(6), a(6), a(15)});
      b.emit(Opcode::kEeVmulasS16Qacc, {q(0), q(1)});
    } else {
      b.emit(Opcode::kEeVld128Xp, {q(0), a(5), a(14)});
      b.emit(Opcode::kEeVld128Xp, {q(1), a(6), a(15)});
      b.emit(Opcode::kEeVmulasS16Qacc, {q(0), q(1)});
    }
  };

  auto group = [&](const Clip& yc, const Clip& xc) {
    const int rows = std::max(0, yc.end - yc.start), cols = std::max(0, xc.end - xc.start);
    b.emit(Opcode::kEeZeroQacc, {});
    codegen::load_slot(b, 7, kSlotGin);
    codegen::load_slot(b, 8, kSlotGf);
    if (rows > 0 && cols > 0) {
      codegen::add_const(b, 7, 7, yc.start * in_row_bytes + xc.start * l.pixel_bytes, 9);
      codegen::add_const(b, 8, 8, yc.start * f_row_bytes + xc.start * l.filter_pixel_bytes, 9);
      codegen::load_const(b, 10, in_row_bytes);
      codegen::load_const(b, 11, f_row_bytes);
      codegen::load_const(b, 14, in_col_step);
      codegen::load_const(b, 15, l.filter_pixel_bytes);
      // esp-nn's per-window address setup from stack values (base_y, filter_x_start, channel,
      // strides: 3 mull); ours computes nothing the taps need but costs the same.
      auto address_setup = [&] {
        codegen::load_slot(b, 2, kSlotOy);
        codegen::load_slot(b, 9, kSlotOx);
        b.emit(Opcode::kMull, {a(2), a(2), a(9)});
        codegen::load_slot(b, 9, kSlotCh);
        b.emit(Opcode::kMull, {a(2), a(2), a(9)});
        codegen::load_slot(b, 9, kSlotRow);
        b.emit(Opcode::kMull, {a(9), a(2), a(9)});
        b.emit(Opcode::kAdd, {a(2), a(2), a(9)});
        codegen::load_slot(b, 9, kSlotPix);
        b.emit(Opcode::kAddx2, {a(2), a(2), a(9)});
      };
      if (s.three_by_three) {
        // One setup, then LOOPGTZ over the in-image rows: the three taps straight-line, the
        // clipped ones skipped by the kernel's filter_x_start / filter_x_end branches.
        address_setup();
        b.emit(Opcode::kMovi, {a(4), imm(1)});
        b.emit(Opcode::kMovi, {a(12), imm(rows)});
        b.zero_overhead_loop(Opcode::kLoopgtz, a(12), rows, [&] {
          b.emit(Opcode::kMov, {a(13), a(7)});
          b.emit(Opcode::kMov, {a(2), a(8)});
          b.emit(Opcode::kMov, {a(5), a(7)});
          b.emit(Opcode::kMov, {a(6), a(8)});
          const model::Label after_start = b.new_label("xstart");
          b.emit(Opcode::kBeqz, {a(4), model::target(after_start)});
          b.bind(after_start);
          for (int c = 0; c < cols; ++c) tap();
          const model::Label after_end = b.new_label("xend");
          b.emit(Opcode::kBeqz, {a(4), model::target(after_end)});
          b.bind(after_end);
          b.emit(Opcode::kAdd, {a(7), a(13), a(10)});
          b.emit(Opcode::kAdd, {a(8), a(2), a(11)});
        });
      } else {
        auto row = [&] {
          address_setup();
          b.emit(Opcode::kMov, {a(5), a(7)});
          b.emit(Opcode::kMov, {a(6), a(8)});
          b.emit(Opcode::kMovi, {a(12), imm(cols)});
          b.zero_overhead_loop(Opcode::kLoopgtz, a(12), cols, tap);
          // Row end: the next row's pointers, esp-nn's counter reloads and stores.
          b.emit(Opcode::kAdd, {a(7), a(7), a(10)});
          b.emit(Opcode::kAdd, {a(8), a(8), a(11)});
          codegen::load_slot(b, 9, kSlotM);
          codegen::load_slot(b, 2, kSlotRow);
          b.emit(Opcode::kAddi, {a(9), a(9), imm(0)});
          b.emit(Opcode::kAdd, {a(2), a(2), a(9)});
        };
        if (rows == 1) row();
        else {
          b.emit(Opcode::kMovi, {a(13), imm(rows)});
          b.counted_loop(a(13), rows, row);
        }
      }
    }
    emit_read_lanes(b, s.lanes);
    if (has_bias) {
      codegen::load_slot(b, 9, kSlotBiasP);
      b.emit(Opcode::kExtui, {a(10), a(9), imm(0), imm(4)});
      b.emit(Opcode::kWurSarByte, {a(10)});
      b.emit(Opcode::kEeVld128Ip, {q(4), a(9), imm(16)});
      b.emit(Opcode::kEeVld128Ip, {q(7), a(9), imm(s.lanes == 8 ? 16 : 0)});
      if (s.lanes == 8) b.emit(Opcode::kEeVld128Ip, {q(5), a(9), imm(0)});
      codegen::store_slot(b, 9, kSlotBiasP);
      b.emit(Opcode::kEeSrcQQup, {q(6), q(4), q(7)});
      b.emit(Opcode::kEeVaddsS32, {q(0), q(0), q(6)});
      if (s.lanes == 8) {
        b.emit(Opcode::kEeSrcQQup, {q(3), q(4), q(5)});
        b.emit(Opcode::kEeVaddsS32, {q(1), q(1), q(3)});
      }
    }
    b.emit(Opcode::kAddi, {a(9), a(1), imm(112)});
    b.emit(Opcode::kStQr, {q(1), a(9), imm(kSaveLanes - 112)});
    codegen::load_slot(b, 10, kSlotMultP);
    codegen::load_slot(b, 11, kSlotShiftP);
    emit_ver1(b);
    if (s.lanes == 8) {
      b.emit(Opcode::kAddi, {a(9), a(1), imm(112)});
      b.emit(Opcode::kStQr, {q(0), a(9), imm(kSaveResult - 112)});
      b.emit(Opcode::kLdQr, {q(0), a(9), imm(kSaveLanes - 112)});
      b.emit(Opcode::kAddi, {a(10), a(10), imm(16)});
      b.emit(Opcode::kAddi, {a(11), a(11), imm(16)});
      emit_ver1(b);
    }
    b.emit(Opcode::kAddi, {a(10), a(10), imm(16)});
    b.emit(Opcode::kAddi, {a(11), a(11), imm(16)});
    codegen::store_slot(b, 10, kSlotMultP);
    codegen::store_slot(b, 11, kSlotShiftP);
    codegen::add_const(b, 9, 1, kParams, 0);
    b.emit(Opcode::kEeVldbc32, {q(3), a(9)});
    codegen::add_const(b, 9, 1, kParams + 8, 0);
    b.emit(Opcode::kEeVldbc32, {q(2), a(9)});
    codegen::add_const(b, 9, 1, kParams + 4, 0);
    b.emit(Opcode::kEeVldbc32, {q(1), a(9)});
    b.emit(Opcode::kEeVaddsS32, {q(0), q(0), q(3)});
    b.emit(Opcode::kEeVminS32, {q(0), q(0), q(2)});
    b.emit(Opcode::kEeVmaxS32, {q(0), q(0), q(1)});
    if (s.lanes == 8) {
      b.emit(Opcode::kAddi, {a(9), a(1), imm(112)});
      b.emit(Opcode::kLdQr, {q(7), a(9), imm(kSaveResult - 112)});
      b.emit(Opcode::kEeVaddsS32, {q(7), q(7), q(3)});
      b.emit(Opcode::kEeVminS32, {q(7), q(7), q(2)});
      b.emit(Opcode::kEeVmaxS32, {q(7), q(7), q(1)});
      b.emit(Opcode::kEeVunzip16, {q(7), q(0)});
      b.emit(Opcode::kEeVunzip8, {q(7), q(0)});
      b.emit(Opcode::kEeVstL64Ip, {q(7), a(3), imm(8)});
    } else {
      for (int i = 0; i < 4; ++i) {
        b.emit(Opcode::kEeMovi32A, {q(0), a(12), imm(i)});
        b.emit(Opcode::kS8i, {a(12), a(3), imm(i)});
      }
      b.emit(Opcode::kAddi, {a(3), a(3), imm(4)});
    }
  };

  auto pixel = [&](const Clip& yc, const Clip& xc) {
    // Per pixel: the clipped columns (neg, max, sub, min, sub) and the quantization pointers
    // reloaded from the stack, as esp-nn's channel-loop prologue.
    codegen::load_slot(b, 9, kSlotOx);
    b.emit(Opcode::kNeg, {a(10), a(9)});
    b.emit(Opcode::kMax, {a(10), a(10), a(9)});
    b.emit(Opcode::kSub, {a(9), a(9), a(10)});
    b.emit(Opcode::kMin, {a(9), a(9), a(10)});
    b.emit(Opcode::kSub, {a(9), a(9), a(10)});
    for (auto [from, to] : {std::pair{kSlotBias, kSlotBiasP}, {kSlotMult, kSlotMultP}, {kSlotShift, kSlotShiftP}}) {
      codegen::load_slot(b, 9, from);
      codegen::store_slot(b, 9, to);
    }
    codegen::load_slot(b, 9, kSlotPix);
    codegen::store_slot(b, 9, kSlotGin);
    codegen::load_slot(b, 9, kSlotF16);
    codegen::store_slot(b, 9, kSlotGf);
    const int in_groups = s.broadcast ? g.in_c : l.in_ch / 8;
    const int lane_groups = s.broadcast ? mult / s.lanes : 1;
    codegen::slot_loop(b, kSlotCh, in_groups, 9, [&] {
      codegen::slot_loop(b, kSlotM, lane_groups, 9, [&] {
        group(yc, xc);
        codegen::load_slot(b, 9, kSlotGf);
        b.emit(Opcode::kAddi, {a(9), a(9), imm(2 * s.lanes)});
        codegen::store_slot(b, 9, kSlotGf);
      });
      codegen::load_slot(b, 9, kSlotGin);
      b.emit(Opcode::kAddi, {a(9), a(9), imm(s.broadcast ? 2 : 16)});
      codegen::store_slot(b, 9, kSlotGin);
    });
  };

  codegen::slot_loop(b, kSlotBatch, g.batches, 8, [&] {
    // The wrapper: filter and input to int16 in scratch, on every call.
    codegen::load_slot(b, 5, kSlotFilter8);
    codegen::load_slot(b, 6, kSlotF16);
    if (s.pad_channels)
      emit_padded_copy(b, g.taps(), g.in_c, l.in_ch, l.filter_bytes - 16, 0, false);
    else
      emit_widen(b, g.taps() * g.out_c, false, 0);
    b.emit(Opcode::kMov, {a(5), a(2)});
    codegen::load_slot(b, 6, kSlotIn16);
    if (s.pad_channels)
      emit_padded_copy(b, std::int64_t{g.in_h} * g.in_w, g.in_c, l.in_ch, l.input_bytes, qz.input_offset, true);
    else
      emit_widen(b, image_bytes, true, qz.input_offset, g.batches == 1 || image_bytes % 16 == 0);
    b.emit(Opcode::kMov, {a(2), a(5)});
    b.emit(Opcode::kS32i, {a(2), a(1), imm(kParams + 16)});  // the next batch's input
    if (s.pad_channels) {
      codegen::store_slot(b, 3, kSlotOut);
      codegen::load_slot(b, 3, kSlotIn16);
      codegen::add_const(b, 3, 3, static_cast<std::int32_t>(l.input_bytes), 9);
    }
    b.emit(Opcode::kMovi, {a(4), imm(1)});  // never zero: the 3x3 clip branches fall through
    for (const ClipRun& yr : y_runs) {
      // a7: the int16 address of the first pixel's (unclipped) window origin in this run.
      const std::int32_t row0 = ((yr.first * g.stride_h - g.top) * g.in_w - g.left) * l.pixel_bytes;
      codegen::load_slot(b, 7, kSlotIn16);
      codegen::add_const(b, 7, 7, row0, 8);
      codegen::store_slot(b, 7, kSlotRow);
      codegen::slot_loop(b, kSlotOy, yr.count, 8, [&] {
        for (const ClipRun& xr : x_runs) {
          codegen::load_slot(b, 7, kSlotRow);
          codegen::add_const(b, 7, 7, xr.first * g.stride_w * l.pixel_bytes, 8);
          codegen::store_slot(b, 7, kSlotPix);
          codegen::slot_loop(b, kSlotOx, xr.count, 8, [&] {
            pixel(yr.clip, xr.clip);
            codegen::load_slot(b, 7, kSlotPix);
            codegen::add_const(b, 7, 7, g.stride_w * l.pixel_bytes, 8);
            codegen::store_slot(b, 7, kSlotPix);
          });
        }
        codegen::load_slot(b, 7, kSlotRow);
        codegen::add_const(b, 7, 7, g.stride_h * in_row_bytes, 8);
        codegen::store_slot(b, 7, kSlotRow);
      });
    }
    if (s.pad_channels) {
      // The C compaction loop: the real channels of every padded output pixel.
      codegen::load_slot(b, 3, kSlotOut);
      codegen::load_slot(b, 5, kSlotIn16);
      codegen::add_const(b, 5, 5, static_cast<std::int32_t>(l.input_bytes), 9);
      codegen::reg_loop(b, 10, std::int64_t{g.out_h} * g.out_w, [&] {
        codegen::inner_loop(b, 9, g.out_c, [&] {
          b.emit(Opcode::kL8ui, {a(8), a(5), imm(0)});
          b.emit(Opcode::kS8i, {a(8), a(3), imm(0)});
          b.emit(Opcode::kAddi, {a(5), a(5), imm(1)});
          b.emit(Opcode::kAddi, {a(3), a(3), imm(1)});
        });
        b.emit(Opcode::kAddi, {a(5), a(5), imm(l.out_ch - g.out_c)});
      });
    }
    b.emit(Opcode::kL32i, {a(2), a(1), imm(kParams + 16)});
  });
  b.emit(Opcode::kRetwN, {});
  k.program = single_function_program(std::move(b).finish());
  return k;
}

}  // namespace pietune::kernels::families
