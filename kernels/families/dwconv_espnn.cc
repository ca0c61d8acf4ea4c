// dwconv_espnn: the esp-nn-structured depthwise baseline (see the header).
#include "kernels/families/dwconv_espnn.h"

#include <fmt/format.h>

#include "kernels/codegen/emit.h"
#include "kernels/codegen/requant_scalar.h"
#include "kernels/codegen/stage_input.h"
#include "model/support/error.h"

namespace pietune::kernels::families {
namespace {

using model::a;
using model::imm;
using model::Opcode;
using model::q;

// QACC spill area at the start of scratch: QACC_L bits 0..159 at +0 (20 contiguous bytes), QACC_H
// at +32 (its 128-bit store needs a 16-byte aligned address).
constexpr int kSpillBytes = 64;
constexpr int kSpillHighOffset = 32;

struct Layout {
  bool staged = true;
  int pixel_stride = 0;
  int padded_w = 0, padded_h = 0;
  int row_bytes = 0;
  codegen::StageGeometry stage;
};

Layout layout_of(const ConvGeometry& g) {
  Layout l;
  l.staged = g.needs_border() || g.in_c % 16 != 0;
  l.pixel_stride = static_cast<int>(round_up(g.in_c, 16));
  l.padded_w = l.staged ? g.left + g.in_w + g.right : g.in_w;
  l.padded_h = l.staged ? g.top + g.in_h + g.bottom : g.in_h;
  l.row_bytes = l.padded_w * l.pixel_stride;
  l.stage = {.height = g.in_h, .width = g.in_w, .channels = g.in_c, .top = g.top, .left = g.left,
             .padded_height = l.padded_h, .padded_width = l.padded_w, .pixel_stride = l.pixel_stride,
             .tail_bytes = 0, .replicate = 1};
  return l;
}

std::int64_t scratch_bytes_of(const Layout& l) { return kSpillBytes + (l.staged ? l.stage.bytes() : 0); }

// dst = the sign-extended 20-bit lane `lane` of the QACC spilled at `spill`; tmp clobbered.
void emit_spilled_lane(model::FunctionBuilder& b, int spill, int lane, int dst, int tmp) {
  const int half = lane < 8 ? 0 : kSpillHighOffset;
  const int bit = 20 * (lane % 8);
  const int word = half + 4 * (bit / 32);
  const int intra = bit % 32;
  if (intra + 20 <= 32) {
    b.emit(Opcode::kL32i, {a(dst), a(spill), imm(word)});
    const int up = 32 - intra - 20;
    if (up > 0) b.emit(Opcode::kSlli, {a(dst), a(dst), imm(up)});
    b.emit(Opcode::kSrai, {a(dst), a(dst), imm(12)});
    return;
  }
  b.emit(Opcode::kL32i, {a(tmp), a(spill), imm(word)});
  b.emit(Opcode::kL32i, {a(dst), a(spill), imm(word + 4)});
  b.emit(Opcode::kSsai, {imm(intra)});
  b.emit(Opcode::kSrc, {a(dst), a(dst), a(tmp)});
  b.emit(Opcode::kSext, {a(dst), a(dst), imm(19)});
}

constexpr int kSlotWeights = 0, kSlotTable = 1, kSlotScratch = 2, kSlotRow = 3, kSlotBatch = 4, kSlotOy = 5,
              kSlotOx = 6, kSlotZp = 7, kSlotImage = 8;

}  // namespace

std::optional<Rejection> dwconv_espnn_legal(const Layer& layer, const Variant&) {
  PIETUNE_CHECK(layer.op == OpKind::kDepthwiseConv2d) << to_string(layer.op);
  if (auto r = check_types(layer)) return r;
  if (layer.options.depth_multiplier != 1)
    return Rejection{"depth_multiplier",
                     fmt::format("depth multiplier {}: esp-nn's QACC depthwise path is for multiplier 1 (other "
                                 "multipliers go to its 16-bit kernels)",
                                 layer.options.depth_multiplier)};
  if (auto r = check_shift_range(reference::channel_quantization(layer, reference::RoundingMode::kDouble))) return r;
  const ConvGeometry g = conv_geometry(layer);
  const bool have_data = layer.weights->data != nullptr;
  const std::vector<std::int8_t> w = have_data ? weights_int8(layer) : std::vector<std::int8_t>{};
  if (auto r = check_qacc_lane_range(
          g.out_c, g.taps(), "taps",
          [&](int c, std::int64_t t) { return int{w[static_cast<std::size_t>(t * g.out_c + c)]}; }, have_data))
    return r;
  return check_scratch(scratch_bytes_of(layout_of(g)), "the QACC spill area and the padded input copy");
}

GeneratedKernel dwconv_espnn_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!dwconv_espnn_legal(layer, variant)) << variant.name();
  const ConvGeometry g = conv_geometry(layer);
  const Layout l = layout_of(g);
  const reference::ChannelQuantization qz = reference::channel_quantization(layer, reference::RoundingMode::kDouble);
  const std::vector<std::int8_t> w = weights_int8(layer);
  const std::vector<std::int32_t> bias = bias_int32(layer, g.out_c);
  const std::int32_t zp = -qz.input_offset;
  const int groups = (g.out_c + 15) / 16;
  const std::int64_t taps = g.taps();

  GeneratedKernel k;
  k.symbol = variant.symbol();
  ConstantBuffer weights{"weights", {}};
  std::vector<std::uint32_t> sums(static_cast<std::size_t>(g.out_c), 0);
  for (int grp = 0; grp < groups; ++grp)
    for (std::int64_t t = 0; t < taps; ++t)
      for (int lane = 0; lane < 16; ++lane) {
        const int c = grp * 16 + lane;
        const std::int8_t v = c < g.out_c ? w[static_cast<std::size_t>(t * g.out_c + c)] : 0;
        weights.bytes.push_back(static_cast<std::uint8_t>(v));
        if (c < g.out_c) sums[c] += static_cast<std::uint32_t>(static_cast<std::int32_t>(v));
      }
  std::vector<std::int32_t> corrections(static_cast<std::size_t>(g.out_c));
  for (int c = 0; c < g.out_c; ++c)
    corrections[c] = fold_input_offset(bias[c], sums[c], zp);
  k.constants.push_back(std::move(weights));
  k.constants.push_back({"requant_table", codegen::requant_table(corrections, qz)});
  k.scratch_bytes = static_cast<std::uint32_t>(scratch_bytes_of(l));
  k.input_overread_bytes = l.staged ? codegen::stage_overread_bytes(l.stage) : 0u;
  k.input_align_bytes = l.staged ? 1 : 16;

  // Address steps after loading a tap: to the next column, or from a row's last column to the
  // next filter row's first.
  const std::int32_t col_step = g.dilation_w * l.pixel_stride;
  const std::int32_t row_step = g.dilation_h * l.row_bytes - (g.kernel_w - 1) * col_step;
  constexpr int kColStep = 4, kRowStep = 10;
  auto step_after = [&](std::int64_t tap) { return (tap + 1) % g.kernel_w != 0 ? kColStep : kRowStep; };

  model::FunctionBuilder b(k.symbol);
  codegen::emit_prologue(b);
  b.emit(Opcode::kL32i, {a(5), a(4), imm(0)});
  codegen::store_slot(b, 5, kSlotWeights);
  b.emit(Opcode::kL32i, {a(6), a(4), imm(4)});
  codegen::store_slot(b, 6, kSlotTable);
  b.emit(Opcode::kL32i, {a(7), a(4), imm(8)});
  codegen::store_slot(b, 7, kSlotScratch);
  b.emit(Opcode::kAddi, {a(7), a(7), imm(kSpillBytes)});
  codegen::store_slot(b, 7, kSlotImage);
  codegen::load_const(b, kColStep, col_step);  // a4: the call block is no longer needed
  const codegen::RequantRegs rq{.acc = 12, .t0 = 13, .t1 = 14, .t2 = 15, .table = 6};

  auto group_body = [&](int lanes) {
    b.emit(Opcode::kEeZeroQacc, {});
    b.emit(Opcode::kMov, {a(9), a(8)});
    b.emit(Opcode::kEeVld128Xp, {q(0), a(9), a(step_after(0))});
    for (std::int64_t t = 0; t < taps; ++t) {
      b.emit(Opcode::kEeVld128Ip, {q(1), a(5), imm(16)});
      if (t + 1 < taps)  // multiply tap t while loading tap t + 1
        b.emit(Opcode::kEeVmulasS8QaccLdXp, {q(0), a(9), a(step_after(t + 1)), q(0), q(1)});
      else
        b.emit(Opcode::kEeVmulasS8Qacc, {q(0), q(1)});
    }
    codegen::load_slot(b, 9, kSlotScratch);
    b.emit(Opcode::kEeStQaccLL128Ip, {a(9), imm(16)});
    b.emit(Opcode::kEeStQaccLH32Ip, {a(9), imm(kSpillHighOffset - 16)});
    b.emit(Opcode::kEeStQaccHL128Ip, {a(9), imm(16)});
    b.emit(Opcode::kEeStQaccHH32Ip, {a(9), imm(-(kSpillHighOffset + 16))});
    for (int lane = 0; lane < lanes; ++lane) {
      emit_spilled_lane(b, 9, lane, rq.acc, rq.t0);
      codegen::emit_requant_scalar(b, rq, lane * codegen::kRequantEntryBytes, qz);
      b.emit(Opcode::kS8i, {a(rq.acc), a(3), imm(lane)});
    }
    b.emit(Opcode::kAddi, {a(3), a(3), imm(lanes)});
    codegen::add_const(b, 6, 6, lanes * codegen::kRequantEntryBytes, 9);
    b.emit(Opcode::kAddi, {a(8), a(8), imm(16)});
  };

  codegen::slot_loop(b, kSlotBatch, g.batches, 8, [&] {
    if (l.staged) {
      codegen::load_slot(b, 9, kSlotImage);
      codegen::emit_stage_input(b, l.stage, zp, {.src = 2, .dst = 9, .zp_slot = kSlotZp});
      codegen::load_slot(b, 7, kSlotImage);
    } else {
      b.emit(Opcode::kMov, {a(7), a(2)});
      codegen::add_const(b, 2, 2, g.in_h * g.in_w * g.in_c, 8);
    }
    codegen::load_const(b, kRowStep, row_step);  // a10: the staging copy uses it as a counter
    const codegen::OutputPixelLoops pixels{.row_slot = kSlotRow, .oy_slot = kSlotOy, .ox_slot = kSlotOx,
                                            .out_h = g.out_h, .out_w = g.out_w,
                                            .col_step = g.stride_w * l.pixel_stride,
                                            .row_step = g.stride_h * l.row_bytes};
    codegen::emit_output_pixel_loops(b, pixels, [&] {
      codegen::load_slot(b, 5, kSlotWeights);
      codegen::load_slot(b, 6, kSlotTable);
      b.emit(Opcode::kMov, {a(8), a(7)});
      if (g.out_c / 16 > 0) codegen::reg_loop(b, 11, g.out_c / 16, [&] { group_body(16); });
      if (g.out_c % 16 > 0) group_body(g.out_c % 16);
    });
  });
  codegen::emit_epilogue(b);
  k.program = single_function_program(std::move(b).finish());
  return k;
}

}  // namespace pietune::kernels::families
