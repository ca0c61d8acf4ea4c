// avgpool_qacc: legality and code generation (see the header).
#include "kernels/families/avgpool_qacc.h"

#include <algorithm>

#include <fmt/format.h>

#include "kernels/codegen/emit.h"
#include "kernels/codegen/qacc_lanes.h"
#include "kernels/codegen/stage_input.h"
#include "model/support/error.h"

namespace pietune::kernels::families {
namespace {

using model::a;
using model::imm;
using model::Opcode;
using model::q;

constexpr int kMaxTaps = 256;

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
  l.pixel_stride = static_cast<int>(round_up(g.in_c, 16));
  l.padded_w = l.staged ? g.left + g.in_w + g.right : g.in_w;
  l.padded_h = l.staged ? g.top + g.in_h + g.bottom : g.in_h;
  l.row_bytes = l.padded_w * l.pixel_stride;
  l.stage = {.height = g.in_h, .width = g.in_w, .channels = g.in_c, .top = g.top, .left = g.left,
             .padded_height = l.padded_h, .padded_width = l.padded_w, .pixel_stride = l.pixel_stride,
             .tail_bytes = 0};
  return l;
}

constexpr int kSlotOnes = 0, kSlotTable = 1, kSlotScratch = 2, kSlotRow = 3, kSlotBatch = 4, kSlotOy = 5, kSlotOx = 6,
              kSlotFill = 7;

}  // namespace

std::optional<Rejection> avgpool_qacc_legal(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(layer.op == OpKind::kAveragePool2d) << to_string(layer.op);
  if (auto r = check_pool_quantization(layer)) return r;
  const ConvGeometry g = conv_geometry(layer);
  if (g.taps() > kMaxTaps)
    return Rejection{"window", fmt::format("window {}x{} = {} taps: the exact division is proven for at most {} taps",
                                           g.kernel_h, g.kernel_w, g.taps(), kMaxTaps)};
  for (int oy = 0; oy < g.out_h; ++oy)
    for (int ox = 0; ox < g.out_w; ++ox)
      if (pool_window_taps(g, oy, ox) == 0)
        return Rejection{"empty_window", fmt::format("the window of output ({}, {}) has no tap inside the image", oy, ox)};
  const bool direct = variant.word("inputpath") == "direct";
  if (direct) {
    if (g.in_c % 16 != 0)
      return Rejection{"direct_channels",
                       fmt::format("channels {} not a multiple of 16: direct loads need whole 16-byte pixels (the "
                                   "aligned path pads them in a scratch copy, +{} bytes per pixel)",
                                   g.in_c, round_up(g.in_c, 16) - g.in_c)};
    if (g.needs_border())
      return Rejection{"direct_padding",
                       fmt::format("taps reach {} top, {} bottom, {} left, {} right outside the image: direct loads "
                                   "cannot skip them (the aligned path borders the input with 0)",
                                   g.top, g.bottom, g.left, g.right)};
    return std::nullopt;
  }
  return check_scratch(layout_of(g, false).stage.bytes(), "the bordered input copy");
}

