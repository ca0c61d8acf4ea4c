// dwconv_s16: legality and code generation (see the header).
#include "kernels/families/dwconv_s16.h"

#include <fmt/format.h>

#include "kernels/codegen/emit.h"
#include "kernels/codegen/qacc_image.h"
#include "kernels/codegen/qacc_lanes.h"
#include "kernels/codegen/requant_scalar.h"
#include "kernels/codegen/requant_vector.h"
#include "kernels/families/s16_lane_rules.h"
#include "model/support/error.h"

namespace pietune::kernels::families {
namespace {

using model::a;
using model::imm;
using model::Opcode;
using model::q;

constexpr int kMaxMultiplier = 64;

// The widened scratch image: int16 values, pixels of `pixel_elems` (a multiple of 8) elements.
struct Layout {
  int pixel_elems = 0;
  int pixel_bytes = 0;
  int padded_w = 0, padded_h = 0;
  int row_bytes = 0;
  std::int64_t bytes = 0;
};

Layout layout_of(const ConvGeometry& g) {
  Layout l;
  l.pixel_elems = static_cast<int>(round_up(g.out_c, 8));
  l.pixel_bytes = 2 * l.pixel_elems;
  l.padded_w = g.left + g.in_w + g.right;
  l.padded_h = g.top + g.in_h + g.bottom;
  l.row_bytes = l.padded_w * l.pixel_bytes;
  l.bytes = std::int64_t{l.padded_h} * l.row_bytes;
  return l;
}

// Copies one batch image from a2 into the scratch at a9 as int16 (x + input_offset), each value
// written `replicate` times, with every other element (border, channel padding) 0. Advances a2 past
// the image; clobbers a8-a14 and q7. vector: 16 bytes per step (channels a multiple of 16,
// multiplier 1, input 16-byte aligned; clobbers q0-q3 too).
void emit_stage_widened(model::FunctionBuilder& b, const ConvGeometry& g, const Layout& l, int replicate,
                        std::int32_t input_offset, bool vector) {
  constexpr int kSrc = 2, kDst = 9, kValue = 13, kOffset = 14, kRows = 11, kPixels = 12, kCount = 10, kTmp = 8;
  b.emit(Opcode::kEeZeroQ, {q(7)});
  b.emit(Opcode::kMov, {a(kTmp), a(kDst)});
  codegen::inner_loop(b, kCount, l.bytes / 16, [&] { b.emit(Opcode::kEeVst128Ip, {q(7), a(kTmp), imm(16)}); });
  codegen::load_const(b, kOffset, input_offset);
  codegen::add_const(b, kDst, kDst, (g.top * l.padded_w + g.left) * l.pixel_bytes, kTmp);
  const int written = g.in_c * replicate;
  auto copy_values = [&](std::int64_t n) {
    codegen::inner_loop(b, kCount, n, [&] {
      b.emit(Opcode::kL8ui, {a(kValue), a(kSrc), imm(0)});
      b.emit(Opcode::kAddi, {a(kSrc), a(kSrc), imm(1)});
      b.emit(Opcode::kSext, {a(kValue), a(kValue), imm(7)});
      b.emit(Opcode::kAdd, {a(kValue), a(kValue), a(kOffset)});
      for (int k = 0; k < replicate; ++k) b.emit(Opcode::kS16i, {a(kValue), a(kDst), imm(2 * k)});
      codegen::add_const(b, kDst, kDst, 2 * replicate, kTmp);
    });
  };
  if (vector) {
    // 16 input bytes per step: sign bytes from EE.VCMP.LT.S8 against zero, interleaved by
    // EE.VZIP.8 into two vectors of 8 int16, the offset added with EE.VADDS.S16 (no saturation:
    // -255..255). The offset vector is broadcast from a frame slot.
    constexpr int kOffsetSlot = 15;
    b.emit(Opcode::kS16i, {a(kOffset), a(1), imm(codegen::slot_offset(kOffsetSlot))});
    codegen::add_const(b, kTmp, 1, codegen::slot_offset(kOffsetSlot), kValue);
    b.emit(Opcode::kEeVldbc16, {q(3), a(kTmp)});
    b.emit(Opcode::kEeZeroQ, {q(2)});
    codegen::reg_loop(b, kRows, g.in_h, [&] {
      codegen::inner_loop(b, kCount, std::int64_t{g.in_w} * g.in_c / 16, [&] {
        b.emit(Opcode::kEeVld128Ip, {q(0), a(kSrc), imm(16)});
        b.emit(Opcode::kEeVcmpLtS8, {q(1), q(0), q(2)});
        b.emit(Opcode::kEeVzip8, {q(0), q(1)});
        b.emit(Opcode::kEeVaddsS16, {q(0), q(0), q(3)});
        b.emit(Opcode::kEeVaddsS16, {q(1), q(1), q(3)});
        b.emit(Opcode::kEeVst128Ip, {q(0), a(kDst), imm(16)});
        b.emit(Opcode::kEeVst128Ip, {q(1), a(kDst), imm(16)});
      });
      codegen::add_const(b, kDst, kDst, (l.padded_w - g.in_w) * l.pixel_bytes, kTmp);
    });
    return;
  }
  codegen::reg_loop(b, kRows, g.in_h, [&] {
    if (l.pixel_elems == written) {
      copy_values(std::int64_t{g.in_w} * g.in_c);
    } else {
      codegen::reg_loop(b, kPixels, g.in_w, [&] {
        copy_values(g.in_c);
        codegen::add_const(b, kDst, kDst, 2 * (l.pixel_elems - written), kTmp);
      });
    }
    codegen::add_const(b, kDst, kDst, (l.padded_w - g.in_w) * l.pixel_bytes, kTmp);
  });
}

constexpr int kSlotWeights = 0, kSlotTable = 1, kSlotScratch = 2, kSlotRow = 3, kSlotBatch = 4, kSlotOy = 5,
              kSlotOx = 6, kSlotVectors = 7, kSlotSave = 8;

bool vector_epilogue(const Variant& variant) { return variant.word("epilogue") == "rqvec"; }
bool vector_widening(const Variant& variant) { return variant.word("inputpath") == "vwiden"; }

}  // namespace

std::optional<Rejection> dwconv_s16_legal(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(layer.op == OpKind::kDepthwiseConv2d) << to_string(layer.op);
  if (auto r = check_types(layer)) return r;
  if (layer.options.depth_multiplier > kMaxMultiplier)
    return Rejection{"depth_multiplier",
                     fmt::format("depth multiplier {} above the {} copies the staging loop writes per input value",
                                 layer.options.depth_multiplier, kMaxMultiplier)};
  const reference::ChannelQuantization qz = reference::channel_quantization(layer, reference::RoundingMode::kDouble);
  if (auto r = check_shift_range(qz)) return r;
  const ConvGeometry g = conv_geometry(layer);
  if (vector_widening(variant) && (layer.options.depth_multiplier != 1 || g.in_c % 16 != 0))
    return Rejection{"vwiden_channels",
                     fmt::format("{} input channels, depth multiplier {}: the vector widening takes whole 16-byte "
                                 "pixels of a multiplier-1 layer",
                                 g.in_c, layer.options.depth_multiplier)};
  const AbsWeightSums sums = depthwise_abs_weight_sums(layer, g);
  if (vector_epilogue(variant))
    if (auto r = check_rqvec_s16(layer, qz, sums)) return r;
  if (auto r = check_qacc40_range(sums, g.taps(), "taps")) return r;
  return check_scratch(layout_of(g).bytes, "the widened input copy");
}

GeneratedKernel dwconv_s16_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!dwconv_s16_legal(layer, variant)) << variant.name();
  const ConvGeometry g = conv_geometry(layer);
  const Layout l = layout_of(g);
  const reference::ChannelQuantization qz = reference::channel_quantization(layer, reference::RoundingMode::kDouble);
  const std::vector<std::int8_t> w = weights_int8(layer);
  const std::vector<std::int32_t> bias = bias_int32(layer, g.out_c);
  const int groups = (g.out_c + 7) / 8;
  const std::int64_t taps = g.taps();

  GeneratedKernel k;
  k.symbol = variant.symbol();
  ConstantBuffer weights{"weights", {}};
  for (int grp = 0; grp < groups; ++grp)
    for (std::int64_t t = 0; t < taps; ++t)
      for (int lane = 0; lane < 8; ++lane) {
        const int c = grp * 8 + lane;
        const std::int16_t v = c < g.out_c ? w[static_cast<std::size_t>(t * g.out_c + c)] : 0;
        const auto u = static_cast<std::uint16_t>(v);
        weights.bytes.push_back(static_cast<std::uint8_t>(u));
        weights.bytes.push_back(static_cast<std::uint8_t>(u >> 8));
      }
  k.constants.push_back(std::move(weights));
  const bool rqvec = vector_epilogue(variant);
  if (rqvec) {
    k.constants.push_back({"rqvec_groups", codegen::rqvec_bias_blocks(bias, qz)});
    k.constants.push_back({"rqvec_vectors", codegen::rqvec_vectors(qz)});
  } else {
    k.constants.push_back({"requant_table", codegen::requant_table(bias, qz)});
  }
  const std::int64_t staged_bytes = round_up(l.bytes, 16);
  k.scratch_bytes = static_cast<std::uint32_t>(staged_bytes + (rqvec ? codegen::kQaccImageBytes : 0));
  k.input_align_bytes = vector_widening(variant) ? 16 : 1;

  // Address steps after loading a tap: to the next column, or from a row's last column to the
  // next filter row's first.
  const std::int32_t col_step = g.dilation_w * l.pixel_bytes;
  const std::int32_t row_step = g.dilation_h * l.row_bytes - (g.kernel_w - 1) * col_step;
  constexpr int kColStep = 4, kRowStep = 10;
  auto step_after = [&](std::int64_t tap) { return (tap + 1) % g.kernel_w != 0 ? kColStep : kRowStep; };

  model::FunctionBuilder b(k.symbol);
  codegen::emit_prologue(b);
  if (rqvec)
    codegen::call_block_to_slots(b, {kSlotWeights, kSlotTable, kSlotVectors, kSlotScratch}, 7);
  else
    codegen::call_block_to_slots(b, {kSlotWeights, kSlotTable, kSlotScratch}, 7);
  if (rqvec) {
    codegen::add_const(b, 7, 7, static_cast<std::int32_t>(staged_bytes), 9);
    codegen::store_slot(b, 7, kSlotSave);
  }
  codegen::load_const(b, kColStep, col_step);  // a4: the call block is no longer needed
  const codegen::RequantRegs rq{.acc = 12, .t0 = 13, .t1 = 14, .t2 = 15, .table = 6};

  // a6 walks the requant table (rqscalar) or the group blocks (rqvec, bias preloaded into QACC).
  auto group_body = [&](int lanes) {
    if (rqvec)
      codegen::emit_load_qacc_image(b, 6);
    else
      b.emit(Opcode::kEeZeroQacc, {});
    b.emit(Opcode::kMov, {a(9), a(8)});
    b.emit(Opcode::kEeVld128Xp, {q(0), a(9), a(step_after(0))});
    for (std::int64_t t = 0; t < taps; ++t) {
      b.emit(Opcode::kEeVld128Ip, {q(1), a(5), imm(16)});
      if (t + 1 < taps)  // multiply tap t while loading tap t + 1
        b.emit(Opcode::kEeVmulasS16QaccLdXp, {q(0), a(9), a(step_after(t + 1)), q(0), q(1)});
      else
        b.emit(Opcode::kEeVmulasS16Qacc, {q(0), q(1)});
    }
    if (rqvec) {
      codegen::emit_rqvec_group_end(b, qz, lanes, kSlotVectors, kSlotSave);
      b.emit(Opcode::kAddi, {a(8), a(8), imm(16)});
      return;
    }
    for (int lane = 0; lane < lanes; ++lane) {
      codegen::emit_qacc_wide_lane(b, lane, rq.acc, rq.t0);
      codegen::emit_requant_scalar(b, rq, lane * codegen::kRequantEntryBytes, qz);
      b.emit(Opcode::kS8i, {a(rq.acc), a(3), imm(lane)});
    }
    b.emit(Opcode::kAddi, {a(3), a(3), imm(lanes)});
    codegen::add_const(b, 6, 6, lanes * codegen::kRequantEntryBytes, 9);
    b.emit(Opcode::kAddi, {a(8), a(8), imm(16)});
  };

  codegen::slot_loop(b, kSlotBatch, g.batches, 8, [&] {
    codegen::load_slot(b, 9, kSlotScratch);
    emit_stage_widened(b, g, l, g.out_c / g.in_c, qz.input_offset, vector_widening(variant));
    codegen::load_const(b, kRowStep, row_step);  // a10: the staging copy uses it as a counter
    codegen::load_slot(b, 7, kSlotScratch);
    const codegen::OutputPixelLoops pixels{.row_slot = kSlotRow, .oy_slot = kSlotOy, .ox_slot = kSlotOx,
                                            .out_h = g.out_h, .out_w = g.out_w,
                                            .col_step = g.stride_w * l.pixel_bytes,
                                            .row_step = g.stride_h * l.row_bytes};
    codegen::emit_output_pixel_loops(b, pixels, [&] {
      codegen::load_slot(b, 5, kSlotWeights);
      codegen::load_slot(b, 6, kSlotTable);
      b.emit(Opcode::kMov, {a(8), a(7)});
      if (g.out_c / 8 > 0) codegen::reg_loop(b, 11, g.out_c / 8, [&] { group_body(8); });
      if (g.out_c % 8 > 0) group_body(g.out_c % 8);
    });
  });
  codegen::emit_epilogue(b);
  k.program = single_function_program(std::move(b).finish());
  return k;
}

}  // namespace pietune::kernels::families
