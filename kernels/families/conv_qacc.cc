// conv_qacc: legality and code generation (see the header).
#include "kernels/families/conv_qacc.h"

#include <fmt/format.h>

#include "kernels/codegen/emit.h"
#include "kernels/codegen/qacc_image.h"
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
  bool staged = false;
  int padded_w = 0, padded_h = 0;
  int row_bytes = 0;
  codegen::StageGeometry stage;
};

Layout layout_of(const ConvGeometry& g) {
  Layout l;
  l.staged = g.needs_border();
  l.padded_w = l.staged ? g.left + g.in_w + g.right : g.in_w;
  l.padded_h = l.staged ? g.top + g.in_h + g.bottom : g.in_h;
  l.row_bytes = l.padded_w * g.in_c;
  l.stage = {.height = g.in_h, .width = g.in_w, .channels = g.in_c, .top = g.top, .left = g.left,
             .padded_height = l.padded_h, .padded_width = l.padded_w, .pixel_stride = g.in_c, .tail_bytes = 0};
  return l;
}

constexpr int kSlotWeights = 0, kSlotTable = 1, kSlotScratch = 2, kSlotRow = 3, kSlotBatch = 4, kSlotOy = 5,
              kSlotOx = 6, kSlotZp = 7, kSlotVectors = 8;

bool uses_srcmb(const Variant& variant) { return variant.word("epilogue") == "srcmb"; }
bool hwio_weights(const Variant& variant) { return variant.word("weights") == "hwio"; }

// The accumulator corrections: bias folded with Σ(all taps) w * (-input_zp).
std::vector<std::int32_t> folded_corrections(const Layer& layer, const ConvGeometry& g, std::int32_t zp) {
  const std::vector<std::int8_t> w = weights_int8(layer);
  const std::vector<std::int32_t> bias = bias_int32(layer, g.out_c);
  const std::int64_t terms = g.taps() * g.in_c;
  std::vector<std::int32_t> corrections(static_cast<std::size_t>(g.out_c));
  for (int c = 0; c < g.out_c; ++c) {
    std::uint32_t sum = 0;
    for (std::int64_t t = 0; t < terms; ++t) sum += static_cast<std::uint32_t>(std::int32_t{w[static_cast<std::size_t>(c * terms + t)]});
    corrections[c] = fold_input_offset(bias[c], sum, zp);
  }
  return corrections;
}

}  // namespace

std::optional<Rejection> conv_qacc_legal(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(layer.op == OpKind::kConv2d) << to_string(layer.op);
  if (auto r = check_types(layer)) return r;
  if (layer.options.groups != 1)
    return Rejection{"groups", fmt::format("grouped convolution ({} groups of {} input channels): the broadcast runs "
                                           "over all input channels",
                                           layer.options.groups, layer.input().shape.back() / layer.options.groups)};
  const reference::ChannelQuantization qz = reference::channel_quantization(layer, reference::RoundingMode::kDouble);
  if (auto r = check_shift_range(qz)) return r;
  const ConvGeometry g = conv_geometry(layer);
  if (hwio_weights(variant) && g.out_c % 16 != 0)
    return Rejection{"hwio_channels", fmt::format("{} output channels: hwio rows of Cout bytes need a multiple of 16 "
                                                  "for aligned 16-byte loads (blk16 pads the last group)",
                                                  g.out_c)};
  const std::int64_t terms = g.taps() * g.in_c;
  const bool have_data = layer.weights->data != nullptr;
  const std::vector<std::int8_t> w = have_data ? weights_int8(layer) : std::vector<std::int8_t>{};
  const auto weight = [&](int c, std::int64_t t) { return int{w[static_cast<std::size_t>(c * terms + t)]}; };
  if (auto r = check_qacc_lane_range(g.out_c, terms, "products", weight, have_data)) return r;
  if (uses_srcmb(variant)) {
    // The preload (bias folded with the offsets) must fit the 20-bit lanes: only data can tell, so
    // without it only the scale rules are checked before the rejection.
    if (!have_data) {
      const std::vector<std::int32_t> zero(static_cast<std::size_t>(g.out_c), 0);
      if (auto r = codegen::srcmb_problem(qz, zero, std::vector<codegen::LaneSpan>(zero.size()))) return r;
      return Rejection{"srcmb_lane_range", "no constant data: the preloaded bias cannot be bounded"};
    }
    const std::vector<codegen::LaneSpan> spans = qacc_partial_spans(g.out_c, terms, weight, have_data);
    if (auto r = codegen::srcmb_problem(qz, folded_corrections(layer, g, -qz.input_offset), spans)) return r;
  }
  const Layout l = layout_of(g);
  if (l.staged) return check_scratch(l.stage.bytes(), "the bordered input copy");
  return std::nullopt;
}