GeneratedKernel avgpool_qacc_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!avgpool_qacc_legal(layer, variant)) << variant.name();
  const ConvGeometry g = conv_geometry(layer);
  const bool direct = variant.word("inputpath") == "direct";
  const Layout l = layout_of(g, direct);
  const int act_min = std::max(layer.options.activation.min, -128);
  const int act_max = std::min(layer.options.activation.max, 127);

  GeneratedKernel k;
  k.symbol = variant.symbol();
  k.constants.push_back({"ones", std::vector<std::uint8_t>(16, 1)});
  ConstantBuffer table{"divisors", {}};
  for (int oy = 0; oy < g.out_h; ++oy)
    for (int ox = 0; ox < g.out_w; ++ox) {
      const std::int64_t n = pool_window_taps(g, oy, ox);
      append_int32(table.bytes, static_cast<std::int32_t>(n / 2));
      append_int32(table.bytes, static_cast<std::int32_t>(static_cast<std::uint32_t>(((std::int64_t{1} << 31) + n - 1) / n)));
    }
  k.constants.push_back(std::move(table));
  k.scratch_bytes = direct ? 0 : static_cast<std::uint32_t>(l.stage.bytes());
  k.input_overread_bytes = l.staged ? codegen::stage_overread_bytes(l.stage) : 0u;
  k.input_align_bytes = direct ? 16 : 1;

  model::FunctionBuilder b(k.symbol);
  codegen::emit_prologue(b);
  b.emit(Opcode::kL32i, {a(5), a(4), imm(0)});
  codegen::store_slot(b, 5, kSlotOnes);
  b.emit(Opcode::kL32i, {a(6), a(4), imm(4)});
  codegen::store_slot(b, 6, kSlotTable);
  b.emit(Opcode::kL32i, {a(7), a(4), imm(8)});
  codegen::store_slot(b, 7, kSlotScratch);
  const int tap_step = l.pixel_stride;
  const bool step_in_load = tap_step <= 2032;

  auto group_body = [&](int lanes) {
    b.emit(Opcode::kEeZeroQacc, {});
    for (int ky = 0; ky < g.kernel_h; ++ky) {
      codegen::add_const(b, 9, 8, ky * l.row_bytes, 4);
      for (int kx = 0; kx < g.kernel_w; ++kx) {
        b.emit(Opcode::kEeVld128Ip, {q(0), a(9), imm(step_in_load ? tap_step : 0)});
        if (!step_in_load) codegen::add_const(b, 9, 9, tap_step, 4);
        b.emit(Opcode::kEeVmulasS8Qacc, {q(0), q(6)});
      }
    }
    for (int lane = 0; lane < lanes; ++lane) {
      codegen::emit_qacc_lane(b, lane, 12, 13);
      b.emit(Opcode::kAbs, {a(13), a(12)});
      b.emit(Opcode::kAdd, {a(13), a(13), a(14)});
      b.emit(Opcode::kSlli, {a(13), a(13), imm(1)});
      b.emit(Opcode::kMuluh, {a(13), a(13), a(15)});
      b.emit(Opcode::kNeg, {a(10), a(13)});
      b.emit(Opcode::kMovltz, {a(13), a(10), a(12)});
      if (act_min <= -128 && act_max >= 127) {
        b.emit(Opcode::kClamps, {a(13), a(13), imm(7)});
      } else {
        codegen::load_const(b, 10, act_min);
        b.emit(Opcode::kMax, {a(13), a(13), a(10)});
        codegen::load_const(b, 10, act_max);
        b.emit(Opcode::kMin, {a(13), a(13), a(10)});
      }
      b.emit(Opcode::kS8i, {a(13), a(3), imm(lane)});
    }
    b.emit(Opcode::kAddi, {a(3), a(3), imm(lanes)});
    b.emit(Opcode::kAddi, {a(8), a(8), imm(16)});
  };

  codegen::slot_loop(b, kSlotBatch, g.batches, 8, [&] {
    if (l.staged) {
      codegen::load_slot(b, 9, kSlotScratch);
      codegen::emit_stage_input(b, l.stage, 0, {.src = 2, .dst = 9, .zp_slot = kSlotFill});
      codegen::load_slot(b, 7, kSlotScratch);
    } else {
      b.emit(Opcode::kMov, {a(7), a(2)});
      codegen::add_const(b, 2, 2, g.in_h * g.in_w * g.in_c, 8);
    }
    codegen::load_slot(b, 5, kSlotOnes);
    b.emit(Opcode::kEeVld128Ip, {q(6), a(5), imm(0)});
    codegen::load_slot(b, 6, kSlotTable);
    const codegen::OutputPixelLoops pixels{.row_slot = kSlotRow, .oy_slot = kSlotOy, .ox_slot = kSlotOx,
                                            .out_h = g.out_h, .out_w = g.out_w,
                                            .col_step = g.stride_w * l.pixel_stride,
                                            .row_step = g.stride_h * l.row_bytes};
    codegen::emit_output_pixel_loops(b, pixels, [&] {
      b.emit(Opcode::kL32i, {a(14), a(6), imm(0)});
      b.emit(Opcode::kL32i, {a(15), a(6), imm(4)});
      b.emit(Opcode::kAddi, {a(6), a(6), imm(8)});
      b.emit(Opcode::kMov, {a(8), a(7)});
      if (g.in_c / 16 > 0) codegen::reg_loop(b, 11, g.in_c / 16, [&] { group_body(16); });
      if (g.in_c % 16 > 0) group_body(g.in_c % 16);
    });
  });
  codegen::emit_epilogue(b);
  k.program = single_function_program(std::move(b).finish());
  return k;
}

}  // namespace pietune::kernels::families
