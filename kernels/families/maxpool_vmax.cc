// maxpool_vmax: legality and code generation (see the header).
#include "kernels/families/maxpool_vmax.h"

#include <algorithm>

#include <fmt/format.h>

#include "kernels/codegen/emit.h"
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
  std::int64_t slot_offset = 0;  // the 16-byte result slot after the staged image
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
  l.slot_offset = l.stage.bytes();
  return l;
}

constexpr int kSlotBounds = 0, kSlotScratch = 2, kSlotRow = 3, kSlotBatch = 4, kSlotOy = 5, kSlotOx = 6, kSlotFill = 7;

}  // namespace

std::optional<Rejection> maxpool_vmax_legal(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(layer.op == OpKind::kMaxPool2d) << to_string(layer.op);
  if (auto r = check_pool_quantization(layer)) return r;
  const ConvGeometry g = conv_geometry(layer);
  const bool direct = variant.word("inputpath") == "direct";
  if (direct) {
    if (g.in_c % 16 != 0)
      return Rejection{"direct_channels",
                       fmt::format("channels {} not a multiple of 16: direct loads and stores need whole 16-byte "
                                   "pixels (the aligned path pads them in a scratch copy, +{} bytes per pixel)",
                                   g.in_c, round_up(g.in_c, 16) - g.in_c)};
    if (g.needs_border())
      return Rejection{"direct_padding",
                       fmt::format("taps reach {} top, {} bottom, {} left, {} right outside the image: direct loads "
                                   "cannot skip them (the aligned path borders the input with -128)",
                                   g.top, g.bottom, g.left, g.right)};
    return std::nullopt;
  }
  return check_scratch(layout_of(g, false).stage.bytes() + 16, "the bordered input copy");
}

GeneratedKernel maxpool_vmax_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!maxpool_vmax_legal(layer, variant)) << variant.name();
  const ConvGeometry g = conv_geometry(layer);
  const bool direct = variant.word("inputpath") == "direct";
  const Layout l = layout_of(g, direct);
  const int act_min = std::max(layer.options.activation.min, -128);
  const int act_max = std::min(layer.options.activation.max, 127);

  GeneratedKernel k;
  k.symbol = variant.symbol();
  ConstantBuffer bounds{"clamp_bounds", {}};
  for (int i = 0; i < 16; ++i) bounds.bytes.push_back(static_cast<std::uint8_t>(static_cast<std::int8_t>(act_min)));
  for (int i = 0; i < 16; ++i) bounds.bytes.push_back(static_cast<std::uint8_t>(static_cast<std::int8_t>(act_max)));
  k.constants.push_back(std::move(bounds));
  k.scratch_bytes = direct ? 0 : static_cast<std::uint32_t>(l.slot_offset + 16);
  k.input_overread_bytes = l.staged ? codegen::stage_overread_bytes(l.stage) : 0u;
  k.input_align_bytes = direct ? 16 : 1;
  k.output_align_bytes = direct ? 16 : 1;

  model::FunctionBuilder b(k.symbol);
  codegen::emit_prologue(b);
  b.emit(Opcode::kL32i, {a(5), a(4), imm(0)});
  codegen::store_slot(b, 5, kSlotBounds);
  b.emit(Opcode::kL32i, {a(7), a(4), imm(4)});
  codegen::store_slot(b, 7, kSlotScratch);
  const int tap_step = l.pixel_stride;
  const bool step_in_load = tap_step <= 2032;

  auto group_body = [&](int lanes) {
    bool first = true;
    for (int ky = 0; ky < g.kernel_h; ++ky) {
      codegen::add_const(b, 9, 8, ky * l.row_bytes, 4);
      for (int kx = 0; kx < g.kernel_w; ++kx) {
        b.emit(Opcode::kEeVld128Ip, {q(first ? 0 : 1), a(9), imm(step_in_load ? tap_step : 0)});
        if (!step_in_load) codegen::add_const(b, 9, 9, tap_step, 4);
        if (!first) b.emit(Opcode::kEeVmaxS8, {q(0), q(0), q(1)});
        first = false;
      }
    }
    b.emit(Opcode::kEeVmaxS8, {q(0), q(0), q(6)});
    b.emit(Opcode::kEeVminS8, {q(0), q(0), q(7)});
    if (direct) {
      b.emit(Opcode::kEeVst128Ip, {q(0), a(3), imm(16)});
    } else {
      b.emit(Opcode::kMov, {a(9), a(10)});
      b.emit(Opcode::kEeVst128Ip, {q(0), a(9), imm(0)});
      for (int lane = 0; lane < lanes; ++lane) {
        b.emit(Opcode::kL8ui, {a(12), a(10), imm(lane)});
        b.emit(Opcode::kS8i, {a(12), a(3), imm(lane)});
      }
      b.emit(Opcode::kAddi, {a(3), a(3), imm(lanes)});
    }
    b.emit(Opcode::kAddi, {a(8), a(8), imm(16)});
  };

  codegen::slot_loop(b, kSlotBatch, g.batches, 8, [&] {
    if (l.staged) {
      codegen::load_slot(b, 9, kSlotScratch);
      codegen::emit_stage_input(b, l.stage, -128, {.src = 2, .dst = 9, .zp_slot = kSlotFill});
      codegen::load_slot(b, 7, kSlotScratch);
      codegen::add_const(b, 10, 7, static_cast<std::int32_t>(l.slot_offset), 4);
    } else {
      b.emit(Opcode::kMov, {a(7), a(2)});
      codegen::add_const(b, 2, 2, g.in_h * g.in_w * g.in_c, 8);
    }
    codegen::load_slot(b, 5, kSlotBounds);
    b.emit(Opcode::kEeVld128Ip, {q(6), a(5), imm(16)});
    b.emit(Opcode::kEeVld128Ip, {q(7), a(5), imm(0)});
    const codegen::OutputPixelLoops pixels{.row_slot = kSlotRow, .oy_slot = kSlotOy, .ox_slot = kSlotOx,
                                            .out_h = g.out_h, .out_w = g.out_w,
                                            .col_step = g.stride_w * l.pixel_stride,
                                            .row_step = g.stride_h * l.row_bytes};
    codegen::emit_output_pixel_loops(b, pixels, [&] {
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