GeneratedKernel conv_qacc_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!conv_qacc_legal(layer, variant)) << variant.name();
  const ConvGeometry g = conv_geometry(layer);
  const Layout l = layout_of(g);
  const reference::ChannelQuantization qz = reference::channel_quantization(layer, reference::RoundingMode::kDouble);
  const std::vector<std::int8_t> w = weights_int8(layer);
  const std::int32_t zp = -qz.input_offset;
  const int groups = (g.out_c + 15) / 16;
  const std::int64_t terms = g.taps() * g.in_c;
  const bool srcmb = uses_srcmb(variant);

  GeneratedKernel k;
  k.symbol = variant.symbol();
  const bool hwio = hwio_weights(variant);
  ConstantBuffer weights{"weights", {}};
  if (hwio) {
    for (std::int64_t t = 0; t < terms; ++t)
      for (int c = 0; c < g.out_c; ++c) weights.bytes.push_back(static_cast<std::uint8_t>(w[static_cast<std::size_t>(c * terms + t)]));
  } else {
    for (int grp = 0; grp < groups; ++grp)
      for (std::int64_t t = 0; t < terms; ++t)
        for (int lane = 0; lane < 16; ++lane) {
          const int c = grp * 16 + lane;
          const std::int8_t v = c < g.out_c ? w[static_cast<std::size_t>(c * terms + t)] : 0;
          weights.bytes.push_back(static_cast<std::uint8_t>(v));
        }
  }
  const std::vector<std::int32_t> corrections = folded_corrections(layer, g, zp);
  k.constants.push_back(std::move(weights));
  if (srcmb) {
    k.constants.push_back({"qacc_preloads", codegen::srcmb_preloads(qz, corrections)});
    k.constants.push_back({"srcmb_vectors", codegen::srcmb_vectors(qz)});
  } else {
    k.constants.push_back({"requant_table", codegen::requant_table(corrections, qz)});
  }
  k.scratch_bytes = l.staged ? static_cast<std::uint32_t>(l.stage.bytes()) : 0;
  k.input_overread_bytes = l.staged ? codegen::stage_overread_bytes(l.stage) : 0u;

  model::FunctionBuilder b(k.symbol);
  codegen::emit_prologue(b);
  b.emit(Opcode::kL32i, {a(5), a(4), imm(0)});
  codegen::store_slot(b, 5, kSlotWeights);
  b.emit(Opcode::kL32i, {a(6), a(4), imm(4)});
  codegen::store_slot(b, 6, kSlotTable);
  if (srcmb) {
    b.emit(Opcode::kL32i, {a(7), a(4), imm(8)});
    codegen::store_slot(b, 7, kSlotVectors);
  }
  b.emit(Opcode::kL32i, {a(7), a(4), imm(srcmb ? 12 : 8)});
  codegen::store_slot(b, 7, kSlotScratch);
  const codegen::RequantRegs rq{.acc = 12, .t0 = 13, .t1 = 14, .t2 = 15, .table = 6};
  const int taps_per_segment = g.dilation_w == 1 ? g.kernel_w : 1;

  // a6 walks the requant table (rqscalar) or the QACC preloads (srcmb) group by group.
  auto group_body = [&](int lanes) {
    if (srcmb)
      codegen::emit_load_qacc_image(b, 6);
    else
      b.emit(Opcode::kEeZeroQacc, {});
    if (hwio) codegen::load_const(b, 8, g.out_c);  // the weight row stride
    for (int ky = 0; ky < g.kernel_h; ++ky) {
      for (int kx0 = 0; kx0 < g.kernel_w; kx0 += taps_per_segment) {
        codegen::add_const(b, 9, 7, ky * g.dilation_h * l.row_bytes + kx0 * g.dilation_w * g.in_c, 4);
        codegen::inner_loop(b, 10, std::int64_t{taps_per_segment} * g.in_c, [&] {
          b.emit(Opcode::kEeVldbc8Ip, {q(0), a(9), imm(1)});
          if (hwio)
            b.emit(Opcode::kEeVld128Xp, {q(1), a(5), a(8)});
          else
            b.emit(Opcode::kEeVld128Ip, {q(1), a(5), imm(16)});
          b.emit(Opcode::kEeVmulasS8Qacc, {q(1), q(0)});
        });
      }
    }
    // hwio: back from the end of the array to the next group's first 16 bytes.
    if (hwio) codegen::add_const(b, 5, 5, static_cast<std::int32_t>(16 - terms * g.out_c), 8);
    if (srcmb) {
      codegen::load_slot(b, 12, kSlotVectors);
      codegen::emit_srcmb_epilogue(b, qz, 12, 13, 14);
      codegen::emit_store_lanes(b, 2, lanes, 3, 15);
      b.emit(Opcode::kAddi, {a(3), a(3), imm(lanes)});
      return;
    }
    for (int lane = 0; lane < lanes; ++lane) {
      codegen::emit_qacc_lane(b, lane, rq.acc, rq.t0);
      codegen::emit_requant_scalar(b, rq, lane * codegen::kRequantEntryBytes, qz);
      b.emit(Opcode::kS8i, {a(rq.acc), a(3), imm(lane)});
    }
    b.emit(Opcode::kAddi, {a(3), a(3), imm(lanes)});
    codegen::add_const(b, 6, 6, lanes * codegen::kRequantEntryBytes, 4);
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
                                            .col_step = g.stride_w * g.in_c, .row_step = g.stride_h * l.row_bytes};
    codegen::emit_output_pixel_loops(b, pixels, [&] {
      codegen::load_slot(b, 5, kSlotWeights);
      codegen::load_slot(b, 6, kSlotTable);
      if (g.out_c / 16 > 0) codegen::reg_loop(b, 11, g.out_c / 16, [&] { group_body(16); });
      if (g.out_c % 16 > 0) group_body(g.out_c % 16);
    });
  });
  codegen::emit_epilogue(b);
  k.program = single_function_program(std::move(b).finish());
  return k;
}

}  // namespace pietune::kernels::families
