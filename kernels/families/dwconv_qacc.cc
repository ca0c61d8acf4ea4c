// dwconv_qacc: legality and code generation (see the header).
#include "kernels/families/dwconv_qacc.h"

#include <algorithm>

#include <fmt/format.h>

#include "kernels/codegen/emit.h"
#include "kernels/codegen/qacc_lanes.h"
#include "kernels/codegen/requant_scalar.h"
#include "kernels/codegen/stage_input.h"
#include "model/support/error.h"

namespace pietune::kernels::families {
namespace {

using model::a;
using model::imm;
using model::Opcode;
using model::q;

struct Layout {
  bool staged = true;
  int pixel_stride = 0;
  int padded_w = 0, padded_h = 0;
  int row_bytes = 0;
  codegen::StageGeometry stage;
};

Layout layout_of(const ConvGeometry& g, bool direct) {
  Layout l;
  l.staged = !direct;
  l.pixel_stride = static_cast<int>(round_up(g.out_c, 16));
  l.padded_w = l.staged ? g.left + g.in_w + g.right : g.in_w;
  l.padded_h = l.staged ? g.top + g.in_h + g.bottom : g.in_h;
  l.row_bytes = l.padded_w * l.pixel_stride;
  l.stage = {.height = g.in_h, .width = g.in_w, .channels = g.in_c, .top = g.top, .left = g.left,
             .padded_height = l.padded_h, .padded_width = l.padded_w, .pixel_stride = l.pixel_stride,
             .tail_bytes = 0, .replicate = g.out_c / g.in_c};
  return l;
}

constexpr int kSlotWeights = 0, kSlotTable = 1, kSlotScratch = 2, kSlotRow = 3, kSlotBatch = 4, kSlotOy = 5,
              kSlotOx = 6, kSlotZp = 7;

}  // namespace

std::optional<Rejection> dwconv_qacc_legal(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(layer.op == OpKind::kDepthwiseConv2d) << to_string(layer.op);
  if (auto r = check_types(layer)) return r;
  const bool direct = variant.word("inputpath") == "direct";
  if (direct && layer.options.depth_multiplier != 1)
    return Rejection{"depth_multiplier",
                     fmt::format("depth multiplier {}: direct loads need one input channel per lane (the aligned "
                                 "path writes each input channel {} times in its scratch copy)",
                                 layer.options.depth_multiplier, layer.options.depth_multiplier)};
  if (layer.options.depth_multiplier > 64)
    return Rejection{"depth_multiplier",
                     fmt::format("depth multiplier {} above the 64 copies the staging loop writes per input byte",
                                 layer.options.depth_multiplier)};
  if (auto r = check_shift_range(reference::channel_quantization(layer, reference::RoundingMode::kDouble))) return r;
  const ConvGeometry g = conv_geometry(layer);
  const std::int64_t taps = g.taps();
  const bool have_data = layer.weights->data != nullptr;
  const std::vector<std::int8_t> w = have_data ? weights_int8(layer) : std::vector<std::int8_t>{};
  if (auto r = check_qacc_lane_range(
          g.out_c, taps, "taps", [&](int c, std::int64_t t) { return int{w[static_cast<std::size_t>(t * g.out_c + c)]}; },
          have_data))
    return r;
  if (direct) {
    if (g.in_c % 16 != 0)
      return Rejection{"direct_channels",
                       fmt::format("channels {} not a multiple of 16: direct loads need whole 16-byte pixels (the "
                                   "aligned path pads them in a scratch copy, +{} bytes per pixel)",
                                   g.in_c, round_up(g.in_c, 16) - g.in_c)};
    if (g.needs_border())
      return Rejection{"direct_padding",
                       fmt::format("taps reach {} top, {} bottom, {} left, {} right outside the image: direct loads "
                                   "cannot skip them (the aligned path borders the input with the zero point)",
                                   g.top, g.bottom, g.left, g.right)};
    return std::nullopt;
  }
  return check_scratch(layout_of(g, false).stage.bytes(), "the staged input");
}

GeneratedKernel dwconv_qacc_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!dwconv_qacc_legal(layer, variant)) << variant.name();
  const ConvGeometry g = conv_geometry(layer);
  const bool direct = variant.word("inputpath") == "direct";
  const Layout l = layout_of(g, direct);
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
  k.scratch_bytes = l.staged ? static_cast<std::uint32_t>(l.stage.bytes()) : 0;
  k.input_overread_bytes = l.staged ? codegen::stage_overread_bytes(l.stage) : 0u;
  k.input_align_bytes = direct ? 16 : 1;

  model::FunctionBuilder b(k.symbol);
  codegen::emit_prologue(b);
  b.emit(Opcode::kL32i, {a(5), a(4), imm(0)});
  codegen::store_slot(b, 5, kSlotWeights);
  b.emit(Opcode::kL32i, {a(6), a(4), imm(4)});
  codegen::store_slot(b, 6, kSlotTable);
  b.emit(Opcode::kL32i, {a(7), a(4), imm(8)});
  codegen::store_slot(b, 7, kSlotScratch);
  const codegen::RequantRegs rq{.acc = 12, .t0 = 13, .t1 = 14, .t2 = 15, .table = 6};
  const int tap_step = g.dilation_w * l.pixel_stride;
  const bool step_in_load = tap_step <= 2032;

  auto group_body = [&](int lanes) {
    b.emit(Opcode::kEeZeroQacc, {});
    for (int ky = 0; ky < g.kernel_h; ++ky) {
      codegen::add_const(b, 9, 8, ky * g.dilation_h * l.row_bytes, 4);
      for (int kx = 0; kx < g.kernel_w; ++kx) {
        b.emit(Opcode::kEeVld128Ip, {q(0), a(9), imm(step_in_load ? tap_step : 0)});
        if (!step_in_load) codegen::add_const(b, 9, 9, tap_step, 4);
        b.emit(Opcode::kEeVld128Ip, {q(1), a(5), imm(16)});
        b.emit(Opcode::kEeVmulasS8Qacc, {q(0), q(1)});
      }
    }
    for (int lane = 0; lane < lanes; ++lane) {
      codegen::emit_qacc_lane(b, lane, rq.acc, rq.t0);
      codegen::emit_requant_scalar(b, rq, lane * codegen::kRequantEntryBytes, qz);
      b.emit(Opcode::kS8i, {a(rq.acc), a(3), imm(lane)});
    }
    b.emit(Opcode::kAddi, {a(3), a(3), imm(lanes)});
    codegen::add_const(b, 6, 6, lanes * codegen::kRequantEntryBytes, 4);
    b.emit(Opcode::kAddi, {a(8), a(8), imm(16)});
  };

  codegen::slot_loop(b, kSlotBatch, g.batches, 8, [&] {
    if (l.staged) {
      codegen::load_slot(b, 9, kSlotScratch);
      codegen::emit_stage_input(b, l.stage, zp, {.src = 2, .dst = 9, .zp_slot = kSlotZp});
      codegen::load_slot(b, 7, kSlotScratch);
    } else {
      b.emit(Opcode::kMov, {a(7), a(2)});
      codegen::add_const(b, 2, 2, g.in_h * g.in_w * g.in_c, 8);
    }
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
